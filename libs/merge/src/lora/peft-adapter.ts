import * as fs from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { findProblems, SchemaValidationError } from '@xreason/contracts';
import { MergeError } from '../merge-error.js';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';
/** PEFT prefixes every key with the wrapper's attribute path. */
export const PEFT_PREFIX = 'base_model.model.';

/** The parts of PEFT's LoraConfig that decide the merged weights; other keys are allowed and ignored. */
export const LoraAdapterConfigSchema = Type.Object({
  peft_type: Type.Optional(Type.Literal('LORA')),
  r: Type.Integer({ minimum: 1 }),
  lora_alpha: Type.Number(),
  use_rslora: Type.Optional(Type.Boolean()),
  use_dora: Type.Optional(Type.Literal(false, { description: 'DoRA adapters are not supported' })),
  fan_in_fan_out: Type.Optional(Type.Boolean()),
  rank_pattern: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 1 }))),
  alpha_pattern: Type.Optional(Type.Record(Type.String(), Type.Number())),
  target_modules: Type.Optional(Type.Union([Type.Array(Type.String()), Type.String(), Type.Null()])),
  base_model_name_or_path: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

export type LoraAdapterConfig = Static<typeof LoraAdapterConfigSchema>;

export async function readAdapterConfig(adapterDir: string): Promise<LoraAdapterConfig> {
  const file = join(adapterDir, ADAPTER_CONFIG_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await fs.promises.readFile(file, 'utf8'));
  } catch (cause) {
    throw new MergeError('adapter', { file }, `cannot read the adapter config: ${(cause as Error).message}`, { cause });
  }
  const problems = findProblems(LoraAdapterConfigSchema, json);
  if (problems.length > 0) throw new SchemaValidationError(`adapter config ${file}`, problems);
  return json as LoraAdapterConfig;
}

/**
 * The factor PEFT multiplies B·A by for one module: alpha / r, or alpha / √r for rank-stabilised
 * LoRA. rank_pattern and alpha_pattern override r and alpha for modules whose name ends with the
 * pattern (as PEFT matches them: the whole name, or after a dot).
 */
export function loraScale(config: LoraAdapterConfig, moduleName: string): { rank: number; scale: number } {
  const rank = patternValue(config.rank_pattern, moduleName) ?? config.r;
  const alpha = patternValue(config.alpha_pattern, moduleName) ?? config.lora_alpha;
  return { rank, scale: config.use_rslora ? alpha / Math.sqrt(rank) : alpha / rank };
}

function patternValue(patterns: Record<string, number> | undefined, moduleName: string): number | undefined {
  for (const [pattern, value] of Object.entries(patterns ?? {})) {
    if (new RegExp(`(^|.*\\.)${pattern}$`).test(moduleName)) return value;
  }
  return undefined;
}

export type AdapterEntry =
  | { kind: 'linear'; module: string; a: string; b: string }
  | { kind: 'embedding'; module: string; a: string; b: string }
  | { kind: 'replacement'; tensor: string; key: string };

/**
 * Groups adapter keys by the base tensor they change: `<prefix><module>.lora_A.weight` with its
 * `lora_B`, `lora_embedding_A/B` for embeddings, and plain keys (modules_to_save) that replace a base
 * tensor whole. Returns entries keyed by the base tensor name (`<module>.weight`).
 */
export function groupAdapterKeys(keys: readonly string[], file: string): Map<string, AdapterEntry> {
  const lora = new Map<string, { kind: 'linear' | 'embedding'; a?: string; b?: string }>();
  const entries = new Map<string, AdapterEntry>();
  for (const key of keys) {
    const name = key.startsWith(PEFT_PREFIX) ? key.slice(PEFT_PREFIX.length) : key;
    if (/\.lora_magnitude_vector(\.|$)/.test(name)) {
      throw new MergeError('adapter', { file, tensor: key }, 'DoRA magnitude vectors are not supported');
    }
    const match = /^(.*)\.lora_(embedding_)?([AB])(?:\.default)?(?:\.weight)?$/.exec(name);
    if (match) {
      const module = match[1] as string;
      const part = lora.get(module) ?? { kind: match[2] ? 'embedding' : 'linear' };
      part[match[3] === 'A' ? 'a' : 'b'] = key;
      lora.set(module, part);
    } else {
      // modules_to_save copies are saved under the module's own name.
      const tensor = name.replace('.modules_to_save.default.', '.');
      entries.set(tensor, { kind: 'replacement', tensor, key });
    }
  }
  for (const [module, part] of lora) {
    if (!part.a || !part.b) {
      throw new MergeError(
        'adapter',
        { file, tensor: part.a ?? part.b },
        `has lora_${part.a ? 'A' : 'B'} but no lora_${part.a ? 'B' : 'A'} for ${module}`,
      );
    }
    entries.set(`${module}.weight`, { kind: part.kind, module, a: part.a, b: part.b });
  }
  return entries;
}
