import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeInChildProcess } from '../../test/merge-child.test-helpers.js';
import { writeLargeModel } from './large-model.test-helpers.js';
import { SafetensorsCheckpoint } from '@xreason/safetensors';
import { useTempDir } from './tiny-model.test-helpers.js';

async function readOne(dir: string, name: string): Promise<Float32Array> {
  const checkpoint = await SafetensorsCheckpoint.open(dir);
  try {
    return await checkpoint.readAsFloat32(name);
  } finally {
    await checkpoint.close();
  }
}

const tempDir = useTempDir();
const MiB = 1 << 20;

describe('runMerge memory', () => {
  it('merging three ~200 MB models keeps peak RSS far below their total size', { timeout: 120_000 }, async () => {
    const root = tempDir();
    const models = [join(root, 'a'), join(root, 'b'), join(root, 'c')];
    let inputBytes = 0;
    for (const [i, dir] of models.entries()) inputBytes += await writeLargeModel(dir, i + 1, 200);
    expect(inputBytes).toBeGreaterThan(570 * MiB);

    const result = await mergeInChildProcess({
      config: {
        merge_method: 'linear',
        models: models.map((model) => ({ model, parameters: { weight: 1 } })),
      },
      outDir: join(root, 'merged'),
    });
    const growth = result.peakRss - result.rssBefore;
    const figures = `inputs ${(inputBytes / MiB).toFixed(0)} MiB, peak RSS ${(result.peakRss / MiB).toFixed(0)} MiB (${(growth / MiB).toFixed(0)} MiB above the loaded process)`;
    console.log(`merge memory: ${figures}, ${result.seconds.toFixed(1)} s`);
    // The working set is one tensor's: three 16 MiB float32 inputs, a float32 and a bf16 output (72 MiB).
    // Measured 100–130 MiB of growth; the bound allows for the allocator and the collector and stays far
    // below the 624 MiB of input. The absolute peak includes ~100 MiB of Node plus the TypeScript
    // transform the child runs under.
    expect(growth, figures).toBeLessThan(160 * MiB);
    expect(result.peakRss, figures).toBeLessThan(inputBytes / 2);
    expect(result.totalBytes).toBe(inputBytes / 3);
    // And the merge did its work: one tensor is the mean of its inputs (bf16-rounded).
    const name = 'model.layers.5.mlp.down_proj.weight';
    const [merged, ...inputs] = await Promise.all([join(root, 'merged'), ...models].map((dir) => readOne(dir, name)));
    for (const i of [0, 12345, 4_000_000]) {
      const mean = inputs.reduce((sum, x) => sum + (x[i] as number), 0) / 3;
      expect(merged?.[i]).toBeCloseTo(mean, 2);
    }
  });
});
