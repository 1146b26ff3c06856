import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafetensors } from '@xreason/safetensors';
import { describe, expect, it } from 'vitest';
import { readAll, useTempDir, writeTinyModel } from '../execution/tiny-model.test-helpers.js';
import { expectClose } from '../methods/method.test-helpers.js';
import { MergeError } from '../merge-error.js';
import { extractLora } from './extract-lora.js';
import { mergeLora } from './merge-lora.js';
import { loraScale, type LoraAdapterConfig } from './peft-adapter.js';

const tempDir = useTempDir();
const Q = 'model.layers.0.self_attn.q_proj';

function f32(shape: number[], values: number[]) {
  return { dtype: 'F32' as const, shape, data: Float32Array.from(values) };
}

/** A one-layer base with a 2 × 3 q_proj, a 3 × 2 c_attn (stored fan-in × fan-out) and an LM head. */
async function writeBase(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeSafetensors(join(dir, 'model.safetensors'), {
    [`${Q}.weight`]: f32([2, 3], [1, 2, 3, 4, 5, 6]),
    'model.layers.0.attn.c_attn.weight': f32([3, 2], [0, 0, 0, 0, 0, 0]),
    'model.embed_tokens.weight': f32([3, 2], [0, 0, 0, 0, 0, 0]),
    'lm_head.weight': f32([2, 2], [1, 1, 1, 1]),
  });
  writeFileSync(join(dir, 'config.json'), '{"architectures": ["LlamaForCausalLM"]}');
  writeFileSync(join(dir, 'tokenizer.json'), '{}');
}

async function writeAdapter(
  dir: string,
  config: Partial<LoraAdapterConfig>,
  tensors: Record<string, ReturnType<typeof f32> | undefined>,
) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'adapter_config.json'),
    JSON.stringify({ peft_type: 'LORA', r: 1, lora_alpha: 2, ...config }),
  );
  const present = Object.entries(tensors).filter((e): e is [string, ReturnType<typeof f32>] => e[1] !== undefined);
  await writeSafetensors(join(dir, 'adapter_model.safetensors'), present);
}

describe('loraScale', () => {
  it.each([
    { config: { r: 16, lora_alpha: 32 }, module: Q, expected: 2 },
    { config: { r: 16, lora_alpha: 32, use_rslora: true }, module: Q, expected: 8 }, // 32 / √16
    { config: { r: 16, lora_alpha: 32, rank_pattern: { q_proj: 4 } }, module: Q, expected: 8 },
    {
      config: { r: 16, lora_alpha: 32, rank_pattern: { q_proj: 4 } },
      module: 'model.layers.0.self_attn.k_proj',
      expected: 2,
    },
    { config: { r: 16, lora_alpha: 32, alpha_pattern: { 'self_attn.q_proj': 64 } }, module: Q, expected: 4 },
  ])('$config on $module scales by $expected', ({ config, module, expected }) => {
    expect(loraScale(config as LoraAdapterConfig, module).scale).toBe(expected);
  });
});

