import * as fs from 'node:fs';
import { join } from 'node:path';
import {
  ARCHITECTURES,
  EngineModel,
  decoderConfigFromHf,
  decoderConfigToHf,
  decoderTensorSpecs,
  randomWeights,
  type Architecture,
  type DecoderConfig,
} from '@xreason/engine';
import {
  SINGLE_FILE,
  SafetensorsCheckpoint,
  float32ToBytes,
  writeSafetensors,
  type FloatDtype,
  type TensorInput,
} from '@xreason/safetensors';
import { ModelCheckpointError } from './model-checkpoint-error.js';
import { loadAdapter } from './peft-adapter.js';
import { writeDirectoryAtomically, writeJson } from './staged-directory.js';

export const CONFIG_FILE = 'config.json';

/** How weights are stored on disk; the engine computes in float32 whatever the file holds. */
export const STORAGE_DTYPES = ['f32', 'bf16', 'f16'] as const;
export type StorageDtype = (typeof STORAGE_DTYPES)[number];

const SAFETENSORS_DTYPE: Record<StorageDtype, FloatDtype> = { f32: 'F32', bf16: 'BF16', f16: 'F16' };
const TORCH_DTYPE: Record<StorageDtype, string> = { f32: 'float32', bf16: 'bfloat16', f16: 'float16' };

/** What `xreason model init` takes, flag for flag. */
export interface InitCheckpointOptions {
  arch: Architecture;
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediate: number;
  tieEmbeddings?: boolean;
  dtype?: StorageDtype;
  seed: number;
  out: string;
  ropeTheta?: number;
  headDim?: number;
  /** Standard deviation of the normal initialisation (transformers' initializer_range). */
  initializerRange?: number;
}

export interface WrittenModel {
  dir: string;
  config: DecoderConfig;
  parameters: number;
}

/**
 * Writes a randomly initialised Hugging Face checkpoint (`config.json` + `model.safetensors`) that
 * transformers loads as LlamaForCausalLM / Qwen2ForCausalLM. The same options and seed give the same
 * bytes on every machine. The directory appears all at once, or not at all.
 */
export async function initRandomCheckpoint(options: InitCheckpointOptions): Promise<WrittenModel> {
  if (!(ARCHITECTURES as readonly string[]).includes(options.arch)) {
    throw new ModelCheckpointError(
      'arch',
      `unknown architecture ${JSON.stringify(options.arch)}; choose from ${ARCHITECTURES.join(', ')}`,
    );
  }
  const config: DecoderConfig = {
    architecture: options.arch,
    vocabSize: options.vocab,
    hiddenSize: options.hidden,
    numLayers: options.layers,
    numHeads: options.heads,
    numKvHeads: options.kvHeads,
    intermediateSize: options.intermediate,
    tieEmbeddings: options.tieEmbeddings ?? false,
    ...(options.ropeTheta === undefined ? {} : { ropeTheta: options.ropeTheta }),
    ...(options.headDim === undefined ? {} : { headDim: options.headDim }),
  };
  if (!Number.isInteger(options.seed) || options.seed < 0) {
    throw new ModelCheckpointError('seed', `must be a non-negative integer, got ${JSON.stringify(options.seed)}`);
  }
  const weights = randomWeights(config, options.seed, options.initializerRange ?? 0.02);
  return writeCheckpoint(options.out, config, weights, options.dtype ?? 'f32');
}

/** Saves a model's base weights (an unmerged LoRA adapter is not included: save it with saveAdapter). */
export async function saveCheckpoint(
  model: EngineModel,
  out: string,
  options: { dtype?: StorageDtype } = {},
): Promise<WrittenModel> {
  const weights = new Map(model.tensorSpecs().map((s) => [s.name, { shape: s.shape, data: model.getTensor(s.name) }]));
  return writeCheckpoint(out, { ...model.config }, weights, options.dtype ?? 'f32');
}

async function writeCheckpoint(
  out: string,
  config: DecoderConfig,
  weights: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
  dtype: StorageDtype,
): Promise<WrittenModel> {
  if (!(STORAGE_DTYPES as readonly string[]).includes(dtype)) {
    throw new ModelCheckpointError(
      'dtype',
      `unknown dtype ${JSON.stringify(dtype)}; choose from ${STORAGE_DTYPES.join(', ')}`,
    );
  }
  const hf = { ...decoderConfigToHf(config), torch_dtype: TORCH_DTYPE[dtype] };
  const tensors: [string, TensorInput][] = [];
  let parameters = 0;
  for (const [name, t] of weights) {
    const stored = SAFETENSORS_DTYPE[dtype];
    tensors.push([name, { dtype: stored, shape: t.shape, data: float32ToBytes(stored, t.data) }]);
    parameters += t.data.length;
  }
  await writeDirectoryAtomically(out, async (dir) => {
    await writeJson(join(dir, CONFIG_FILE), hf);
    await writeSafetensors(join(dir, SINGLE_FILE), tensors, { format: 'pt' });
  });
  return { dir: out, config, parameters };
}

