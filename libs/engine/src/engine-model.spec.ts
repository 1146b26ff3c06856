import { describe, expect, it } from 'vitest';
import { native } from './binding.js';
import { EngineInputError, resolveDecoderConfig, type DecoderConfig } from './decoder-config.js';
import { EngineModel } from './engine-model.js';
import { maxAbsDiff, tinyLlama, tinyModel, tinyQwen2 } from './engine-model.test-helpers.js';
import { decoderTensorSpecs, randomWeights, weightBuffers } from './random-weights.js';
import { scoreTokens } from './score.js';

const families: [string, DecoderConfig][] = [
  ['llama, untied embeddings, GQA', tinyLlama],
  ['qwen2 (q/k/v biases), tied embeddings', tinyQwen2],
  ['llama, multi-head (kv heads = heads)', { ...tinyLlama, numKvHeads: 4 }],
];

describe('whole-model gradient checks (double-precision reference vs central differences)', () => {
  it.each(
    families.flatMap(([name, config]) =>
      (['full', 'lora', 'lora_dropout'] as const).map((mode) => [name, mode, config] as const),
    ),
  )(
    '%s, %s fine-tuning: backward matches finite differences and the float model matches the double one',
    async (_name, mode, config) => {
      const r = await native.checkModel(resolveDecoderConfig(config), mode, 3);
      expect(r.checked).toBeGreaterThan(50);
      expect(r.gradError).toBeLessThan(1e-6);
      expect(r.lossError).toBeLessThan(1e-5);
      expect(r.floatGradError).toBeLessThan(1e-4);
    },
  );
});

