import * as fs from 'node:fs';
import { join } from 'node:path';
import { LORA_TARGETS, type EngineModel } from '@xreason/engine';
import { SafetensorsFile, float32ToBytes, writeSafetensors, type TensorInput } from '@xreason/safetensors';
import { ModelCheckpointError } from './model-checkpoint-error.js';
import { writeDirectoryAtomically, writeJson } from './staged-directory.js';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

/** PEFT prefixes every key with the wrapper modules (PeftModelForCausalLM → LlamaForCausalLM). */
const PEFT_PREFIX = 'base_model.model.';

/** The LoRA settings an adapter directory holds, in the engine's terms. */
export interface AdapterSettings {
  rank: number;
  alpha: number;
  targets: string[];
  rslora: boolean;
  dropout: number;
}

/**
 * Reads `adapter_config.json` as PEFT writes it. Options the engine cannot honour (DoRA, per-module
 * rank patterns, layer subsets, regex targets, bias training, modules_to_save, fan_in_fan_out) are
 * refused by name rather than silently ignored, since ignoring them would change the model.
 */
export function readAdapterConfig(dir: string): AdapterSettings {
  const file = join(dir, ADAPTER_CONFIG_FILE);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new ModelCheckpointError(file, `cannot read a JSON adapter config (${(cause as Error).message})`, { cause });
  }
  const field = (name: string) => json[name];
  const fail = (name: string, detail: string): never => {
    throw new ModelCheckpointError(file, `field ${JSON.stringify(name)}: ${detail}`);
  };
  if (field('peft_type') !== undefined && field('peft_type') !== 'LORA')
    fail('peft_type', `must be "LORA", got ${JSON.stringify(field('peft_type'))}`);
  const rank = field('r');
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank <= 0)
    fail('r', `must be a positive integer, got ${JSON.stringify(rank)}`);
  const alpha = field('lora_alpha') ?? rank;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha))
    fail('lora_alpha', `must be a number, got ${JSON.stringify(alpha)}`);
  const targets = field('target_modules');
  if (!Array.isArray(targets) || targets.length === 0 || targets.some((t) => typeof t !== 'string')) {
    fail(
      'target_modules',
      `must be a non-empty list of module names (regular expressions are not supported), got ${JSON.stringify(targets)}`,
    );
  }
  for (const t of targets as string[]) {
    if (!(LORA_TARGETS as readonly string[]).includes(t))
      fail('target_modules', `unsupported module ${JSON.stringify(t)}; the engine adapts ${LORA_TARGETS.join(', ')}`);
  }
  const unsupported: [string, (v: unknown) => boolean][] = [
    ['use_dora', (v) => v === true],
    ['fan_in_fan_out', (v) => v === true],
    ['bias', (v) => v !== undefined && v !== 'none'],
    ['layers_to_transform', (v) => v !== undefined && v !== null],
    ['modules_to_save', (v) => Array.isArray(v) && v.length > 0],
    ['rank_pattern', (v) => typeof v === 'object' && v !== null && Object.keys(v).length > 0],
    ['alpha_pattern', (v) => typeof v === 'object' && v !== null && Object.keys(v).length > 0],
  ];
  for (const [name, bad] of unsupported) {
    if (bad(field(name))) fail(name, `${JSON.stringify(field(name))} is not supported by the engine`);
  }
  const dropout = field('lora_dropout') ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    fail('lora_dropout', `must be in [0, 1), got ${JSON.stringify(dropout)}`);
  return {
    rank: rank as number,
    alpha: alpha as number,
    targets: [...new Set(targets as string[])],
    rslora: field('use_rslora') === true,
    dropout: dropout as number,
  };
}

/** Engine tensor name ↔ PEFT key: PEFT adds the wrapper prefix, and some versions the adapter name. */
export function peftKey(engineName: string): string {
  return PEFT_PREFIX + engineName;
}

function engineName(key: string): string {
  const name = key.startsWith(PEFT_PREFIX) ? key.slice(PEFT_PREFIX.length) : key;
  return name.replace(/\.(lora_[AB])\.default\.weight$/, '.$1.weight');
}

/**
 * Adds the adapter in `dir` to the model, unmerged. Every LoRA factor the config implies (each target
 * module of each layer) must be in the file with its exact shape; an unexpected key is an error too.
 */
