import { resolveDecoderConfig, type DecoderConfig } from './decoder-config.js';
import type { TensorSpec } from './engine-model.js';

/**
 * Weights for a fresh model, initialised as Hugging Face's `_init_weights` does for Llama/Qwen2:
 * linear and embedding weights ~ N(0, initializerRange²), biases 0, RMSNorm weights 1. The same
 * seed gives the same tensors on every machine (xorshift-based generator, Box-Muller normals).
 */
export function randomWeights(
  config: DecoderConfig,
  seed: number,
  initializerRange = 0.02,
): Map<string, { shape: number[]; data: Float32Array }> {
  const c = resolveDecoderConfig(config);
  const next = generator(seed);
  const normal = () => {
    const u1 = next() || Number.MIN_VALUE;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * next());
  };
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const spec of decoderTensorSpecs(c)) {
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.init === 'one') data.fill(1);
    if (spec.init === 'normal') for (let i = 0; i < data.length; i++) data[i] = initializerRange * normal();
    out.set(spec.name, { shape: spec.shape, data });
  }
  return out;
}

/**
 * Every base tensor of a decoder with its Hugging Face name, shape and initialisation, in the order
 * transformers creates them — known without allocating a model, so a checkpoint can be checked
 * against its config before any tensor is read. Same set as `EngineModel.tensorSpecs()`.
 */
export function decoderTensorSpecs(config: DecoderConfig): (TensorSpec & { init: 'normal' | 'one' | 'zero' })[] {
  const c = resolveDecoderConfig(config);
  const out: (TensorSpec & { init: 'normal' | 'one' | 'zero' })[] = [];
  const add = (name: string, shape: number[], init: 'normal' | 'one' | 'zero') => out.push({ name, shape, init });
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  add('model.embed_tokens.weight', [c.vocabSize, c.hiddenSize], 'normal');
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}.`;
    add(`${p}input_layernorm.weight`, [c.hiddenSize], 'one');
    add(`${p}self_attn.q_proj.weight`, [q, c.hiddenSize], 'normal');
    add(`${p}self_attn.k_proj.weight`, [kv, c.hiddenSize], 'normal');
    add(`${p}self_attn.v_proj.weight`, [kv, c.hiddenSize], 'normal');
    if (c.qkvBias) {
      add(`${p}self_attn.q_proj.bias`, [q], 'zero');
      add(`${p}self_attn.k_proj.bias`, [kv], 'zero');
      add(`${p}self_attn.v_proj.bias`, [kv], 'zero');
    }
    add(`${p}self_attn.o_proj.weight`, [c.hiddenSize, q], 'normal');
    add(`${p}post_attention_layernorm.weight`, [c.hiddenSize], 'one');
    add(`${p}mlp.gate_proj.weight`, [c.intermediateSize, c.hiddenSize], 'normal');
    add(`${p}mlp.up_proj.weight`, [c.intermediateSize, c.hiddenSize], 'normal');
    add(`${p}mlp.down_proj.weight`, [c.hiddenSize, c.intermediateSize], 'normal');
  }
  add('model.norm.weight', [c.hiddenSize], 'one');
  if (!c.tieEmbeddings) add('lm_head.weight', [c.vocabSize, c.hiddenSize], 'normal');
  return out;
}

/** Just the buffers, keyed by name, as EngineModel.create takes them. */
export function weightBuffers(weights: ReadonlyMap<string, { data: Float32Array }>): Map<string, Float32Array> {
  return new Map([...weights].map(([name, t]) => [name, t.data]));
}

// xorshift128+ seeded through splitmix32; uniform in [0, 1).
function generator(seed: number): () => number {
  let s = seed >>> 0;
  const mix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix() | 1;
  let b = mix();
  return () => {
    let x = a;
    const y = b;
    a = y;
    x ^= x << 11;
    x ^= x >>> 8;
    b = (x ^ y ^ (y >>> 19)) >>> 0;
    return b / 4294967296;
  };
}
