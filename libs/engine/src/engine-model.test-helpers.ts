import type { DecoderConfig } from './decoder-config.js';
import { EngineModel } from './engine-model.js';
import { randomWeights, weightBuffers } from './random-weights.js';

export const tinyLlama: DecoderConfig = {
  architecture: 'llama',
  vocabSize: 13,
  hiddenSize: 8,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 12,
  ropeTheta: 10000,
  rmsNormEps: 1e-6,
};

export const tinyQwen2: DecoderConfig = { ...tinyLlama, architecture: 'qwen2', tieEmbeddings: true, ropeTheta: 1e6 };

export function tinyModel(config: DecoderConfig, seed = 1, initializerRange = 0.5): EngineModel {
  return EngineModel.create(config, weightBuffers(randomWeights(config, seed, initializerRange)));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
