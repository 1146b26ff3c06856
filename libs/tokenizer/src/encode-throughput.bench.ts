/**
 * Tokenisation throughput of our wrapper against the `tokenizers` library alone, same tokenizer
 * (Qwen3's published tokenizer.json), same texts, one run: what the wrapper costs is the offset
 * conversion and the copy into plain arrays. Variants run interleaved, round after round, so load
 * from other processes hits them alike; medians are reported. Run: `npx nx run @xreason/tokenizer:bench`.
 */
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { test } from 'vitest';
import { MULTILINGUAL_TEXTS, qwen3TokenizerDir } from './fixtures.test-helpers.js';
import { Tokenizer } from './tokenizer.js';

const dir = qwen3TokenizerDir();
const wrapper = Tokenizer.fromDirectory(dir);
const alone = HfTokenizer.fromFile(join(dir, 'tokenizer.json'));
// 512 documents of ~8 sentences across scripts: ~190 KB of text per batch.
const texts = Array.from({ length: 512 }, (_, i) => {
  const lines = Object.values(MULTILINGUAL_TEXTS);
  return Array.from({ length: 8 }, (_, j) => lines[(i + j) % lines.length]).join(' ') + ` #${i}`;
});
const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
console.log(
  `batch: ${texts.length} texts, ${(bytes / 1024).toFixed(0)} KiB of UTF-8; MiB/s = UTF-8 text / median time`,
);

const ROUNDS = 9;

const variants: [string, () => Promise<unknown>][] = [
  [
    'library alone: encodeBatch + ids/tokens/offsets',
    async () =>
      (await alone.encodeBatch(texts, { addSpecialTokens: false })).map((e) => [
        e.getIds(),
        e.getTokens(),
        e.getOffsets(),
      ]),
  ],
  ['wrapper encodeBatch (UTF-16 offsets)', () => wrapper.encodeBatch(texts)],
  [
    'library alone: encodeBatch + ids',
    async () => (await alone.encodeBatch(texts, { addSpecialTokens: false })).map((e) => e.getIds()),
  ],
  ['wrapper encodeBatchIds', () => wrapper.encodeBatchIds(texts)],
];

test('tokenisation throughput: @xreason/tokenizer vs the tokenizers library alone', { timeout: 600_000 }, async () => {
  const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (const [, run] of variants) await run(); // warm-up: caches, thread pool
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of variants) {
      const start = performance.now();
      await run();
      times.get(name)?.push(performance.now() - start);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const rows = variants.map(([name]) => ({ name, ms: median(times.get(name) ?? []) }));
  for (const { name, ms } of rows) {
    console.log(
      `${name.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms  ${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(2).padStart(7)} MiB/s`,
    );
  }
  const ratio = (a: number, b: number): string => ((rows[a]?.ms ?? 0) / (rows[b]?.ms ?? 1)).toFixed(2);
  console.log(`wrapper/library time ratio: with offsets ${ratio(1, 0)}, ids only ${ratio(3, 2)}`);
});
