import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  float32ArrayToBf16,
  SafetensorsCheckpoint,
  ShardedCheckpointWriter,
  type FloatDtype,
} from '@xreason/safetensors';
import { afterEach } from 'vitest';

/** A fresh temporary directory per test, removed after it. */
export function useTempDir(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'xreason-merge-'));
    made.push(dir);
    return dir;
  };
}

export interface TinyModelOptions {
  layers?: number;
  hidden?: number;
  vocab?: number;
  dtype?: FloatDtype;
  /** Seed of the deterministic values; models with the same seed are identical. */
  seed: number;
  architectures?: string[];
  /** Shard size, small by default so every model is sharded. */
  maxShardBytes?: number;
  /** Override one tensor's shape (for mismatch tests). */
  shapes?: Record<string, number[]>;
  omit?: string[];
}

/** Llama-style tensor names and shapes for a toy model. */
export function tinyTensorShapes(layers: number, hidden: number, vocab: number): [string, number[]][] {
  const shapes: [string, number[]][] = [['model.embed_tokens.weight', [vocab, hidden]]];
  for (let i = 0; i < layers; i++) {
    shapes.push([`model.layers.${i}.input_layernorm.weight`, [hidden]]);
    shapes.push([`model.layers.${i}.self_attn.q_proj.weight`, [hidden, hidden]]);
    shapes.push([`model.layers.${i}.mlp.up_proj.weight`, [2 * hidden, hidden]]);
  }
  shapes.push(['model.norm.weight', [hidden]], ['lm_head.weight', [vocab, hidden]]);
  return shapes;
}

/** Deterministic, bf16-exact values: a tensor's value depends on model seed, tensor name and index. */
export function tinyValues(seed: number, name: string, count: number): Float32Array {
  let h = seed * 2654435761;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) ^ i;
    values[i] = (((h >>> 8) % 256) - 128) / 64; // multiples of 1/64 in [−2, 2): exact in bf16
  }
  return values;
}

/** Writes a sharded toy checkpoint with config.json and tokenizer files, as a Hub download looks. */
export async function writeTinyModel(dir: string, options: TinyModelOptions): Promise<string> {
  const { layers = 3, hidden = 8, vocab = 16, dtype = 'BF16', seed } = options;
  const writer = await ShardedCheckpointWriter.create({
    dir,
    maxShardBytes: options.maxShardBytes ?? 1024,
    alwaysIndex: true,
  });
  for (const [name, defaultShape] of tinyTensorShapes(layers, hidden, vocab)) {
    if (options.omit?.includes(name)) continue;
    const shape = options.shapes?.[name] ?? defaultShape;
    const values = tinyValues(
      seed,
      name,
      shape.reduce((a, b) => a * b, 1),
    );
    await writer.add(
      name,
      dtype === 'F32' ? { dtype, shape, data: values } : { dtype: 'BF16', shape, data: float32ArrayToBf16(values) },
    );
  }
  await writer.finish();
  const config = {
    architectures: options.architectures ?? ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: hidden,
    num_hidden_layers: layers,
    vocab_size: vocab,
    torch_dtype: dtype === 'F32' ? 'float32' : 'bfloat16',
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'BPE' }, seed }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 128 }));
  return dir;
}

/** Every tensor of a checkpoint as float32, by name. */
export async function readAll(dir: string): Promise<Map<string, Float32Array>> {
  const checkpoint = await SafetensorsCheckpoint.open(dir);
  try {
    const tensors = new Map<string, Float32Array>();
    for (const name of checkpoint.tensorNames()) tensors.set(name, await checkpoint.readAsFloat32(name));
    return tensors;
  } finally {
    await checkpoint.close();
  }
}
