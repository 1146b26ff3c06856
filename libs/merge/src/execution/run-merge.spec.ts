import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bf16ArrayToFloat32, float32ArrayToBf16, SafetensorsCheckpoint } from '@xreason/safetensors';
import { describe, expect, it } from 'vitest';
import { MergeError } from '../merge-error.js';
import type { MergeProgress } from '../progress.js';
import { runMerge } from './run-merge.js';
import { readAll, tinyValues, useTempDir, writeTinyModel } from './tiny-model.test-helpers.js';

const tempDir = useTempDir();

/** float32 → bf16 → float32, as the merged values are stored. */
function bf16(values: Float32Array): Float32Array {
  return bf16ArrayToFloat32(float32ArrayToBf16(values));
}

async function threeModels(root: string) {
  return {
    base: await writeTinyModel(join(root, 'base'), { seed: 1 }),
    ja: await writeTinyModel(join(root, 'sft-ja'), { seed: 2 }),
    fr: await writeTinyModel(join(root, 'sft-fr'), { seed: 3 }),
  };
}

describe('runMerge', () => {
  it('an equal linear merge of sharded bf16 models gives the element-wise mean in every tensor', async () => {
    const root = tempDir();
    const { base, ja, fr } = await threeModels(root);
    const outDir = join(root, 'merged');
    const progress: MergeProgress[] = [];
    const result = await runMerge({
      config: `merge_method: linear\nmodels:\n  - model: ${base}\n    parameters: {weight: 1}\n  - model: ${ja}\n    parameters: {weight: 1}\n  - model: ${fr}\n    parameters: {weight: 1}\n`,
      outDir,
      onProgress: (p) => progress.push(p),
    });

    const inputs = await Promise.all([base, ja, fr].map((dir) => readAll(dir)));
    const merged = await readAll(outDir);
    expect([...merged.keys()].sort()).toEqual([...(inputs[0] as Map<string, Float32Array>).keys()].sort());
    for (const [name, values] of merged) {
      const mean = new Float32Array(values.length);
      for (let i = 0; i < mean.length; i++) {
        mean[i] = inputs.reduce((sum, input) => sum + (1 / 3) * ((input.get(name) as Float32Array)[i] as number), 0);
      }
      expect([...values], name).toEqual([...bf16(mean)]);
    }
    // Sharded output with an index, the base's config and tokenizer, and the config that made it.
    const files = readdirSync(outDir).sort();
    expect(files).toContain('model.safetensors.index.json');
    expect(files.filter((f) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(f)).length).toBeGreaterThan(0);
    expect(files).toEqual(
      expect.arrayContaining(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'mergekit_config.yml']),
    );
    expect(JSON.parse(readFileSync(join(outDir, 'tokenizer.json'), 'utf8')).seed).toBe(1);
    expect(result.tensorCount).toBe(merged.size);
    // Progress: one report per tensor, monotone, ending with 'done'.
    const perTensor = progress.filter((p) => p.phase === 'tensor');
    expect(perTensor.map((p) => p.done)).toEqual(Array.from({ length: merged.size }, (_, i) => i + 1));
    expect(progress.at(-1)?.phase).toBe('done');
    expect(progress.at(-1)?.bytesWritten).toBe(result.totalBytes);
  });

  it('reads a YAML file from configPath, takes the tokenizer from tokenizer_source and keeps the config beside the weights', async () => {
    const root = tempDir();
    const { base, ja } = await threeModels(root);
    const yaml = `merge_method: task_arithmetic\nbase_model: ${base}\nmodels:\n  - model: ${base}\n  - model: ${ja}\n    parameters: {weight: 0.5}\ntokenizer_source: ${ja}\n`;
    writeFileSync(join(root, 'merge.yaml'), yaml);
    const outDir = join(root, 'merged');
    await runMerge({ configPath: join(root, 'merge.yaml'), outDir });
    expect(readFileSync(join(outDir, 'mergekit_config.yml'), 'utf8')).toBe(yaml);
    expect(JSON.parse(readFileSync(join(outDir, 'tokenizer.json'), 'utf8')).seed).toBe(2);
    // base + 0.5 · (ja − base), on one tensor.
    const [b, j, merged] = await Promise.all([readAll(base), readAll(ja), readAll(outDir)]);
    const name = 'model.norm.weight';
    const expected = (b.get(name) as Float32Array).map(
      (x, i) => x + 0.5 * (((j.get(name) as Float32Array)[i] as number) - x),
    );
    expect(merged.get(name)).toEqual(bf16(expected));
  });

  it('a slerp gradient over layers returns the base at the first layer and the other model at the last', async () => {
    const root = tempDir();
    const { base, ja } = await threeModels(root);
    const outDir = join(root, 'merged');
    await runMerge({
      config: {
        merge_method: 'slerp',
        base_model: base,
        models: [{ model: base }, { model: ja }],
        // Attention follows the gradient; everything else stays at the base (t = 0).
        parameters: { t: [{ filter: 'self_attn', value: [0, 1] }, { value: 0 }] },
        dtype: 'float32',
      },
      outDir,
    });
    const merged = await readAll(outDir);
    const [b, o] = await Promise.all([readAll(base), readAll(ja)]);
    expect(merged.get('model.layers.0.self_attn.q_proj.weight')).toEqual(
      b.get('model.layers.0.self_attn.q_proj.weight'),
    );
    expect(merged.get('model.layers.2.self_attn.q_proj.weight')).toEqual(
      o.get('model.layers.2.self_attn.q_proj.weight'),
    );
    expect(merged.get('model.layers.1.mlp.up_proj.weight')).toEqual(b.get('model.layers.1.mlp.up_proj.weight'));
    // The middle layer (t = 0.5) is neither endpoint.
    expect(merged.get('model.layers.1.self_attn.q_proj.weight')).not.toEqual(
      b.get('model.layers.1.self_attn.q_proj.weight'),
    );
    // dtype float32 makes every output tensor F32, and config.json says so.
    const checkpoint = await SafetensorsCheckpoint.open(outDir);
    expect(new Set(checkpoint.tensorNames().map((n) => checkpoint.info(n).dtype))).toEqual(new Set(['F32']));
    await checkpoint.close();
    expect(JSON.parse(readFileSync(join(outDir, 'config.json'), 'utf8')).torch_dtype).toBe('float32');
  });

  it('passthrough slices stack layers from two models and renumber them', async () => {
    const root = tempDir();
    const { base, ja } = await threeModels(root);
    const outDir = join(root, 'stacked');
    const result = await runMerge({
      config: `merge_method: passthrough
slices:
  - sources: [{model: ${base}, layer_range: [0, 2]}]
  - sources: [{model: ${ja}, layer_range: [1, 3]}]
`,
      outDir,
    });
    expect(result.layerCount).toBe(4);
    const merged = await readAll(outDir);
    const [b, o] = await Promise.all([readAll(base), readAll(ja)]);
    const q = (i: number) => `model.layers.${i}.self_attn.q_proj.weight`;
    expect(merged.get(q(1))).toEqual(b.get(q(1)));
    expect(merged.get(q(2))).toEqual(o.get(q(1)));
    expect(merged.get(q(3))).toEqual(o.get(q(2)));
    expect(merged.get('model.embed_tokens.weight')).toEqual(b.get('model.embed_tokens.weight'));
    expect(merged.get('lm_head.weight')).toEqual(o.get('lm_head.weight'));
    expect(JSON.parse(readFileSync(join(outDir, 'config.json'), 'utf8')).num_hidden_layers).toBe(4);
  });

  it('--random-seed makes dare_ties reproducible; another seed gives another merge', async () => {
    const root = tempDir();
    const { base, ja, fr } = await threeModels(root);
    const config = {
      merge_method: 'dare_ties',
      base_model: base,
      models: [
        { model: base },
        { model: ja, parameters: { weight: 0.5, density: 0.5 } },
        { model: fr, parameters: { weight: 0.5, density: 0.5 } },
      ],
    };
    const run = async (seed: number, name: string, prefetch = false) => {
      await runMerge({ config, outDir: join(root, name), randomSeed: seed, prefetch });
      return readAll(join(root, name));
    };
    const [a, again, other] = [await run(7, 'a'), await run(7, 'again', true), await run(8, 'other')];
    // Same seed, same bytes — also when the next tensor is read ahead (prefetch).
    expect(again).toEqual(a);
    expect(other.get('model.layers.0.mlp.up_proj.weight')).not.toEqual(a.get('model.layers.0.mlp.up_proj.weight'));
  });

  it('bf16 values survive a float32 round trip: identical models merge to themselves bit for bit', async () => {
    const root = tempDir();
    const one = await writeTinyModel(join(root, 'one'), { seed: 5 });
    const two = await writeTinyModel(join(root, 'two'), { seed: 5 });
    await runMerge({
      config: {
        merge_method: 'ties',
        base_model: one,
        models: [{ model: one }, { model: two, parameters: { weight: 1, density: 0.5 } }],
      },
      outDir: join(root, 'out'),
    });
    const expected = tinyValues(5, 'model.layers.1.mlp.up_proj.weight', 128);
    expect((await readAll(join(root, 'out'))).get('model.layers.1.mlp.up_proj.weight')).toEqual(expected);
  });

  describe('bad input fails clearly and leaves the output directory untouched', () => {
    const cases: { name: string; setup: (root: string) => Promise<string[]>; error: RegExp }[] = [
      {
        name: 'mismatched shapes',
        setup: async (root) => [
          await writeTinyModel(join(root, 'a'), { seed: 1 }),
          await writeTinyModel(join(root, 'b'), { seed: 2, shapes: { 'model.layers.1.mlp.up_proj.weight': [8, 8] } }),
        ],
        error: /model\.layers\.1\.mlp\.up_proj\.weight: shape \[8, 8\] differs/,
      },
      {
        name: 'a missing tensor',
        setup: async (root) => [
          await writeTinyModel(join(root, 'a'), { seed: 1 }),
          await writeTinyModel(join(root, 'b'), { seed: 2, omit: ['model.layers.2.input_layernorm.weight'] }),
        ],
        error: /tensor model\.layers\.2\.input_layernorm\.weight: not in the checkpoint/,
      },
      {
        name: 'different architectures',
        setup: async (root) => [
          await writeTinyModel(join(root, 'a'), { seed: 1 }),
          await writeTinyModel(join(root, 'b'), { seed: 2, architectures: ['MistralForCausalLM'] }),
        ],
        error: /architectures.*differs/,
      },
      {
        name: 'a truncated shard',
        setup: async (root) => {
          const b = await writeTinyModel(join(root, 'b'), { seed: 2 });
          const shard = readdirSync(b).find((f) => f.endsWith('.safetensors')) as string;
          truncateSync(join(b, shard), 100);
          return [await writeTinyModel(join(root, 'a'), { seed: 1 }), b];
        },
        error: /cannot open its safetensors/,
      },
      {
        name: 'a different depth',
        setup: async (root) => [
          await writeTinyModel(join(root, 'a'), { seed: 1 }),
          await writeTinyModel(join(root, 'b'), { seed: 2, layers: 2 }),
        ],
        error: /has 2 layers but .* has 3/,
      },
    ];
    it.each(cases)('$name', async ({ setup, error }) => {
      const root = tempDir();
      const [a, b] = await setup(root);
      const outDir = join(root, 'out');
      const before = readdirSync(root).sort();
      const merge = runMerge({
        config: {
          merge_method: 'task_arithmetic',
          base_model: a,
          models: [{ model: a }, { model: b, parameters: { weight: 1 } }],
        },
        outDir,
      });
      await expect(merge).rejects.toThrow(MergeError);
      await expect(merge).rejects.toThrow(error);
      expect(existsSync(outDir)).toBe(false);
      expect(readdirSync(root).sort()).toEqual(before);
    });

    it('an output directory that already holds files', async () => {
      const root = tempDir();
      const a = await writeTinyModel(join(root, 'a'), { seed: 1 });
      const outDir = join(root, 'out');
      await writeTinyModel(outDir, { seed: 9 });
      writeFileSync(join(outDir, 'notes.txt'), 'keep me');
      const before = readdirSync(outDir).sort();
      await expect(
        runMerge({ config: { merge_method: 'passthrough', models: [{ model: a }] }, outDir }),
      ).rejects.toThrow(/not empty/);
      expect(readdirSync(outDir).sort()).toEqual(before);
    });
  });
});
