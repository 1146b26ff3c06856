import { describe, expect, it } from 'vitest';
import { native } from './binding.js';
import { EngineInputError, resolveDecoderConfig, type DecoderConfig } from './decoder-config.js';
import { maxAbsDiff, tinyLlama, tinyModel, tinyQwen2 } from './engine-model.test-helpers.js';
import type { TrainSequence } from './engine-model.js';

describe('objective gradient checks (double-precision reference vs central differences)', () => {
  const configs: [string, DecoderConfig][] = [
    ['llama, untied, GQA', tinyLlama],
    ['qwen2, tied, biases', tinyQwen2],
  ];
  it.each(
    configs.flatMap(([name, config]) => native.objectiveCheckNames().map((kind) => [kind, name, config] as const)),
  )(
    '%s on %s: backward of loss + Σ<injected, h> matches finite differences; float matches double',
    async (kind, _name, config) => {
      const r = await native.checkObjective(resolveDecoderConfig(config), kind, 3);
      expect(r.checked).toBeGreaterThan(50);
      expect(r.gradError).toBeLessThan(1e-6);
      expect(r.lossError).toBeLessThan(1e-5);
      expect(r.floatGradError).toBeLessThan(1e-4);
    },
  );

  it('covers every objective the issue lists', () => {
    expect(native.objectiveCheckNames()).toEqual([
      'grpo',
      'dr_grpo',
      'dapo',
      'grpo_kl',
      'info_nce',
      'inject',
      'input_embeds',
    ]);
  });
});

// Completions of different lengths (3, 5 and 1 target tokens) after two-token prompts.
const rollouts: TrainSequence[] = [
  { ids: [1, 5, 2, 7, 3], promptLength: 2 },
  { ids: [4, 6, 11, 0, 9, 8, 2], promptLength: 2 },
  { ids: [3, 1, 12], promptLength: 2 },
];
const advantages = [1.5, -0.5, 2];
const targetTokens = [3, 5, 1];

async function currentLogprobs(model: ReturnType<typeof tinyModel>) {
  return (await model.tokenLogprobs(rollouts.map((r) => r.ids))).logprobs;
}

describe('the GRPO family', () => {
  it.each([
    // At ratio 1 every token's surrogate is −A, so the three differ only in how they average.
    ['grpo', -(1.5 - 0.5 + 2) / 3],
    ['dapo', -(3 * 1.5 - 5 * 0.5 + 1 * 2) / 9],
    ['dr_grpo', -(3 * 1.5 - 5 * 0.5 + 1 * 2) / (3 * 5)],
  ] as const)('%s averages −A over tokens as its definition says (on-policy, ratio 1)', async (kind, expected) => {
    const model = tinyModel(tinyLlama);
    const oldLogprobs = await currentLogprobs(model);
    const r = await model.train(rollouts, { policy: { kind, oldLogprobs, advantages } }, { backward: false });
    expect(r.policy).toBeCloseTo(expected, 5);
    expect(r.loss).toBeCloseTo(expected, 5);
    expect(r.clipFraction).toBe(0);
    expect(r.tokens).toBe(targetTokens.reduce((a, b) => a + b));
  });

  it('dr_grpo divides by B · maxTokens when the generation budget is given', async () => {
    const model = tinyModel(tinyLlama);
    const oldLogprobs = await currentLogprobs(model);
    const r = await model.train(
      rollouts,
      { policy: { kind: 'dr_grpo', oldLogprobs, advantages, maxTokens: 8 } },
      { backward: false },
    );
    expect(r.policy).toBeCloseTo(-(3 * 1.5 - 5 * 0.5 + 2) / (3 * 8), 5);
  });

  it('a ratio above 1 + ε_high with a positive advantage is clipped: constant loss, no gradient', async () => {
    const model = tinyModel(tinyLlama);
    model.setBaseTrainable(true);
    const current = await currentLogprobs(model);
    const oldLogprobs = current.map((row) => row.map((lp) => lp - Math.log(2))); // ratio 2 everywhere
    const r = await model.train(rollouts, {
      policy: { kind: 'dapo', oldLogprobs, advantages: [1, 1, 1], epsHigh: 0.28 },
    });
    expect(r.policy).toBeCloseTo(-1.28, 5);
    expect(r.clipFraction).toBe(1);
    expect(Array.from(model.gradient('model.layers.0.self_attn.q_proj.weight')!).every((g) => g === 0)).toBe(true);
    // With a negative advantage min(r·A, clip(r)·A) = r·A: unclipped, and the gradient flows.
    model.zeroGrad();
    const neg = await model.train(rollouts, {
      policy: { kind: 'dapo', oldLogprobs, advantages: [-1, -1, -1], epsHigh: 0.28 },
    });
    expect(neg.policy).toBeCloseTo(2, 5);
    expect(neg.clipFraction).toBe(0);
    expect(Array.from(model.gradient('model.layers.0.self_attn.q_proj.weight')!).some((g) => g !== 0)).toBe(true);
  });

  it('k3 KL is zero against itself and positive against another reference', async () => {
    const model = tinyModel(tinyQwen2);
    const current = await currentLogprobs(model);
    const policy = { kind: 'dapo' as const, oldLogprobs: current, advantages, klBeta: 0.5 };
    const same = await model.train(rollouts, { policy: { ...policy, refLogprobs: current } }, { backward: false });
    expect(same.kl).toBeCloseTo(0, 6);
    const shifted = current.map((row) => row.map((lp, t) => lp + (t % 2 ? 0.3 : -0.2)));
    const other = await model.train(rollouts, { policy: { ...policy, refLogprobs: shifted } }, { backward: false });
    expect(other.kl).toBeGreaterThan(0.01);
    // dapo averages over the same tokens the kl statistic does: the loss moves by β · KL.
    expect(other.policy - same.policy).toBeCloseTo(0.5 * other.kl, 5);
  });
});