describe('mergeLora', () => {
  it('adds scale · B·A to each adapted weight, transposed for fan-in-fan-out and embeddings, and replaces modules_to_save', async () => {
    const root = tempDir();
    await writeBase(join(root, 'base'));
    await writeAdapter(
      join(root, 'adapter'),
      { r: 1, lora_alpha: 2 },
      {
        // B·A = [[2, 0, −2], [1, 0, −1]], scale 2.
        [`base_model.model.${Q}.lora_A.weight`]: f32([1, 3], [1, 0, -1]),
        [`base_model.model.${Q}.lora_B.weight`]: f32([2, 1], [2, 1]),
        // Embedding: A [r, vocab 3], B [dim 2, r]; ΔW = (B·A)ᵀ = [[1, 2], [0, 0], [−1, −2]] (× 2).
        'base_model.model.model.embed_tokens.lora_embedding_A': f32([1, 3], [1, 0, -1]),
        'base_model.model.model.embed_tokens.lora_embedding_B': f32([2, 1], [1, 2]),
        'base_model.model.lm_head.weight': f32([2, 2], [7, 7, 7, 7]),
      },
    );
    const result = await mergeLora({
      baseModel: join(root, 'base'),
      adapter: join(root, 'adapter'),
      outDir: join(root, 'out'),
    });
    expect(result).toMatchObject({ updated: 2, replaced: 1, tensorCount: 4 });
    const merged = await readAll(join(root, 'out'));
    expectClose([...(merged.get(`${Q}.weight`) as Float32Array)], [5, 2, -1, 6, 5, 4]);
    expectClose([...(merged.get('model.embed_tokens.weight') as Float32Array)], [2, 4, 0, 0, -2, -4]);
    expectClose([...(merged.get('lm_head.weight') as Float32Array)], [7, 7, 7, 7]);
    expect(readdirSync(join(root, 'out'))).toEqual(
      expect.arrayContaining(['config.json', 'tokenizer.json', 'model.safetensors.index.json']),
    );
  });

  it('fan_in_fan_out adapters update the stored transpose', async () => {
    const root = tempDir();
    await writeBase(join(root, 'base'));
    const module = 'base_model.model.model.layers.0.attn.c_attn';
    await writeAdapter(
      join(root, 'adapter'),
      { r: 1, lora_alpha: 1, fan_in_fan_out: true },
      {
        // Logical weight out 2 × in 3: B·A = [[1, 2, 3], [2, 4, 6]]; stored as its 3 × 2 transpose.
        [`${module}.lora_A.weight`]: f32([1, 3], [1, 2, 3]),
        [`${module}.lora_B.weight`]: f32([2, 1], [1, 2]),
      },
    );
    await mergeLora({ baseModel: join(root, 'base'), adapter: join(root, 'adapter'), outDir: join(root, 'out') });
    const merged = await readAll(join(root, 'out'));
    expectClose([...(merged.get('model.layers.0.attn.c_attn.weight') as Float32Array)], [1, 2, 2, 4, 3, 6]);
  });

  it.each([
    {
      name: 'a module the base lacks',
      tensors: {
        'base_model.model.model.layers.9.mlp.up_proj.lora_A.weight': f32([1, 3], [1, 1, 1]),
        'base_model.model.model.layers.9.mlp.up_proj.lora_B.weight': f32([2, 1], [1, 1]),
      },
      error: /targets model\.layers\.9\.mlp\.up_proj\.weight, which the base model does not have/,
    },
    {
      name: 'a lora_A without its lora_B',
      tensors: { [`base_model.model.${Q}.lora_A.weight`]: f32([1, 3], [1, 1, 1]) },
      error: /has lora_A but no lora_B/,
    },
    {
      name: 'a rank that does not fit',
      tensors: {
        [`base_model.model.${Q}.lora_A.weight`]: f32([1, 4], [1, 1, 1, 1]),
        [`base_model.model.${Q}.lora_B.weight`]: f32([2, 1], [1, 1]),
      },
      error: /do not fit the base's/,
    },
    {
      name: 'a DoRA adapter',
      tensors: { [`base_model.model.${Q}.lora_magnitude_vector`]: f32([2], [1, 1]) },
      error: /DoRA/,
    },
  ])('refuses $name and writes nothing', async ({ tensors, error }) => {
    const root = tempDir();
    await writeBase(join(root, 'base'));
    await writeAdapter(join(root, 'adapter'), {}, tensors);
    const merge = mergeLora({
      baseModel: join(root, 'base'),
      adapter: join(root, 'adapter'),
      outDir: join(root, 'out'),
    });
    await expect(merge).rejects.toThrow(MergeError);
    await expect(merge).rejects.toThrow(error);
    expect(existsSync(join(root, 'out'))).toBe(false);
    expect(readdirSync(root).sort()).toEqual(['adapter', 'base']);
  });
});

describe('extractLora', () => {
  it('recovers an exactly rank-2 fine-tune: merging the extracted adapter back gives the fine-tuned weights', async () => {
    const root = tempDir();
    const base = await writeTinyModel(join(root, 'base'), { seed: 1, dtype: 'F32', hidden: 16 });
    const tunedDir = join(root, 'tuned');
    const original = await readAll(base);
    const tuned = new Map(original);
    for (const [name, values] of original) {
      if (!/\.(q_proj|up_proj)\.weight$/.test(name)) continue;
      const cols = 16;
      const rows = values.length / cols;
      const update = Float32Array.from(values);
      // ΔW = u₁v₁ᵀ + 0.5·u₂v₂ᵀ: rank 2 by construction.
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          update[i * cols + j] =
            (update[i * cols + j] as number) +
            Math.sin(i + 1) * Math.cos(j) +
            0.5 * ((i % 3) - 1) * Math.sin(2 * j + 1);
        }
      }
      tuned.set(name, update);
    }
    mkdirSync(tunedDir);
    await writeSafetensors(
      join(tunedDir, 'model.safetensors'),
      [...tuned].map(([name, data]) => [name, { dtype: 'F32', shape: shapeOf(name), data }] as const),
    );

    const extracted = await extractLora({
      baseModel: base,
      fineTunedModel: tunedDir,
      outDir: join(root, 'adapter'),
      rank: 2,
      randomSeed: 3,
    });
    // Every 2-D layer weight gets an adapter (norms are 1-D), each recovered up to float32 rounding.
    expect(extracted.modules).toEqual(['q_proj', 'up_proj']);
    expect(Object.keys(extracted.relativeErrors)).toHaveLength(6);
    for (const [module, error] of Object.entries(extracted.relativeErrors)) expect(error, module).toBeLessThan(1e-5);
    const adapterConfig = JSON.parse(readFileSync(join(root, 'adapter', 'adapter_config.json'), 'utf8'));
    expect(adapterConfig).toMatchObject({
      peft_type: 'LORA',
      r: 2,
      lora_alpha: 2,
      target_modules: ['q_proj', 'up_proj'],
    });

    await mergeLora({ baseModel: base, adapter: join(root, 'adapter'), outDir: join(root, 'remerged') });
    const remerged = await readAll(join(root, 'remerged'));
    for (const [name, values] of tuned) expectClose([...(remerged.get(name) as Float32Array)], [...values], 1e-4);
  });
});

function shapeOf(name: string): number[] {
  if (name.includes('embed_tokens') || name === 'lm_head.weight') return [16, 16];
  if (name.endsWith('up_proj.weight')) return [32, 16];
  if (name.endsWith('q_proj.weight')) return [16, 16];
  return [16];
}