/** Reads and checks a checkpoint's `config.json`; errors name the file and the field. */
export function readModelConfig(dir: string): DecoderConfig {
  const file = join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ModelCheckpointError(file, `cannot read (${(cause as Error).message})`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ModelCheckpointError(file, `is not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelCheckpointError(file, 'must hold a JSON object');
  }
  const fields = json as Record<string, unknown>;
  const archs = fields['architectures'];
  if (Array.isArray(archs) && archs.some((a) => typeof a === 'string' && !KNOWN_CLASSES.has(a))) {
    throw new ModelCheckpointError(
      file,
      `field "architectures": unknown architecture ${JSON.stringify(archs)}; the engine runs ${[...KNOWN_CLASSES].join(', ')}`,
    );
  }
  try {
    return decoderConfigFromHf(fields);
  } catch (cause) {
    throw new ModelCheckpointError(file, hfFieldNames((cause as Error).message.replace(/^config\.json: /, '')), {
      cause,
    });
  }
}

const KNOWN_CLASSES = new Set(['LlamaForCausalLM', 'Qwen2ForCausalLM']);

// The engine's config errors name its own fields; a config.json reader should name the file's.
const HF_FIELDS: Record<string, string> = {
  vocabSize: 'vocab_size',
  hiddenSize: 'hidden_size',
  numLayers: 'num_hidden_layers',
  numHeads: 'num_attention_heads',
  numKvHeads: 'num_key_value_heads',
  intermediateSize: 'intermediate_size',
  headDim: 'head_dim',
  ropeTheta: 'rope_theta',
  rmsNormEps: 'rms_norm_eps',
};

function hfFieldNames(message: string): string {
  return message.replace(
    /\b(vocabSize|hiddenSize|numLayers|numHeads|numKvHeads|intermediateSize|headDim|ropeTheta|rmsNormEps)\b/g,
    (f) => HF_FIELDS[f] ?? f,
  );
}

// Tensors transformers itself ignores when loading these architectures.
function ignoredTensor(name: string, config: DecoderConfig): boolean {
  return name.endsWith('.rotary_emb.inv_freq') || (config.tieEmbeddings === true && name === 'lm_head.weight');
}

export interface LoadModelOptions {
  /** A PEFT adapter directory (adapter_config.json + adapter_model.safetensors), applied unmerged. */
  adapter?: string;
  /** Fold the adapter into the base weights after loading (faster sampling, same outputs). */
  mergeAdapter?: boolean;
}

/**
 * Loads a Hugging Face checkpoint directory (single file or sharded; f32, bf16 or f16) into the engine.
 * Every tensor's presence, dtype and shape are checked against `config.json` before any is read.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<EngineModel> {
  const config = readModelConfig(dir);
  const checkpoint = await SafetensorsCheckpoint.open(dir);
  try {
    const where = checkpoint.indexFile ?? join(dir, SINGLE_FILE);
    const specs = decoderTensorSpecs(config);
    const expected = new Set(specs.map((s) => s.name));
    for (const name of checkpoint.tensorNames()) {
      if (!expected.has(name) && !ignoredTensor(name, config)) {
        throw new ModelCheckpointError(
          where,
          `tensor ${JSON.stringify(name)} is not part of a ${config.architecture} model with ${config.numLayers} layers` +
            `${config.tieEmbeddings ? ' and tied embeddings' : ''} as config.json describes`,
        );
      }
    }
    const weights = new Map<string, Float32Array>();
    for (const spec of specs) {
      if (!checkpoint.has(spec.name)) {
        throw new ModelCheckpointError(
          where,
          `missing tensor ${JSON.stringify(spec.name)} (shape [${spec.shape.join(', ')}])`,
        );
      }
      const info = checkpoint.info(spec.name);
      if (info.dtype !== 'F32' && info.dtype !== 'BF16' && info.dtype !== 'F16') {
        throw new ModelCheckpointError(
          where,
          `tensor ${JSON.stringify(spec.name)} has dtype ${info.dtype}; the engine reads F32, BF16 or F16`,
        );
      }
      if (info.shape.length !== spec.shape.length || info.shape.some((d, i) => d !== spec.shape[i])) {
        throw new ModelCheckpointError(
          where,
          `tensor ${JSON.stringify(spec.name)} has shape [${info.shape.join(', ')}] but config.json implies [${spec.shape.join(', ')}]`,
        );
      }
    }
    for (const spec of specs) weights.set(spec.name, await checkpoint.readAsFloat32(spec.name));
    const model = EngineModel.create(config, weights);
    if (options.adapter !== undefined) {
      await loadAdapter(model, options.adapter);
      if (options.mergeAdapter) model.mergeLora();
    }
    return model;
  } finally {
    await checkpoint.close();
  }
}