describe('taps: hidden states out, gradients in, input embeddings', () => {
  const batch: TrainSequence[] = [{ ids: [1, 5, 2, 7, 3] }, { ids: [4, 6, 11] }];

  it('hidden state 0 is the token embedding rows; captures are [batch, seq, hidden]', async () => {
    const model = tinyModel(tinyLlama);
    const r = await model.train(batch, { captureLayers: [0, 1, 2] }, { backward: false });
    const H = tinyLlama.hiddenSize;
    const table = model.getTensor('model.embed_tokens.weight');
    expect(r.seq).toBe(5);
    expect(r.hidden.get(2)).toHaveLength(2 * 5 * H);
    const h0 = r.hidden.get(0)!;
    expect(Array.from(h0.subarray((1 * 5 + 2) * H, (1 * 5 + 3) * H))).toEqual(
      Array.from(table.subarray(11 * H, 12 * H)),
    );
    expect(maxAbsDiff(r.hidden.get(1)!, h0)).toBeGreaterThan(1e-3);
  });

  it('feeding a sequence its own embedding rows changes nothing, and their gradient is the table gradient', async () => {
    const model = tinyModel(tinyLlama);
    model.setBaseTrainable(true);
    const H = tinyLlama.hiddenSize;
    const table = model.getTensor('model.embed_tokens.weight');
    const base = await model.train(batch, { inputGradient: true });
    const tableGrad = model.gradient('model.embed_tokens.weight')!.slice();
    // Token 5 appears once in the batch (sequence 0, position 1): its table row's gradient is that row's input gradient.
    const inputRow = base.inputGrad!.subarray((0 * 5 + 1) * H, (0 * 5 + 2) * H);
    expect(maxAbsDiff(inputRow, tableGrad.subarray(5 * H, 6 * H))).toBeLessThan(1e-6);
    model.zeroGrad();
    const own = new Float32Array(2 * H);
    own.set(table.subarray(6 * H, 7 * H), 0);
    own.set(table.subarray(11 * H, 12 * H), H);
    const fed = await model.train(batch, { inputEmbeddings: [{ sequence: 1, position: 1, values: own }] });
    expect(fed.loss).toBe(base.loss);
    expect(maxAbsDiff(fed.inputEmbeddingGrads[0]!, base.inputGrad!.subarray((5 + 1) * H, (5 + 3) * H))).toBeLessThan(
      1e-6,
    );
    // Rows fed from outside no longer send gradient into the token table.
    expect(Array.from(model.gradient('model.embed_tokens.weight')!.subarray(6 * H, 7 * H)).every((g) => g === 0)).toBe(
      true,
    );
  });

  it('an injected gradient of ones at the last layer equals backward of Σ h_L', async () => {
    const model = tinyModel(tinyQwen2);
    model.setBaseTrainable(true);
    const N = 2 * 5 * tinyQwen2.hiddenSize;
    const grad = new Float32Array(N);
    for (let i = 0; i < N; i++) grad[i] = i % 7 === 0 ? 0 : 1; // any non-trivial pattern
    const r = await model.train(batch, { ceWeight: 0, inject: [{ layer: tinyQwen2.numLayers, grad }] });
    expect(r.loss).toBe(0);
    expect(Array.from(model.gradient('model.layers.1.mlp.down_proj.weight')!).some((g) => g !== 0)).toBe(true);
    // The final norm and the head lie above the injection point: no gradient reaches them.
    expect(Array.from(model.gradient('model.norm.weight')!).every((g) => g === 0)).toBe(true);
  });
});