describe('EngineModel invariants', () => {
  const sequences = [
    { ids: [1, 5, 2, 7, 3, 3, 9], promptLength: 2 },
    // No sequence starts with a repeated token: with RoPE alone, [a] and [a, a] give the same hidden
    // state, so no model could tell those two positions apart.
    { ids: [4, 6, 11, 0], promptLength: 1 },
  ];

  it('LoRA with B = 0 gives exactly the base model', async () => {
    const model = tinyModel(tinyLlama);
    const base = await model.logits([1, 5, 2, 7, 3]);
    model.addLora({ rank: 4, alpha: 8, targets: ['q_proj', 'v_proj', 'down_proj'], seed: 2 });
    expect(maxAbsDiff(await model.logits([1, 5, 2, 7, 3]), base)).toBe(0);
  });

  it.each([false, true])('merged LoRA equals unmerged LoRA (rsLoRA %s)', async (rslora) => {
    const model = tinyModel(tinyQwen2);
    model.addLora({
      rank: 3,
      alpha: 6,
      rslora,
      targets: ['q_proj', 'k_proj', 'o_proj', 'gate_proj', 'up_proj'],
      zeroB: false,
      seed: 5,
    });
    const unmerged = await model.logits([1, 5, 2, 7, 3]);
    const base = tinyModel(tinyQwen2);
    expect(maxAbsDiff(unmerged, await base.logits([1, 5, 2, 7, 3]))).toBeGreaterThan(1e-3);
    model.mergeLora();
    expect(model.tensorNames().some((n) => n.includes('lora_'))).toBe(false);
    expect(maxAbsDiff(await model.logits([1, 5, 2, 7, 3]), unmerged)).toBeLessThan(1e-5);
  });

  it('rsLoRA scales the update by alpha/√r instead of alpha/r', async () => {
    const logitsWith = async (rslora: boolean) => {
      const model = tinyModel(tinyLlama);
      model.addLora({ rank: 4, alpha: 4, rslora, targets: ['v_proj'], zeroB: false, seed: 9 });
      return model.logits([3, 1, 4]);
    };
    const base = await tinyModel(tinyLlama).logits([3, 1, 4]);
    // alpha/r = 1 vs alpha/√r = 2: rsLoRA moves the logits further from the base.
    expect(maxAbsDiff(await logitsWith(true), base)).toBeGreaterThan(maxAbsDiff(await logitsWith(false), base));
  });

  it.each(families)('%s: KV-cache generation logprobs equal full-forward logprobs', async (_name, config) => {
    const model = tinyModel(config);
    const prompts = [[1, 2, 3, 4, 5], [7], [9, 8, 7]];
    const out = await model.generate(prompts, { maxNewTokens: 6, temperature: 1, seed: 4 });
    for (const [b, prompt] of prompts.entries()) {
      const full = [...prompt, ...out.tokens[b]!];
      const scored = (await scoreTokens(model, full)).slice(prompt.length - 1);
      expect(out.tokens[b]).toHaveLength(6);
      expect(maxAbsDiff(out.logprobs[b]!, scored)).toBeLessThan(1e-4);
    }
  });

  it('greedy generation picks the argmax of the full-forward logits at every step', async () => {
    const model = tinyModel(tinyQwen2);
    const prompt = [2, 6, 1];
    const { tokens } = await model.generate([prompt], { maxNewTokens: 5, temperature: 0 });
    const seq = [...prompt, ...tokens[0]!];
    const logits = await model.logits(seq);
    const V = tinyQwen2.vocabSize;
    for (let t = prompt.length - 1; t < seq.length - 1; t++) {
      const row = Array.from(logits.subarray(t * V, (t + 1) * V));
      expect(seq[t + 1]).toBe(row.indexOf(Math.max(...row)));
    }
  });

  it('sampling is reproducible from its seed, and top-k = 1 is greedy', async () => {
    const model = tinyModel(tinyLlama);
    const opts = { maxNewTokens: 8, temperature: 1.5, topP: 0.9, seed: 11 };
    const a = await model.generate([[1, 2], [3]], opts);
    const b = await model.generate([[1, 2], [3]], opts);
    expect(a.tokens).toEqual(b.tokens);
    const greedy = await model.generate([[1, 2]], { maxNewTokens: 8, temperature: 0 });
    const topK1 = await model.generate([[1, 2]], { maxNewTokens: 8, temperature: 1, topK: 1, seed: 3 });
    expect(topK1.tokens).toEqual(greedy.tokens);
  });

  it('generation stops at a stop token and keeps it', async () => {
    const model = tinyModel(tinyLlama);
    const free = await model.generate([[1, 2]], { maxNewTokens: 8, temperature: 0 });
    const stop = free.tokens[0]![2]!;
    const out = await model.generate([[1, 2]], { maxNewTokens: 8, temperature: 0, stopTokens: [stop] });
    expect(out.tokens[0]!.at(-1)).toBe(stop);
    expect(out.tokens[0]!.length).toBeLessThanOrEqual(3);
  });

  it('right padding in a batch does not change a sequence’s loss', async () => {
    const model = tinyModel(tinyLlama);
    const alone = await model.loss([sequences[1]!]);
    const weighted = await model.loss(sequences);
    const first = await model.loss([sequences[0]!]);
    // mean over 5 + 3 target tokens
    expect(weighted).toBeCloseTo((first * 5 + alone * 3) / 8, 5);
  });

  it('a tiny model overfits one batch with AdamW (full fine-tuning)', async () => {
    const model = tinyModel(tinyQwen2, 7, 0.1);
    model.setBaseTrainable(true);
    let loss = Infinity;
    for (let step = 0; step < 200; step++) {
      model.zeroGrad();
      loss = await model.lossAndBackward(sequences);
      await model.adamwStep({ lr: 0.05, weightDecay: 0.01, maxGradNorm: 1 });
    }
    expect(loss).toBeLessThan(0.05);
  });

  it('LoRA training moves only the adapter and lowers the loss', async () => {
    const model = tinyModel(tinyLlama, 3, 0.1);
    model.addLora({ rank: 4, alpha: 8, targets: ['q_proj', 'v_proj', 'up_proj', 'down_proj'], seed: 1 });
    const q = model.getTensor('model.layers.0.self_attn.q_proj.weight');
    const start = await model.loss(sequences);
    for (let step = 0; step < 100; step++) {
      model.zeroGrad();
      await model.lossAndBackward(sequences);
      await model.adamwStep({ lr: 0.05 });
    }
    expect(await model.loss(sequences)).toBeLessThan(start * 0.8);
    expect(model.gradient('model.layers.0.self_attn.q_proj.weight')).toBeNull();
    expect(model.getTensor('model.layers.0.self_attn.q_proj.weight')).toEqual(q);
  });

  describe('LoRA dropout', () => {
    const targets = ['q_proj', 'v_proj', 'up_proj'];
    const withAdapter = (dropout: number) => {
      const model = tinyModel(tinyLlama);
      model.addLora({ rank: 4, alpha: 8, targets, zeroB: false, seed: 9, dropout });
      return model;
    };

    it('acts only in training-mode calls: evaluation equals the same adapter without dropout', async () => {
      const dropped = withAdapter(0.3);
      const plain = withAdapter(0);
      expect(await dropped.loss(sequences)).toBe(await plain.loss(sequences));
      expect(maxAbsDiff(await dropped.logits([1, 5, 2, 7, 3]), await plain.logits([1, 5, 2, 7, 3]))).toBe(0);
      const training = await dropped.loss(sequences, { dropoutSeed: 4 });
      expect(Math.abs(training - (await plain.loss(sequences)))).toBeGreaterThan(1e-4);
      // with p = 0 the seed changes nothing
      expect(await plain.loss(sequences, { dropoutSeed: 4 })).toBe(await plain.loss(sequences));
    });

    it('masks are a function of the seed: same seed, same loss and gradient; another seed, another', async () => {
      const model = withAdapter(0.3);
      const name = 'model.layers.0.self_attn.q_proj.lora_A.weight';
      const first = await model.lossAndBackward(sequences, { dropoutSeed: 11 });
      const grad = model.gradient(name)!;
      model.zeroGrad();
      expect(await model.lossAndBackward(sequences, { dropoutSeed: 11 })).toBe(first);
      expect(maxAbsDiff(model.gradient(name)!, grad)).toBe(0);
      model.zeroGrad();
      expect(await model.lossAndBackward(sequences, { dropoutSeed: 12 })).not.toBe(first);
    });

    it('a training call without a seed is refused by name; a bad rate or seed too', async () => {
      const model = withAdapter(0.1);
      await expect(model.lossAndBackward(sequences)).rejects.toThrow(/dropoutSeed/);
      await expect(model.train(sequences, {})).rejects.toThrow(EngineInputError);
      await expect(model.loss(sequences, { dropoutSeed: -1 })).rejects.toThrow(/dropoutSeed must be/);
      expect(() => tinyModel(tinyLlama).addLora({ rank: 2, alpha: 2, targets, dropout: 1 })).toThrow(
        /LoRA dropout must be in \[0, 1\)/,
      );
    });

    it('LoRA training with dropout still lowers the loss', async () => {
      const model = tinyModel(tinyLlama);
      model.addLora({ rank: 4, alpha: 8, targets, seed: 9, dropout: 0.2 });
      const before = await model.loss(sequences);
      for (let step = 0; step < 40; step++) {
        model.zeroGrad();
        await model.lossAndBackward(sequences, { dropoutSeed: step });
        await model.adamwStep({ lr: 1e-2 });
      }
      expect(await model.loss(sequences)).toBeLessThan(before * 0.8);
    });
  });

  it('gradients accumulate across backward calls until zeroGrad', async () => {
    const model = tinyModel(tinyLlama);
    model.setBaseTrainable(true);
    await model.lossAndBackward(sequences);
    const once = model.gradient('model.norm.weight')!.slice();
    await model.lossAndBackward(sequences);
    expect(
      maxAbsDiff(
        model.gradient('model.norm.weight')!,
        once.map((g) => 2 * g),
      ),
    ).toBeLessThan(1e-5);
    model.zeroGrad();
    expect(Array.from(model.gradient('model.norm.weight')!).every((g) => g === 0)).toBe(true);
  });
});

