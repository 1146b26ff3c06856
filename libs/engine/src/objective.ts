import type { NativeObjective } from './binding.js';
import { EngineInputError } from './decoder-config.js';

export const POLICY_LOSSES = ['grpo', 'dr_grpo', 'dapo'] as const;
export type PolicyLossKind = (typeof POLICY_LOSSES)[number];

/**
 * The GRPO family's clipped surrogate on per-token ratios exp(logp − oldLogp), with one advantage per
 * sequence, over the sequences' target tokens (index >= promptLength):
 * `grpo` = mean over sequences of each sequence's token mean; `dr_grpo` = token sum / (B · maxTokens);
 * `dapo` = mean over every token of the batch. With `refLogprobs`, adds klBeta · k3 KL to the reference.
 */
export interface PolicyLossOptions {
  kind: PolicyLossKind;
  /** Ratios are clipped to [1 − epsLow, 1 + epsHigh]; both default to 0.2 (DAPO's clip-higher: 0.28). */
  epsLow?: number;
  epsHigh?: number;
  /** Per sequence, log p_old(ids[t] | ids[<t]) for t >= 1 — the layout tokenLogprobs returns. */
  oldLogprobs: readonly (readonly number[])[];
  /** One advantage per sequence. */
  advantages: readonly number[];
  /** Per sequence, the reference model's logprobs (same layout); enables the KL term. */
  refLogprobs?: readonly (readonly number[])[];
  klBeta?: number;
  /** dr_grpo's L_max (the generation budget); defaults to the most target tokens of any sequence. */
  maxTokens?: number;
}

/**
 * Mid-align's contrastive loss: each sequence's hidden states at `layer` are mean-pooled (over its
 * tokens, or over `poolMasks`), and for each pair the anchor must pick its positive among all the
 * pairs' positives by cosine similarity / temperature (InfoNCE, one direction).
 */
export interface ContrastiveOptions {
  /** Hidden state index in [0, numLayers]: 0 = input embeddings, numLayers = last layer's output. */
  layer: number;
  temperature: number;
  weight?: number;
  /** [anchor sequence, positive sequence] index pairs into the batch. */
  pairs: readonly (readonly [number, number])[];
  /** Per sequence, a pooling weight per token (e.g. 1 on the prompt only). */
  poolMasks?: readonly (readonly number[])[];
}

/**
 * What one training call optimises: ceWeight · masked cross-entropy + policy loss + weight · InfoNCE,
 * plus, in backward, outside gradients injected at chosen layers. Hidden-state tensors (captured,
 * injected, input embeddings, input gradient) are laid out [batch, seq, hidden] with seq the longest
 * sequence's length, sequences right-padded.
 */
export interface Objective {
  /** Defaults to 1, or 0 when a policy loss is given. */
  ceWeight?: number;
  policy?: PolicyLossOptions;
  contrastive?: ContrastiveOptions;
  /** Hidden states to hand back, by index in [0, numLayers]. */
  captureLayers?: readonly number[];
  /** dLoss/dh at a layer from a loss computed outside the engine; backward adds it there. */
  inject?: readonly { layer: number; grad: Float32Array }[];
  /** Runs of input rows taken from these embeddings (values: rows × hidden) instead of the token table. */
  inputEmbeddings?: readonly { sequence: number; position: number; values: Float32Array }[];
  /** Hand back dLoss/dh_0, the gradient with respect to the input embeddings. */
  inputGradient?: boolean;
}

export interface TrainResult {
  loss: number;
  ce: number;
  policy: number;
  contrastive: number;
  /** Share of the policy's tokens whose gradient the clip stopped. */
  clipFraction: number;
  /** Mean k3 KL to the reference over the policy's tokens. */
  kl: number;
  tokens: number;
  /** The padded length of the batch: hidden tensors are [batch, seq, hidden]. */
  seq: number;
  hidden: Map<number, Float32Array>;
  inputGrad: Float32Array | null;
  /** Per inputEmbeddings run, the gradient of its rows (rows × hidden). */
  inputEmbeddingGrads: Float32Array[];
}

export interface BatchShape {
  batch: number;
  seq: number;
  hidden: number;
  layers: number;
  lengths: readonly number[];
}