describe('contrastive InfoNCE on pooled hidden states', () => {
  const pairs: [number, number][] = [
    [0, 1],
    [2, 3],
  ];
  const batch: TrainSequence[] = [
    { ids: [1, 5, 2, 7] },
    { ids: [1, 5, 2, 8, 9] },
    { ids: [10, 3, 4] },
    { ids: [10, 3, 4, 6] },
  ];

  it('the loss equals InfoNCE computed by hand from the captured hidden states', async () => {
    const model = tinyModel(tinyLlama);
    const layer = 1;
    const temperature = 0.3;
    const r = await model.train(
      batch,
      { ceWeight: 0, contrastive: { layer, temperature, pairs }, captureLayers: [layer] },
      { backward: false },
    );
    const H = tinyLlama.hiddenSize;
    const h = r.hidden.get(layer)!;
    const pooled = batch.map((s, b) => {
      const z = new Array<number>(H).fill(0);
      for (let t = 0; t < s.ids.length; t++)
        for (let i = 0; i < H; i++) z[i]! += h[(b * r.seq + t) * H + i]! / s.ids.length;
      const n = Math.hypot(...z);
      return z.map((v) => v / n);
    });
    const cos = (a: number, b: number) => pooled[a]!.reduce((s, v, i) => s + v * pooled[b]![i]!, 0);
    let expected = 0;
    for (const [a] of pairs) {
      const logits = pairs.map(([, q]) => cos(a, q) / temperature);
      const own = logits[pairs.findIndex(([x]) => x === a)]!;
      expected += (Math.log(logits.reduce((s, l) => s + Math.exp(l), 0)) - own) / pairs.length;
    }
    expect(r.contrastive).toBeCloseTo(expected, 5);
    expect(r.loss).toBeCloseTo(expected, 5);
  });

  it('training on it pulls each anchor towards its positive', async () => {
    const model = tinyModel(tinyLlama, 2, 0.3);
    model.setBaseTrainable(true);
    const objective = { ceWeight: 0, contrastive: { layer: 2, temperature: 0.1, pairs } };
    const start = (await model.train(batch, objective, { backward: false })).loss;
    for (let step = 0; step < 30; step++) {
      model.zeroGrad();
      await model.train(batch, objective);
      await model.adamwStep({ lr: 0.01 });
    }
    expect((await model.train(batch, objective, { backward: false })).loss).toBeLessThan(start * 0.5);
  });
});

describe('bad objectives are refused before reaching the engine', () => {
  it.each([
    [{ captureLayers: [3] }, /captureLayers\[0\] = 3 is not a hidden-state index in \[0, 2\]/],
    [
      { inject: [{ layer: 1, grad: new Float32Array(3) }] },
      /inject\[0\].grad has 3 values, expected batch × seq × hidden = 32/,
    ],
    [{ policy: { kind: 'ppo' as never, oldLogprobs: [[0, 0, 0]], advantages: [1] } }, /unknown policy loss "ppo"/],
    [
      { policy: { kind: 'grpo' as const, oldLogprobs: [[0, 0]], advantages: [1] } },
      /policy.oldLogprobs\[0\] has 2 values, expected 3/,
    ],
    [
      { policy: { kind: 'grpo' as const, oldLogprobs: [[0, 0, 0]], advantages: [1, 2] } },
      /advantages has 2 values, the batch 1/,
    ],
    [
      { contrastive: { layer: 1, temperature: 0.1, pairs: [[0, 1]] as [number, number][] } },
      /pairs\[0\] names sequence 1, outside \[0, 1\)/,
    ],
    [
      { inputEmbeddings: [{ sequence: 0, position: 3, values: new Float32Array(16) }] },
      /covers positions \[3, 5\) outside sequence 0 of length 4/,
    ],
  ])('objective %#', async (objective, message) => {
    const model = tinyModel(tinyLlama);
    const error = await model.train([{ ids: [1, 2, 3, 4] }], objective).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineInputError);
    expect((error as Error).message).toMatch(message);
  });
});