describe('training is bit-for-bit reproducible on the thread pool', () => {
  it('the same batch gives the same gradient every time, whichever thread finishes first', async () => {
    // 8 × 48 = 384 rows: the RMSNorm weight gradients are summed over many parallel row chunks, which
    // were once added in the order threads finished (two pretrainings of one seed drifted apart).
    const config = { ...tinyQwen2, vocabSize: 64, hiddenSize: 64, numHeads: 4, numKvHeads: 2, intermediateSize: 96 };
    const model = tinyModel(config, 3, 0.1);
    model.setBaseTrainable(true);
    const batch = Array.from({ length: 8 }, (_, b) => ({
      ids: Array.from({ length: 48 }, (_, t) => (b * 7 + t * 5) % 64),
      promptLength: 1,
    }));
    const names = [
      'model.norm.weight',
      'model.layers.0.input_layernorm.weight',
      'model.layers.1.post_attention_layernorm.weight',
    ];
    const gradients = async () => {
      model.zeroGrad();
      await model.lossAndBackward(batch);
      return names.map((n) => Array.from(model.gradient(n)!));
    };
    const first = await gradients();
    for (let i = 0; i < 40; i++) expect(await gradients()).toEqual(first);
  });
});

describe('tensor specs known without a model', () => {
  it.each(families)(
    '%s: decoderTensorSpecs lists exactly the tensors and shapes the native model holds',
    (_name, config) => {
      const byName = (specs: { name: string; shape: number[] }[]) =>
        specs.map((s) => ({ name: s.name, shape: s.shape })).sort((a, b) => a.name.localeCompare(b.name));
      expect(byName(decoderTensorSpecs(config))).toEqual(byName(tinyModel(config).tensorSpecs()));
    },
  );
});

