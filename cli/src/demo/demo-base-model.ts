import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type WorldLanguage, recipeRegistry } from '@xreason/datasets';
import { initRandomCheckpoint } from '@xreason/models';
import { trainByteLevelBpe } from '@xreason/tokenizer';

export interface DemoBaseModelOptions {
  dir: string;
  languages: readonly WorldLanguage[];
  seed: number;
}

/**
 * The demo's base model: a tiny Qwen2-style decoder, randomly initialised, with a byte-level BPE
 * tokenizer trained on the very text the recipe will show it — so the whole pipeline runs on one CPU in
 * minutes. Nothing is downloaded; a real run points `baseModel.uri` at a Hugging Face checkpoint instead.
 * Built once and reused (the directory is complete once `config.json` is there).
 */
export async function ensureDemoBaseModel(options: DemoBaseModelOptions): Promise<{ dir: string; created: boolean }> {
  if (existsSync(join(options.dir, 'config.json')) && existsSync(join(options.dir, 'tokenizer.json'))) {
    return { dir: options.dir, created: false };
  }
  rmSync(options.dir, { recursive: true, force: true }); // an interrupted earlier build
  const examples = recipeRegistry
    .get('budget-sft')
    .build({ languages: options.languages, seed: options.seed, count: 200 });
  const tokenizer = await trainByteLevelBpe(
    examples.map((e) => `${e.prompt}${e.completion}`),
    { vocabSize: 1024 },
  );
  await initRandomCheckpoint({
    arch: 'qwen2',
    vocab: tokenizer.vocabSize,
    hidden: 64,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    intermediate: 160,
    tieEmbeddings: true,
    seed: options.seed,
    out: options.dir,
  });
  // Written after the weights: a directory with both files is a finished base model.
  tokenizer.save(options.dir);
  return { dir: options.dir, created: true };
}