export async function loadAdapter(model: EngineModel, dir: string): Promise<AdapterSettings> {
  const settings = readAdapterConfig(dir);
  const file = join(dir, ADAPTER_WEIGHTS_FILE);
  const weights = await SafetensorsFile.open(file);
  try {
    model.addLora({
      rank: settings.rank,
      alpha: settings.alpha,
      targets: settings.targets,
      rslora: settings.rslora,
      zeroB: true,
      dropout: settings.dropout,
    });
    const expected = loraSpecs(model, settings.rank);
    const byEngineName = new Map(weights.tensorNames().map((key) => [engineName(key), key]));
    for (const name of byEngineName.keys()) {
      if (!expected.has(name)) {
        throw new ModelCheckpointError(
          file,
          `tensor ${JSON.stringify(byEngineName.get(name))} does not belong to a rank-${settings.rank} LoRA on ${settings.targets.join(', ')} of this ${model.architecture} model`,
        );
      }
    }
    for (const [name, shape] of expected) {
      const key = byEngineName.get(name);
      if (key === undefined)
        throw new ModelCheckpointError(
          file,
          `missing tensor ${JSON.stringify(peftKey(name))} (shape [${shape.join(', ')}])`,
        );
      const info = weights.info(key);
      if (info.shape.length !== 2 || info.shape[0] !== shape[0] || info.shape[1] !== shape[1]) {
        throw new ModelCheckpointError(
          file,
          `tensor ${JSON.stringify(key)} has shape [${info.shape.join(', ')}] but ${ADAPTER_CONFIG_FILE} and the base model imply [${shape.join(', ')}]`,
        );
      }
      model.setTensor(name, await weights.readAsFloat32(key));
    }
    return settings;
  } catch (error) {
    if (model.tensorNames().some((n) => n.includes('.lora_'))) {
      // Leave the model as it was: drop the half-loaded adapter by merging a zero update.
      for (const name of model.tensorNames())
        if (name.includes('.lora_B.')) model.setTensor(name, new Float32Array(model.getTensor(name).length));
      model.mergeLora();
    }
    throw error;
  } finally {
    await weights.close();
  }
}

/** Shapes of every LoRA factor the model holds: A is [r, in], B is [out, r] (PEFT's nn.Linear layout). */
function loraSpecs(model: EngineModel, rank: number): Map<string, [number, number]> {
  const baseShape = new Map(model.tensorSpecs().map((s) => [s.name, s.shape]));
  const out = new Map<string, [number, number]>();
  for (const name of model.tensorNames()) {
    const match = /^(.*)\.lora_([AB])\.weight$/.exec(name);
    if (!match) continue;
    const [outDim, inDim] = baseShape.get(`${match[1]}.weight`) as number[];
    out.set(name, match[2] === 'A' ? [rank, inDim as number] : [outDim as number, rank]);
  }
  return out;
}

export interface SaveAdapterOptions {
  /** Written as base_model_name_or_path, so PEFT knows what to load under the adapter. */
  baseModel?: string;
  /** lora_dropout to record; defaults to the model's adapter's own (dropout acts only in training calls). */
  dropout?: number;
}

/** Writes the model's unmerged LoRA adapter as a PEFT directory that `PeftModel.from_pretrained` loads. */
export async function saveAdapter(model: EngineModel, out: string, options: SaveAdapterOptions = {}): Promise<void> {
  const settings = model.lora;
  if (!settings) throw new ModelCheckpointError(out, 'the model holds no unmerged LoRA adapter to save');
  const specs = loraSpecs(model, settings.rank);
  const tensors: [string, TensorInput][] = [...specs].map(([name, shape]) => [
    peftKey(name),
    { dtype: 'F32', shape, data: float32ToBytes('F32', model.getTensor(name)) },
  ]);
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: options.baseModel ?? null,
    r: settings.rank,
    lora_alpha: settings.alpha,
    lora_dropout: options.dropout ?? settings.dropout,
    target_modules: [...settings.targets],
    use_rslora: settings.rslora,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layers_to_transform: null,
    modules_to_save: null,
    rank_pattern: {},
    alpha_pattern: {},
    use_dora: false,
  };
  await writeDirectoryAtomically(out, async (dir) => {
    await writeJson(join(dir, ADAPTER_CONFIG_FILE), config);
    await writeSafetensors(join(dir, ADAPTER_WEIGHTS_FILE), tensors, { format: 'pt' });
  });
}