describe('EngineModel calls run off the JavaScript thread and can be cancelled', () => {
  const mid: DecoderConfig = {
    ...tinyLlama,
    vocabSize: 512,
    hiddenSize: 256,
    numLayers: 4,
    numHeads: 8,
    numKvHeads: 4,
    intermediateSize: 512,
  };

  it('the event loop keeps turning while a long call runs', async () => {
    const model = EngineModel.create(mid, weightBuffers(randomWeights(mid, 1)));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await model.generate([[1, 2, 3]], { maxNewTokens: 64, temperature: 0 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it('back-to-back parallel loops of every size finish (batch-32 decoding once hung the thread pool)', async () => {
    const model = EngineModel.create(mid, weightBuffers(randomWeights(mid, 1)));
    const prompts = Array.from({ length: 32 }, (_, b) => [1 + (b % 7), 2, 3]);
    for (let round = 0; round < 3; round++) {
      const out = await model.generate(prompts, { maxNewTokens: 24, temperature: 1, seed: round });
      expect(out.tokens).toHaveLength(32);
    }
  });

  it('an aborted signal rejects with an AbortError and the model stays usable', async () => {
    const model = EngineModel.create(mid, weightBuffers(randomWeights(mid, 1)));
    const controller = new AbortController();
    const pending = model.generate([[1, 2, 3]], { maxNewTokens: 2000, temperature: 0, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const already = AbortSignal.abort();
    await expect(model.loss([{ ids: [1, 2, 3] }], { signal: already })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await model.loss([{ ids: [1, 2, 3] }])).toBeGreaterThan(0);
  });
});

describe('bad input gets a clear error, never a crash', () => {
  it.each([
    [{ ...tinyLlama, architecture: 'gpt2' as never }, /unknown architecture "gpt2"/],
    [{ ...tinyLlama, numKvHeads: 3 }, /multiple of numKvHeads/],
    [{ ...tinyLlama, hiddenSize: 0 }, /hiddenSize must be a positive integer/],
    [{ ...tinyLlama, numHeads: 2, numKvHeads: 2, hiddenSize: 6 }, /headDim must be even/],
  ])('config %#', (config, message) => {
    expect(() => resolveDecoderConfig(config)).toThrow(message);
  });

  it('a weight of the wrong shape names the tensor and both sizes', () => {
    const weights = weightBuffers(randomWeights(tinyLlama, 1));
    weights.set('model.layers.1.mlp.up_proj.weight', new Float32Array(5));
    expect(() => EngineModel.create(tinyLlama, weights)).toThrow(
      /'model.layers.1.mlp.up_proj.weight' has shape \[12, 8\] \(96 values\), got 5/,
    );
  });

  it('a missing or unexpected tensor is named', () => {
    const weights = weightBuffers(randomWeights(tinyLlama, 1));
    weights.delete('model.norm.weight');
    expect(() => EngineModel.create(tinyLlama, weights)).toThrow(/missing tensor 'model.norm.weight'/);
    const tied = weightBuffers(randomWeights(tinyLlama, 1));
    expect(() => EngineModel.create({ ...tinyLlama, tieEmbeddings: true }, tied)).toThrow(
      /unexpected tensor 'lm_head.weight'/,
    );
  });

  it('token ids out of the vocabulary are rejected before reaching the engine', async () => {
    const model = tinyModel(tinyLlama);
    await expect(model.loss([{ ids: [1, 13] }])).rejects.toThrow(EngineInputError);
    await expect(model.loss([{ ids: [1, -1] }])).rejects.toThrow(/sequence 0\[1\] = -1 is not a token id in \[0, 13\)/);
    await expect(model.generate([[1]], { maxNewTokens: 0 })).rejects.toThrow(/maxNewTokens/);
  });
});
