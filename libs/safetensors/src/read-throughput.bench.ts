import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { SafetensorsFile } from './safetensors-file.js';
import { writeSafetensors } from './write-safetensors.js';

/**
 * Read throughput of readAsFloat32 over a ~256 MB bf16 file (32 layer-sized tensors of 8 MB) against
 * plain fs.readFileSync of the same file, measured side by side in one run. Both read from the page
 * cache (the file was just written), so the figure is the cost of our reads plus bf16 → f32 widening
 * (which writes twice the bytes it reads). The variants run interleaved, round after round, so that
 * load from other processes on a shared machine hits all of them alike; medians are reported.
 */
const TENSORS = 32;
const TENSOR_BYTES = 8 << 20;
const ROUNDS = 7;
const MB = 1e6;

test('read a 256 MB bf16 checkpoint: readAsFloat32 vs fs.readFileSync', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xreason-safetensors-bench-'));
  try {
    const path = join(dir, 'model.safetensors');
    const piece = new Uint16Array(TENSOR_BYTES / 2);
    for (let i = 0; i < piece.length; i++) piece[i] = 0x3f80 + (i & 0x7f);
    await writeSafetensors(
      path,
      Array.from(
        { length: TENSORS },
        (_, i) => [`model.layers.${i}.weight`, { dtype: 'BF16' as const, shape: [2048, 2048], data: piece }] as const,
      ),
    );
    const fileBytes = readFileSync(path).byteLength;
    const reused = new Float32Array(TENSOR_BYTES / 2);

    const variants: [string, () => unknown][] = [
      ['fs.readFileSync (raw bytes)', () => readFileSync(path)],
      [
        'readAsFloat32, async',
        async () => {
          const file = await SafetensorsFile.open(path);
          for (const name of file.tensorNames()) await file.readAsFloat32(name);
          await file.close();
        },
      ],
      [
        'readAsFloat32, async, reused target',
        async () => {
          const file = await SafetensorsFile.open(path);
          for (const name of file.tensorNames()) await file.readAsFloat32(name, reused);
          await file.close();
        },
      ],
      [
        'readAsFloat32Sync',
        () => {
          const file = SafetensorsFile.openSync(path);
          for (const name of file.tensorNames()) file.readAsFloat32Sync(name);
          file.closeSync();
        },
      ],
      [
        'readTensor (raw bf16 bytes), async',
        async () => {
          const file = await SafetensorsFile.open(path);
          for (const name of file.tensorNames()) await file.readTensor(name);
          await file.close();
        },
      ],
    ];
    const timings = new Map<string, number[]>(variants.map(([name]) => [name, []]));
    for (let round = 0; round <= ROUNDS; round++) {
      for (const [name, run] of variants) {
        const start = performance.now();
        await run();
        // Round 0 warms the page cache and the JIT.
        if (round > 0) timings.get(name)?.push(performance.now() - start);
      }
    }

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const baseline = median(timings.get('fs.readFileSync (raw bytes)') as number[]);
    const lines = [
      `read throughput, ${(fileBytes / MB).toFixed(0)} MB bf16 file (${TENSORS} tensors), median of ${ROUNDS} interleaved rounds:`,
    ];
    for (const [name, list] of timings) {
      const ms = median(list);
      lines.push(
        `  ${name.padEnd(38)} ${(fileBytes / MB / (ms / 1000)).toFixed(0).padStart(6)} MB/s  ${ms.toFixed(1).padStart(7)} ms  ${(baseline / ms).toFixed(2)}× readFileSync`,
      );
    }
    console.log(lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
