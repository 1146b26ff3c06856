import * as fs from 'node:fs';
import { join } from 'node:path';
import type { ShardManifest } from '@xreason/datasets';
import type { TrainSequence } from '@xreason/engine';
import { PermanentStageError } from '../runtime/stage-error.js';

/**
 * A recipe dataset's shards as training sequences. The engine's masked cross-entropy takes the loss
 * on a sequence's tokens after `promptLength`, so each row is cut into (prompt run, completion run)
 * pairs by its loss mask: one sequence per example in pad mode, several in pack mode (a row that
 * begins inside a completion gives a sequence with no prompt). Trailing padding is dropped, and a
 * sequence longer than `maxLength` is cut there (one whose prompt alone fills it is skipped).
 */
export function readTrainSequences(datasetDir: string, maxLength = Number.POSITIVE_INFINITY): TrainSequence[] {
  const shardsDir = join(datasetDir, 'shards');
  const manifestPath = join(shardsDir, 'manifest.json');
  let manifest: ShardManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as ShardManifest;
  } catch (cause) {
    throw new PermanentStageError(manifestPath, `cannot read the shard manifest (${(cause as Error).message})`, {
      cause,
    });
  }
  if (manifest.format !== 'xreason-tokens-v1')
    throw new PermanentStageError(manifestPath, `format ${JSON.stringify(manifest.format)} is not xreason-tokens-v1`);
  const L = manifest.sequenceLength;
  const sequences: TrainSequence[] = [];
  for (const shard of manifest.shards) {
    const tokenBytes = fs.readFileSync(join(shardsDir, shard.tokens));
    const mask = fs.readFileSync(join(shardsDir, shard.lossMask));
    if (tokenBytes.length !== shard.sequences * L * 4 || mask.length !== shard.sequences * L)
      throw new PermanentStageError(
        join(shardsDir, shard.tokens),
        `size does not match ${shard.sequences} rows of ${L} tokens`,
      );
    const tokens = new Uint32Array(tokenBytes.buffer, tokenBytes.byteOffset, tokenBytes.length / 4);
    for (let row = 0; row < shard.sequences; row++) {
      const offset = row * L;
      let t = 0;
      while (t < L) {
        const start = t;
        while (t < L && mask[offset + t] === 0) t++;
        const promptEnd = t;
        while (t < L && mask[offset + t] === 1) t++;
        if (t === promptEnd) break; // trailing padding: no completion follows
        const end = Math.min(t, start + maxLength);
        const promptLength = Math.max(1, promptEnd - start);
        if (promptLength >= end - start) continue;
        sequences.push({ ids: Array.from(tokens.subarray(offset + start, offset + end)), promptLength });
      }
    }
  }
  return sequences;
}
