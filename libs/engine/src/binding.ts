import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The only place that loads the native addon and states its types. Everything here takes values
 * already validated by the TypeScript API (engine-model.ts); the addon copies them before going
 * off-thread.
 */

export interface NativeDecoderConfig {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  ropeTheta: number;
  rmsNormEps: number;
  tieEmbeddings: boolean;
  qkvBias: boolean;
}

export interface NativeBatch {
  batch: number;
  seq: number;
  ids: Int32Array;
  positions: Int32Array;
  segments: Int32Array;
  targets: Int32Array;
}

export interface NativeLoraConfig {
  rank: number;
  alpha: number;
  rslora: boolean;
  targets: string[];
  seed: number;
  zeroB: boolean;
  dropout: number;
}

export interface NativeSamplingOptions {
  maxNewTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  stopTokens: Int32Array;
}

export interface NativeAdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  maxGradNorm: number;
}

export interface NativeObjective {
  ceWeight: number;
  policy: {
    kind: 'grpo' | 'dr_grpo' | 'dapo';
    epsLow: number;
    epsHigh: number;
    oldLogprobs: Float64Array;
    advantages: Float64Array;
    refLogprobs: Float64Array | null;
    klBeta: number;
    maxTokens: number;
  } | null;
  contrastive: {
    layer: number;
    temperature: number;
    weight: number;
    anchors: Int32Array;
    positives: Int32Array;
    poolMask: Float64Array | null;
  } | null;
  captureLayers: Int32Array;
  inject: { layer: number; grad: Float32Array }[];
  inputEmbeddings: { mask: Uint8Array; values: Float32Array } | null;
  wantInputGrad: boolean;
  /** Set: a training-mode call (LoRA dropout on, masks from this seed). */
  dropoutSeed: number | null;
}

export interface NativeTrainResult {
  loss: number;
  ce: number;
  policy: number;
  contrastive: number;
  clipFraction: number;
  kl: number;
  tokens: number;
  hidden: { layer: number; values: Float32Array }[];
  inputGrad: Float32Array | null;
}

export interface NativeCancelToken {
  cancel(): void;
}

export interface NativeModel {
  tensorSpecs(): { name: string; shape: number[] }[];
  tensorNames(): string[];
  setTensor(name: string, data: Float32Array): void;
  getTensor(name: string): Float32Array;
  getGradient(name: string): Float32Array | null;
  setBaseTrainable(on: boolean): void;
  zeroGrad(): void;
  addLora(config: NativeLoraConfig): void;
  mergeLora(): void;
  loss(batch: NativeBatch, backward: boolean, cancel?: NativeCancelToken, dropoutSeed?: number | null): Promise<number>;
  train(
    batch: NativeBatch,
    objective: NativeObjective,
    backward: boolean,
    cancel?: NativeCancelToken,
  ): Promise<NativeTrainResult>;
  tokenLogprobs(
    batch: NativeBatch,
    cancel?: NativeCancelToken,
  ): Promise<{ logprobs: Float32Array; entropy: Float32Array }>;
  logits(batch: NativeBatch, cancel?: NativeCancelToken): Promise<Float32Array>;
  generate(
    prompts: Int32Array[],
    options: NativeSamplingOptions,
    cancel?: NativeCancelToken,
  ): Promise<{ tokens: Int32Array[]; logprobs: Float32Array[] }>;
  adamwStep(options: NativeAdamWOptions): Promise<number>;
}

export interface OpCheck {
  gradError: number;
  forwardError: number;
  backwardError: number;
  checked: number;
}

export interface ModelCheck {
  gradError: number;
  lossError: number;
  floatGradError: number;
  checked: number;
}

export interface NativeEngine {
  backendInfo(): { backend: string; gemmKernel: string; blasAvailable: boolean; blasCore: string; threads: number };
  setGemmKernel(kernel: 'blas' | 'blocked'): void;
  /** How many MiB of freed device blocks the backend keeps for reuse (default 512; XREASON_ENGINE_CACHE_MB). */
  setBufferCacheLimit(mebibytes: number): void;
  opCheckNames(): string[];
  checkOp(name: string, seed: number): OpCheck;
  objectiveCheckNames(): string[];
  checkObjective(config: NativeDecoderConfig, kind: string, seed: number): Promise<ModelCheck>;
  checkModel(config: NativeDecoderConfig, mode: 'full' | 'lora' | 'lora_dropout', seed: number): Promise<ModelCheck>;
  /** Seconds; 'openblas-threads' times OpenBLAS on its own threads instead of the engine's GEMM (−1 without BLAS). */
  timeGemm(m: number, n: number, k: number, iterations: number, mode?: 'engine' | 'openblas-threads'): Promise<number>;
  Model: new (config: NativeDecoderConfig) => NativeModel;
  CancelToken: new () => NativeCancelToken;
}

// src/ and dist/ both sit one level below the package root, where node-gyp leaves build/.
const addonPath = fileURLToPath(new URL('../build/Release/engine.node', import.meta.url));

function load(): NativeEngine {
  try {
    return createRequire(import.meta.url)(addonPath) as NativeEngine;
  } catch (cause) {
    throw new Error(
      `the native engine is not built (${addonPath}); run \`nx run @xreason/engine:build\` (needs g++ and python3)`,
      { cause },
    );
  }
}

export const native: NativeEngine = load();
