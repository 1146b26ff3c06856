import type { NativeDecoderConfig } from './binding.js';

/** The architectures the engine runs, by their Hugging Face `model_type`. */
export const ARCHITECTURES = ['llama', 'qwen2'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** A decoder's shape. Qwen2 differs from Llama only in having q/k/v biases. */
export interface DecoderConfig {
  architecture: Architecture;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  intermediateSize: number;
  /** Defaults to hiddenSize / numHeads. */
  headDim?: number;
  ropeTheta?: number;
  rmsNormEps?: number;
  tieEmbeddings?: boolean;
}

export class EngineInputError extends Error {
  override name = 'EngineInputError';
}

function positiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > 2 ** 31 - 1) {
    throw new EngineInputError(`${field} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function positiveNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new EngineInputError(`${field} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks every field and fills the defaults; the result is what crosses into C++. */
export function resolveDecoderConfig(config: DecoderConfig): NativeDecoderConfig & { architecture: Architecture } {
  if (!ARCHITECTURES.includes(config.architecture)) {
    throw new EngineInputError(
      `unknown architecture ${JSON.stringify(config.architecture)}; the engine runs ${ARCHITECTURES.join(', ')}`,
    );
  }
  const hiddenSize = positiveInt(config.hiddenSize, 'hiddenSize');
  const numHeads = positiveInt(config.numHeads, 'numHeads');
  const numKvHeads = positiveInt(config.numKvHeads, 'numKvHeads');
  if (numHeads % numKvHeads !== 0) {
    throw new EngineInputError(`numHeads (${numHeads}) must be a multiple of numKvHeads (${numKvHeads})`);
  }
  if (config.headDim === undefined && hiddenSize % numHeads !== 0) {
    throw new EngineInputError(
      `hiddenSize (${hiddenSize}) must be a multiple of numHeads (${numHeads}) or headDim given`,
    );
  }
  const headDim = positiveInt(config.headDim ?? hiddenSize / numHeads, 'headDim');
  if (headDim % 2 !== 0) throw new EngineInputError(`headDim must be even for RoPE, got ${headDim}`);
  return {
    architecture: config.architecture,
    vocabSize: positiveInt(config.vocabSize, 'vocabSize'),
    hiddenSize,
    numLayers: positiveInt(config.numLayers, 'numLayers'),
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: positiveInt(config.intermediateSize, 'intermediateSize'),
    ropeTheta: positiveNumber(config.ropeTheta ?? 10000, 'ropeTheta'),
    rmsNormEps: positiveNumber(config.rmsNormEps ?? 1e-6, 'rmsNormEps'),
    tieEmbeddings: config.tieEmbeddings ?? false,
    qkvBias: config.architecture === 'qwen2',
  };
}

/** Reads a Hugging Face `config.json` (LlamaForCausalLM / Qwen2ForCausalLM). */
export function decoderConfigFromHf(json: Record<string, unknown>): DecoderConfig {
  const modelType = json['model_type'];
  if (typeof modelType !== 'string' || !(ARCHITECTURES as readonly string[]).includes(modelType)) {
    throw new EngineInputError(
      `config.json: unknown model_type ${JSON.stringify(modelType)}; the engine runs ${ARCHITECTURES.join(', ')}`,
    );
  }
  const field = (name: string) => json[name] as number;
  const config: DecoderConfig = {
    architecture: modelType as Architecture,
    vocabSize: field('vocab_size'),
    hiddenSize: field('hidden_size'),
    numLayers: field('num_hidden_layers'),
    numHeads: field('num_attention_heads'),
    numKvHeads: (json['num_key_value_heads'] as number | undefined) ?? field('num_attention_heads'),
    intermediateSize: field('intermediate_size'),
    ropeTheta: (json['rope_theta'] as number | undefined) ?? 10000,
    rmsNormEps: (json['rms_norm_eps'] as number | undefined) ?? 1e-6,
    tieEmbeddings: (json['tie_word_embeddings'] as boolean | undefined) ?? false,
  };
  if (typeof json['head_dim'] === 'number') config.headDim = json['head_dim'];
  resolveDecoderConfig(config); // throws with the field's name when something is off
  return config;
}

/** The Hugging Face `config.json` for a decoder config (what `model init` writes). */
export function decoderConfigToHf(config: DecoderConfig): Record<string, unknown> {
  const c = resolveDecoderConfig(config);
  return {
    architectures: [c.architecture === 'qwen2' ? 'Qwen2ForCausalLM' : 'LlamaForCausalLM'],
    model_type: c.architecture,
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    num_key_value_heads: c.numKvHeads,
    head_dim: c.headDim,
    intermediate_size: c.intermediateSize,
    rope_theta: c.ropeTheta,
    rms_norm_eps: c.rmsNormEps,
    tie_word_embeddings: c.tieEmbeddings,
    hidden_act: 'silu',
    max_position_embeddings: 4096,
    torch_dtype: 'float32',
    ...(c.architecture === 'llama' ? { attention_bias: false, mlp_bias: false } : {}),
  };
}
