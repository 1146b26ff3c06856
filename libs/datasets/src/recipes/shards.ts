import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tokenizer } from '@xreason/tokenizer';
import type { RecipeExample } from './recipe.types.js';

export interface ShardOptions {
  outDir: string;
  /** Tokens per training sequence. */
  sequenceLength: number;
  /** pack: concatenate examples (EOS-separated by the completion) into full sequences; pad: one example per sequence. */
  mode: 'pack' | 'pad';
  /** Sequences per shard file. */
  sequencesPerShard: number;
  padId: number;
}

export interface ShardEntry {
  tokens: string;
  lossMask: string;
  sequences: number;
  /** Non-pad tokens. */
  tokenCount: number;
  sha256: { tokens: string; lossMask: string };
}

export interface ShardManifest {
  format: 'xreason-tokens-v1';
  /** Little-endian uint32 token ids and uint8 loss masks (1 = completion token), `sequenceLength` per row. */
  dtype: { tokens: 'uint32'; lossMask: 'uint8' };
  sequenceLength: number;
  mode: 'pack' | 'pad';
  examples: number;
  /** Examples dropped because prompt + completion exceed `sequenceLength` in pad mode. */
  truncated: number;
  examplesPerLanguage: Record<string, number>;
  tokensPerLanguage: Record<string, number>;
  totalTokens: number;
  lossTokens: number;
  shards: ShardEntry[];
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Tokenises examples (prompt tokens masked out of the loss), packs or pads them into fixed-length
 * rows and writes shards of raw little-endian arrays — mmap-able, no parsing on the training path —
 * with a manifest of counts, token totals and content hashes.
 */
export async function writeTokenizedShards(
  examples: readonly RecipeExample[],
  tokenizer: Tokenizer,
  options: ShardOptions,
): Promise<ShardManifest> {
  mkdirSync(options.outDir, { recursive: true });
  const L = options.sequenceLength;
  const prompts = await tokenizer.encodeBatchIds(examples.map((e) => e.prompt));
  const completions = await tokenizer.encodeBatchIds(examples.map((e) => e.completion));
  const manifest: ShardManifest = {
    format: 'xreason-tokens-v1',
    dtype: { tokens: 'uint32', lossMask: 'uint8' },
    sequenceLength: L,
    mode: options.mode,
    examples: 0,
    truncated: 0,
    examplesPerLanguage: {},
    tokensPerLanguage: {},
    totalTokens: 0,
    lossTokens: 0,
    shards: [],
  };
  const rows: { tokens: Uint32Array; mask: Uint8Array; used: number }[] = [];
  let current = { tokens: new Uint32Array(L).fill(options.padId), mask: new Uint8Array(L), used: 0 };
  const flush = (): void => {
    if (current.used > 0) rows.push(current);
    current = { tokens: new Uint32Array(L).fill(options.padId), mask: new Uint8Array(L), used: 0 };
  };
  examples.forEach((example, i) => {
    const prompt = prompts[i] as number[];
    const completion = completions[i] as number[];
    const length = prompt.length + completion.length;
    if (options.mode === 'pad' && length > L) {
      manifest.truncated++;
      return;
    }
    if (options.mode === 'pad' || current.used + length > L) flush();
    // In pack mode an example longer than a row continues into the next one.
    let position = 0;
    for (const [ids, loss] of [
      [prompt, 0],
      [completion, 1],
    ] as const) {
      for (const id of ids) {
        if (current.used === L) flush();
        current.tokens[current.used] = id;
        current.mask[current.used] = loss;
        current.used++;
        position++;
      }
    }
    manifest.examples++;
    manifest.examplesPerLanguage[example.language] = (manifest.examplesPerLanguage[example.language] ?? 0) + 1;
    manifest.tokensPerLanguage[example.language] = (manifest.tokensPerLanguage[example.language] ?? 0) + position;
    manifest.totalTokens += position;
    manifest.lossTokens += completion.length;
  });
  flush();
  for (let start = 0, index = 0; start < rows.length; start += options.sequencesPerShard, index++) {
    const slice = rows.slice(start, start + options.sequencesPerShard);
    const tokens = new Uint32Array(slice.length * L);
    const mask = new Uint8Array(slice.length * L);
    slice.forEach((row, r) => {
      tokens.set(row.tokens, r * L);
      mask.set(row.mask, r * L);
    });
    const tokenBytes = new Uint8Array(tokens.buffer); // little-endian on every platform Node runs on here
    const name = `shard-${String(index).padStart(5, '0')}`;
    writeFileSync(join(options.outDir, `${name}.tokens.u32`), tokenBytes);
    writeFileSync(join(options.outDir, `${name}.mask.u8`), mask);
    manifest.shards.push({
      tokens: `${name}.tokens.u32`,
      lossMask: `${name}.mask.u8`,
      sequences: slice.length,
      tokenCount: slice.reduce((sum, row) => sum + row.used, 0),
      sha256: { tokens: sha256(tokenBytes), lossMask: sha256(mask) },
    });
  }
  writeFileSync(join(options.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
