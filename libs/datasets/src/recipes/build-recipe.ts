import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer, trainByteLevelBpe } from '@xreason/tokenizer';
import { WORLD_LANGUAGES, type WorldLanguage } from '../synthetic/languages/index.js';
import { recipeRegistry } from './registry.js';
import { writeTokenizedShards, type ShardManifest } from './shards.js';

export interface BuildRecipeOptions {
  recipe: string;
  outDir: string;
  languages?: readonly WorldLanguage[];
  seed?: number;
  /** Problems per language; default 300 ("a few hundred per language"). */
  count?: number;
  /** A tokenizer directory; without one, a byte-level BPE of `vocabSize` is trained on the examples and saved beside the shards. */
  tokenizerDir?: string;
  vocabSize?: number;
  sequenceLength?: number;
  mode?: 'pack' | 'pad';
}

export interface BuildRecipeResult {
  manifest: ShardManifest;
  examplesFile: string;
  tokenizerDir: string;
}

/**
 * `xreason data build --recipe R [--languages …] --out DIR`: builds the recipe's examples from the
 * synthetic world, writes them as JSONL (for reading) and as tokenised shards with a manifest.
 */
export async function buildRecipeDataset(options: BuildRecipeOptions): Promise<BuildRecipeResult> {
  const recipe = recipeRegistry.get(options.recipe);
  const examples = recipe.build({
    languages: options.languages ?? WORLD_LANGUAGES,
    seed: options.seed ?? 1,
    count: options.count ?? 300,
  });
  mkdirSync(options.outDir, { recursive: true });
  const examplesFile = join(options.outDir, 'examples.jsonl');
  writeFileSync(examplesFile, examples.map((e) => JSON.stringify(e)).join('\n') + '\n');
  let tokenizerDir = options.tokenizerDir;
  let tokenizer: Tokenizer;
  if (tokenizerDir) {
    tokenizer = Tokenizer.fromDirectory(tokenizerDir);
  } else {
    tokenizerDir = join(options.outDir, 'tokenizer');
    tokenizer = await trainByteLevelBpe(
      examples.map((e) => `${e.prompt}${e.completion}`),
      { vocabSize: options.vocabSize ?? 2048 },
    );
    tokenizer.save(tokenizerDir);
  }
  const padId = tokenizer.tokenToId('<|endoftext|>') ?? 0;
  const manifest = await writeTokenizedShards(examples, tokenizer, {
    outDir: join(options.outDir, 'shards'),
    sequenceLength: options.sequenceLength ?? 512,
    mode: options.mode ?? 'pack',
    sequencesPerShard: 1024,
    padId,
  });
  return { manifest, examplesFile, tokenizerDir };
}
