import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsCheckpoint, writeSafetensors } from '@xreason/safetensors';
import { afterAll, describe, expect, it } from 'vitest';
import { xreason } from './run-cli.js';

/** A two-tensor Llama-shaped checkpoint whose every value is `fill` (exact in f32). */
async function writeModel(dir: string, fill: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      num_hidden_layers: 1,
      hidden_size: 4,
      vocab_size: 8,
      torch_dtype: 'float32',
    }),
  );
  const tensor = (shape: number[]) => ({
    dtype: 'F32' as const,
    shape,
    data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill),
  });
  await writeSafetensors(join(dir, 'model.safetensors'), {
    'model.embed_tokens.weight': tensor([8, 4]),
    'model.layers.0.self_attn.q_proj.weight': tensor([4, 4]),
  });
  return dir;
}

describe('xreason merge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xreason-merge-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('merges two models linearly with mergekit weights into a loadable checkpoint', async () => {
    const a = await writeModel(join(dir, 'sft-ja'), 1);
    const b = await writeModel(join(dir, 'sft-fr'), 4);
    const config = join(dir, 'merge.yaml');
    writeFileSync(
      config,
      `merge_method: linear\nmodels:\n  - model: ${a}\n    parameters: { weight: 1.0 }\n  - model: ${b}\n    parameters: { weight: 3.0 }\ndtype: float32\n`,
    );
    const out = join(dir, 'merged');
    const run = await xreason(['merge', config, out, '--json', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ method: 'linear', tensorCount: 2 });
    const merged = await SafetensorsCheckpoint.open(out);
    const q = await merged.readAsFloat32('model.layers.0.self_attn.q_proj.weight');
    expect([...q].every((v) => v === (1 * 1 + 3 * 4) / 4)).toBe(true); // normalised weighted mean
    await merged.close();
  }, 60_000);

  it('names the bad key of an invalid config and writes nothing', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(
      config,
      `merge_method: ties\nmodels:\n  - model: ${join(dir, 'sft-ja')}\n    parameters: { density: 1.5 }\n`,
    );
    const out = join(dir, 'never');
    const run = await xreason(['merge', config, out, '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\/models\/0\/parameters\/density/);
    expect(() => SafetensorsCheckpoint.openSync(out)).toThrow();
  }, 60_000);
});
