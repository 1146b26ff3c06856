// Merge throughput and peak memory against a plain read + write of the same bytes, side by side in
// one run on one machine. Each case runs in its own Node process so its peak RSS (VmHWM) is its own.
//
//   npm run bench                      # three 200 MiB bf16 models
//   MERGE_BENCH_MIB=1000 npm run bench # bigger models
//
// Inputs are freshly written, so every case reads from a warm page cache: the figures compare the
// merge's CPU work with the cost of moving the bytes, not disk speed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SafetensorsCheckpoint, ShardedCheckpointWriter } from '@xreason/safetensors';
import { runMerge } from '../dist/index.js';

const MiB = 1 << 20;

function peakRss() {
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
}

async function writeModel(dir, seed, sizeMiB) {
  const side = 2048; // 8 MiB bf16 matrices
  const layers = Math.max(1, Math.round(sizeMiB / 16));
  const writer = await ShardedCheckpointWriter.create({ dir, maxShardBytes: 512 * MiB, alwaysIndex: true });
  const matrix = new Uint16Array(side * side);
  let bytes = 0;
  for (let layer = 0; layer < layers; layer++) {
    for (const [k, name] of ['self_attn.o_proj.weight', 'mlp.down_proj.weight'].entries()) {
      const salt = seed * 7919 + layer * 31 + k;
      for (let i = 0; i < matrix.length; i++) {
        const h = Math.imul(i ^ salt, 0x9e3779b1) >>> 24;
        matrix[i] = ((h & 1) << 15) | 0x3f00 | (h >>> 1);
      }
      await writer.add(`model.layers.${layer}.${name}`, { dtype: 'BF16', shape: [side, side], data: matrix });
      bytes += matrix.byteLength;
    }
  }
  await writer.finish();
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ architectures: ['LlamaForCausalLM'], num_hidden_layers: layers }),
  );
  return bytes;
}

/** The baseline: read every input tensor's bytes, write one copy per tensor — no arithmetic. */
async function plainCopy(models, outDir) {
  const checkpoints = await Promise.all(models.map((m) => SafetensorsCheckpoint.open(m)));
  const writer = await ShardedCheckpointWriter.create({ dir: outDir, alwaysIndex: true });
  for (const name of checkpoints[0].tensorNames()) {
    const [first] = await Promise.all(checkpoints.map((c) => c.readTensor(name)));
    await writer.add(name, first);
  }
  await writer.finish();
  await Promise.all(checkpoints.map((c) => c.close()));
}

const CASES = {
  'read + write': (models, outDir) => plainCopy(models, outDir),
  linear: (models, outDir) =>
    runMerge({
      config: { merge_method: 'linear', models: models.map((model) => ({ model, parameters: { weight: 1 } })) },
      outDir,
    }),
  ties: (models, outDir) =>
    runMerge({
      config: {
        merge_method: 'ties',
        base_model: models[0],
        models: [
          { model: models[0] },
          ...models.slice(1).map((model) => ({ model, parameters: { weight: 0.5, density: 0.5 } })),
        ],
      },
      outDir,
    }),
  dare_ties: (models, outDir) =>
    runMerge({
      config: {
        merge_method: 'dare_ties',
        base_model: models[0],
        models: [
          { model: models[0] },
          ...models.slice(1).map((model) => ({ model, parameters: { weight: 0.5, density: 0.5 } })),
        ],
      },
      outDir,
      randomSeed: 1,
    }),
};

if (process.argv[2] === '--case') {
  const [, , , name, modelList, outDir] = process.argv;
  const started = performance.now();
  await CASES[name](modelList.split(','), outDir);
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, peakRss: peakRss() }));
} else {
  const sizeMiB = Number(process.env.MERGE_BENCH_MIB ?? 200);
  const root = mkdtempSync(join(tmpdir(), 'xreason-merge-bench-'));
  try {
    const models = ['a', 'b', 'c'].map((m) => join(root, m));
    let inputBytes = 0;
    for (const [i, dir] of models.entries()) inputBytes += await writeModel(dir, i + 1, sizeMiB);
    // Flush the freshly written inputs so their writeback is not billed to the first case.
    execFileSync('sync');
    console.log(
      `merge bench: 3 bf16 models, ${(inputBytes / MiB).toFixed(0)} MiB in total (${(inputBytes / 3 / MiB).toFixed(0)} MiB each), warm page cache`,
    );
    console.log('case            seconds   input GB/s   vs read+write   peak RSS MiB   peak / inputs');
    let baseline;
    for (const name of Object.keys(CASES)) {
      const outDir = join(root, `out-${name.replace(/\W+/g, '-')}`);
      const stdout = execFileSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--case', name, models.join(','), outDir],
        {
          encoding: 'utf8',
        },
      );
      const { seconds, peakRss: rss } = JSON.parse(stdout);
      rmSync(outDir, { recursive: true, force: true });
      const rate = inputBytes / seconds / 1e9;
      baseline ??= rate;
      console.log(
        `${name.padEnd(15)} ${seconds.toFixed(2).padStart(7)}   ${rate.toFixed(2).padStart(10)}   ${`${((100 * rate) / baseline).toFixed(0)}%`.padStart(13)}   ${(rss / MiB).toFixed(0).padStart(12)}   ${`${((100 * rss) / inputBytes).toFixed(0)}%`.padStart(13)}`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
