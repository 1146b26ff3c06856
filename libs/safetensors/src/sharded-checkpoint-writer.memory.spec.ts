import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { useTempDir } from './fixtures.test-helpers.js';
import { SafetensorsCheckpoint } from './safetensors-checkpoint.js';
import { ShardedCheckpointWriter } from './sharded-checkpoint-writer.js';

const tempDir = useTempDir();

const MiB = 1 << 20;

describe('ShardedCheckpointWriter memory', () => {
  it('writing 200 MB of tensors in 8 MB pieces grows peak RSS by far less than 200 MB', async () => {
    // RSS belongs to the whole process: under a threads pool other test files would share it.
    expect(isMainThread, 'this test needs its own process (vitest forks pool)').toBe(true);
    const dir = join(tempDir(), 'big');
    const piece = new Uint16Array((8 * MiB) / 2);
    piece.fill(1);
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);
    try {
      const writer = await ShardedCheckpointWriter.create({ dir, maxShardBytes: 64 * MiB });
      for (let i = 0; i < 25; i++) {
        // The same buffer every time, with new contents: the writer must not keep a reference or a copy.
        piece.fill(i + 1);
        await writer.add(`model.layers.${i}.mlp.down_proj.weight`, { dtype: 'BF16', shape: [2048, 2048], data: piece });
        peak = Math.max(peak, process.memoryUsage.rss());
      }
      const written = await writer.finish();
      peak = Math.max(peak, process.memoryUsage.rss());
      expect(written.totalSize).toBe(200 * MiB);
      expect(written.files).toHaveLength(4);
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - baseline;
    expect(growth, `peak RSS grew by ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(48 * MiB);

    // And what was written is what was given: each tensor holds its own fill value.
    const checkpoint = await SafetensorsCheckpoint.open(dir);
    for (const i of [0, 7, 8, 24]) {
      const { data } = await checkpoint.readTensor(`model.layers.${i}.mlp.down_proj.weight`);
      const values = new Uint16Array(data.buffer);
      expect([values[0], values[values.length - 1]]).toEqual([i + 1, i + 1]);
    }
    await checkpoint.close();
  });
});
