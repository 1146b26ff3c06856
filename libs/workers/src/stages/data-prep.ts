import * as fs from 'node:fs';
import { join } from 'node:path';
import type { AlignmentRunSpec } from '@xreason/contracts';
import { buildRecipeDataset, isWorldLanguage, recipeRegistry, type WorldLanguage } from '@xreason/datasets';
import { Tokenizer, trainByteLevelBpe } from '@xreason/tokenizer';
import type { StageArtifact } from '../runtime/artifact-registry.js';
import { intParam, resolveUri, syntheticWorldParams } from '../runtime/resolve-inputs.js';
import type { StageContext } from '../runtime/stage-context.js';
import { PermanentStageError } from '../runtime/stage-error.js';
import type { StageFunction } from '../runtime/run-stage-worker.js';

/** The recipe datasets (@xreason/datasets) each published recipe trains on. */
export const RECIPE_DATASETS: Readonly<Record<AlignmentRunSpec['recipe'], readonly string[]>> = {
  'budget-alignment': ['budget-sft', 'grpo-prompts'],
  qalign: ['qalign-stage1', 'qalign-stage2'],
  'mid-align': ['mid-align'],
  mindmerger: ['mindmerger-mapping', 'mindmerger-augmentation'],
  merge: [],
};

/** Output key of a recipe dataset for one language: `dataset:<recipe>:<language>`. */
export const datasetKey = (recipe: string, language: string): string => `dataset:${recipe}:${language}`;

interface DatasetPlan {
  recipe: string;
  count: number;
  seed: number;
  field: string;
}

/**
 * data-prep: the run's recipe datasets from the synthetic world, one directory per recipe dataset and
 * language (examples.jsonl, uint32/uint8 shards, manifest.json), all tokenised by one tokenizer —
 * the base model's when its directory has one, otherwise a byte-level BPE trained here on every
 * example. `spec.data` entries named after a recipe dataset with `uri: synthetic://world?count=N&seed=S`
 * replace the defaults; entries whose uri is a directory of built shards are passed through.
 * `synthetic://world` also takes `vocab` (the trained tokenizer's size).
 */
export const dataPrepStage: StageFunction = async (context, io) => {
  const languages = worldLanguages(context);
  const { plans, passThrough, vocab } = planDatasets(context);
  if (plans.length === 0 && Object.keys(passThrough).length === 0)
    throw new PermanentStageError('/spec/data', `recipe ${context.spec.recipe} has no datasets to prepare`);
  const out = context.outputDir;
  const tokenizerDir = await prepareTokenizer(context, plans, languages, vocab, io.signal);
  const outputs: Record<string, string> = { tokenizer: tokenizerDir, ...passThrough };
  const artifacts: StageArtifact[] = [{ name: 'tokenizer', kind: 'tokenizer', path: tokenizerDir }];
  const sequenceLength = context.spec.sft?.maxSequenceLength ?? 512;
  const metrics: Record<string, number> = {};
  let done = 0;
  for (const plan of plans) {
    for (const language of languages) {
      io.signal.throwIfAborted();
      const dir = join(out, 'datasets', plan.recipe, language);
      fs.rmSync(dir, { recursive: true, force: true }); // a killed attempt may have left half a dataset
      const built = await buildRecipeDataset({
        recipe: plan.recipe,
        outDir: dir,
        languages: [language],
        seed: plan.seed,
        count: plan.count,
        tokenizerDir,
        sequenceLength,
        mode: 'pad',
      });
      const key = datasetKey(plan.recipe, language);
      outputs[key] = dir;
      artifacts.push({ name: key, kind: 'dataset', path: dir });
      metrics[`${plan.recipe}.${language}.examples`] = built.manifest.examples;
      metrics[`${plan.recipe}.${language}.truncated`] = built.manifest.truncated;
      done++;
      await io.reporter.report('Running', {
        progress: done / (plans.length * languages.length),
        message: `${plan.recipe} ${language}: ${built.manifest.examples} examples, ${built.manifest.totalTokens} tokens`,
      });
    }
  }
  return { outputs, artifacts, metrics };
};

function worldLanguages(context: StageContext): WorldLanguage[] {
  const languages: WorldLanguage[] = [];
  for (const language of context.languages) {
    if (!isWorldLanguage(language))
      throw new PermanentStageError(
        'XREASON_LANGUAGES',
        `the synthetic world has no ${language}; it is written in en, fr, es, de, ja, zh`,
      );
    languages.push(language);
  }
  return languages;
}

function planDatasets(context: StageContext): {
  plans: DatasetPlan[];
  passThrough: Record<string, string>;
  vocab: number;
} {
  const seed = context.spec.seed ?? 1;
  const byName = new Map<string, DatasetPlan>();
  for (const recipe of RECIPE_DATASETS[context.spec.recipe])
    byName.set(recipe, { recipe, count: 300, seed, field: '/spec/recipe' });
  const passThrough: Record<string, string> = {};
  let vocab = 2048;
  context.spec.data.forEach((source, index) => {
    const field = `/spec/data/${index}/uri`;
    const params = syntheticWorldParams(source.uri, field);
    const isRecipe = recipeRegistry.names().includes(source.name);
    if (params) {
      vocab = intParam(params, 'vocab', vocab, field);
      if (!isRecipe) return; // e.g. a `world` evaluation suite: the eval stage reads it
      byName.set(source.name, {
        recipe: source.name,
        count: intParam(params, 'count', 300, field),
        seed: intParam(params, 'seed', seed, field),
        field,
      });
    } else if (isRecipe) {
      const dir = resolveUri(source.uri, context.artifactRoot, field);
      if (!fs.existsSync(join(dir, 'shards', 'manifest.json')))
        throw new PermanentStageError(field, `${dir} holds no built dataset (shards/manifest.json)`);
      byName.delete(source.name);
      passThrough[`dataset:${source.name}`] = dir;
    }
  });
  return { plans: [...byName.values()], passThrough, vocab };
}

/** The base model's tokenizer if its directory has one; otherwise one trained on every example to be built. */
async function prepareTokenizer(
  context: StageContext,
  plans: readonly DatasetPlan[],
  languages: readonly WorldLanguage[],
  vocabSize: number,
  signal: AbortSignal,
): Promise<string> {
  const base = resolveUri(context.spec.baseModel.uri, context.artifactRoot, '/spec/baseModel/uri');
  if (fs.existsSync(join(base, 'tokenizer.json'))) {
    Tokenizer.fromDirectory(base); // fails here, permanently, if it is not a tokenizer we can read
    return base;
  }
  const dir = join(context.outputDir, 'tokenizer');
  if (fs.existsSync(join(dir, 'tokenizer.json'))) return dir; // trained by an earlier attempt
  const texts: string[] = [];
  for (const plan of plans) {
    const examples = recipeRegistry.get(plan.recipe).build({ languages, seed: plan.seed, count: plan.count });
    for (const e of examples) texts.push(`${e.prompt}${e.completion}`);
  }
  signal.throwIfAborted();
  const tokenizer = await trainByteLevelBpe(texts, { vocabSize });
  const staging = `${dir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  tokenizer.save(staging);
  fs.renameSync(staging, dir);
  return dir;
}