function finite(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new EngineInputError(`${field} must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

function layerIndex(value: number, field: string, layers: number): number {
  if (!Number.isInteger(value) || value < 0 || value > layers) {
    throw new EngineInputError(`${field} = ${JSON.stringify(value)} is not a hidden-state index in [0, ${layers}]`);
  }
  return value;
}

/** Per-sequence, per-token values (tokenLogprobs layout: entry t is row t) → one padded [B·seq] array. */
function perToken(
  values: readonly (readonly number[])[],
  shape: BatchShape,
  field: string,
  offset: number,
): Float64Array {
  if (values.length !== shape.batch)
    throw new EngineInputError(`${field} has ${values.length} sequences, the batch ${shape.batch}`);
  const out = new Float64Array(shape.batch * shape.seq);
  values.forEach((row, b) => {
    const expected = (shape.lengths[b] as number) - offset;
    if (row.length !== expected)
      throw new EngineInputError(`${field}[${b}] has ${row.length} values, expected ${expected}`);
    row.forEach((v, t) => (out[b * shape.seq + t] = finite(v, `${field}[${b}][${t}]`)));
  });
  return out;
}

/** Checks an Objective against the batch and lays it out as the addon takes it. */
export function nativeObjective(objective: Objective, shape: BatchShape): NativeObjective {
  const { batch: B, seq: S, hidden: H, layers: L } = shape;
  const p = objective.policy;
  const c = objective.contrastive;
  if (p && !(POLICY_LOSSES as readonly string[]).includes(p.kind)) {
    throw new EngineInputError(
      `unknown policy loss ${JSON.stringify(p.kind)}; choose from ${POLICY_LOSSES.join(', ')}`,
    );
  }
  if (p && p.advantages.length !== B)
    throw new EngineInputError(`policy.advantages has ${p.advantages.length} values, the batch ${B} sequences`);
  const epsLow = finite(p?.epsLow ?? 0.2, 'policy.epsLow');
  const epsHigh = finite(p?.epsHigh ?? 0.2, 'policy.epsHigh');
  if (epsLow < 0 || epsLow >= 1 || epsHigh < 0)
    throw new EngineInputError('policy: epsLow must be in [0, 1) and epsHigh >= 0');
  if (c) {
    if (!(c.temperature > 0)) throw new EngineInputError('contrastive.temperature must be positive');
    if (c.pairs.length === 0) throw new EngineInputError('contrastive.pairs is empty');
    c.pairs.forEach(([a, q], i) => {
      for (const idx of [a, q]) {
        if (!Number.isInteger(idx) || idx < 0 || idx >= B)
          throw new EngineInputError(`contrastive.pairs[${i}] names sequence ${idx}, outside [0, ${B})`);
      }
    });
  }
  const inject = (objective.inject ?? []).map(({ layer, grad }, i) => {
    layerIndex(layer, `inject[${i}].layer`, L);
    if (grad.length !== B * S * H)
      throw new EngineInputError(
        `inject[${i}].grad has ${grad.length} values, expected batch × seq × hidden = ${B * S * H}`,
      );
    return { layer, grad };
  });
  let inputEmbeddings: NativeObjective['inputEmbeddings'] = null;
  if (objective.inputEmbeddings?.length) {
    const mask = new Uint8Array(B * S);
    const values = new Float32Array(B * S * H);
    objective.inputEmbeddings.forEach(({ sequence, position, values: run }, i) => {
      const rows = run.length / H;
      if (!Number.isInteger(sequence) || sequence < 0 || sequence >= B)
        throw new EngineInputError(`inputEmbeddings[${i}].sequence ${sequence} is outside [0, ${B})`);
      if (!Number.isInteger(rows) || rows === 0)
        throw new EngineInputError(
          `inputEmbeddings[${i}].values holds ${run.length} values, not a whole number of ${H}-wide rows`,
        );
      const length = shape.lengths[sequence] as number;
      if (!Number.isInteger(position) || position < 0 || position + rows > length) {
        throw new EngineInputError(
          `inputEmbeddings[${i}] covers positions [${position}, ${position + rows}) outside sequence ${sequence} of length ${length}`,
        );
      }
      for (let r = 0; r < rows; r++) {
        const row = sequence * S + position + r;
        if (mask[row])
          throw new EngineInputError(
            `inputEmbeddings[${i}] overlaps another run at sequence ${sequence}, position ${position + r}`,
          );
        mask[row] = 1;
      }
      values.set(run, (sequence * S + position) * H);
    });
    inputEmbeddings = { mask, values };
  }
  return {
    ceWeight: finite(objective.ceWeight ?? (p ? 0 : 1), 'ceWeight'),
    policy: p
      ? {
          kind: p.kind,
          epsLow,
          epsHigh,
          oldLogprobs: perToken(p.oldLogprobs, shape, 'policy.oldLogprobs', 1),
          advantages: Float64Array.from(p.advantages, (a, i) => finite(a, `policy.advantages[${i}]`)),
          refLogprobs: p.refLogprobs ? perToken(p.refLogprobs, shape, 'policy.refLogprobs', 1) : null,
          klBeta: finite(p.klBeta ?? 0, 'policy.klBeta'),
          maxTokens: finite(p.maxTokens ?? 0, 'policy.maxTokens'),
        }
      : null,
    contrastive: c
      ? {
          layer: layerIndex(c.layer, 'contrastive.layer', L),
          temperature: c.temperature,
          weight: finite(c.weight ?? 1, 'contrastive.weight'),
          anchors: Int32Array.from(c.pairs, ([a]) => a),
          positives: Int32Array.from(c.pairs, ([, q]) => q),
          poolMask: c.poolMasks ? perToken(c.poolMasks, shape, 'contrastive.poolMasks', 0) : null,
        }
      : null,
    captureLayers: Int32Array.from(objective.captureLayers ?? [], (k, i) => layerIndex(k, `captureLayers[${i}]`, L)),
    inject,
    inputEmbeddings,
    wantInputGrad: (objective.inputGradient ?? false) || inputEmbeddings !== null,
    dropoutSeed: null,
  };
}
