import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrainSequences } from './train-sequences.js';

/** One shard of rows written as writeTokenizedShards lays them out. */
function dataset(rows: { tokens: number[]; mask: number[] }[], L: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'xreason-seq-'));
  mkdirSync(join(dir, 'shards'));
  const tokens = new Uint32Array(rows.length * L);
  const mask = new Uint8Array(rows.length * L);
  rows.forEach((row, r) => {
    tokens.set(row.tokens, r * L);
    mask.set(row.mask, r * L);
  });
  writeFileSync(join(dir, 'shards/shard-00000.tokens.u32'), new Uint8Array(tokens.buffer));
  writeFileSync(join(dir, 'shards/shard-00000.mask.u8'), mask);
  writeFileSync(
    join(dir, 'shards/manifest.json'),
    JSON.stringify({
      format: 'xreason-tokens-v1',
      sequenceLength: L,
      shards: [{ tokens: 'shard-00000.tokens.u32', lossMask: 'shard-00000.mask.u8', sequences: rows.length }],
    }),
  );
  dirs.push(dir);
  return dir;
}
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('readTrainSequences', () => {
  it('cuts a padded row at its completion and a packed row into one sequence per example', () => {
    const dir = dataset(
      [
        { tokens: [1, 2, 3, 4, 5, 0, 0, 0], mask: [0, 0, 1, 1, 1, 0, 0, 0] },
        { tokens: [7, 8, 9, 1, 2, 3, 0, 0], mask: [0, 1, 1, 0, 0, 1, 0, 0] },
        { tokens: [5, 6, 1, 2, 9, 0, 0, 0], mask: [1, 1, 0, 0, 1, 0, 0, 0] },
      ],
      8,
    );
    expect(readTrainSequences(dir)).toEqual([
      { ids: [1, 2, 3, 4, 5], promptLength: 2 },
      { ids: [7, 8, 9], promptLength: 1 },
      { ids: [1, 2, 3], promptLength: 2 },
      // A row that starts inside a completion (packed continuation): no prompt, loss from the second token.
      { ids: [5, 6], promptLength: 1 },
      { ids: [1, 2, 9], promptLength: 2 },
    ]);
  });

  it('cuts sequences at maxLength and skips one whose prompt fills it', () => {
    const dir = dataset(
      [
        { tokens: [1, 2, 3, 4, 5, 6], mask: [0, 1, 1, 1, 1, 1] },
        { tokens: [1, 2, 3, 4, 5, 6], mask: [0, 0, 0, 0, 1, 1] },
      ],
      6,
    );
    expect(readTrainSequences(dir, 4)).toEqual([{ ids: [1, 2, 3, 4], promptLength: 1 }]);
  });
});
