import * as fs from 'node:fs';
import { join } from 'node:path';
import { loadModel, saveCheckpoint } from '@xreason/models';
import { resolveUri } from './resolve-inputs.js';
import type { StageContext } from './stage-context.js';
import type { StageOutputs } from './stage-outputs.js';

/** A model as stages pass it on: a Hugging Face directory, optionally with an unmerged PEFT adapter. */
export interface ModelInput {
  baseDir: string;
  adapterDir?: string;
  /** Where it came from, for names in reports: an upstream stage, or `baseModel`. */
  source: string;
}

/**
 * The model(s) a stage starts from, by the output keys of its upstream stages: `model` (a full
 * checkpoint, e.g. a merge) or `adapter` + `base` (a trained adapter and the model it applies to). With
 * no upstream model, the run's `spec.baseModel` (with its adapter, if any).
 */
export function upstreamModels(context: StageContext, upstream: ReadonlyMap<string, StageOutputs>): ModelInput[] {
  const models: ModelInput[] = [];
  for (const [stage, outputs] of upstream) {
    if (outputs.model) models.push({ baseDir: outputs.model, source: stage });
    else if (outputs.adapter && outputs.base)
      models.push({ baseDir: outputs.base, adapterDir: outputs.adapter, source: stage });
  }
  return models;
}

export function specBaseModel(context: StageContext): ModelInput {
  const { uri, adapter } = context.spec.baseModel;
  return {
    baseDir: resolveUri(uri, context.artifactRoot, '/spec/baseModel/uri'),
    ...(adapter ? { adapterDir: resolveUri(adapter, context.artifactRoot, '/spec/baseModel/adapter') } : {}),
    source: 'baseModel',
  };
}

export const TOKENIZER_FILE_NAMES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

/** Copies the tokenizer files that exist in `tokenizerDir` into a model directory. */
export function copyTokenizerFiles(tokenizerDir: string, modelDir: string): void {
  for (const name of TOKENIZER_FILE_NAMES) {
    const from = join(tokenizerDir, name);
    if (fs.existsSync(from)) fs.copyFileSync(from, join(modelDir, name));
  }
}

/**
 * Writes `model` as one standalone checkpoint into `outDir` (its adapter folded in), with the
 * tokenizer beside the weights, so a merge or a later stage can read it as any Hugging Face model.
 * An existing directory (from an earlier attempt) is replaced.
 */
export async function materialiseModel(model: ModelInput, outDir: string, tokenizerDir?: string): Promise<string> {
  fs.rmSync(outDir, { recursive: true, force: true });
  const engine = await loadModel(
    model.baseDir,
    model.adapterDir ? { adapter: model.adapterDir, mergeAdapter: true } : {},
  );
  await saveCheckpoint(engine, outDir);
  copyTokenizerFiles(tokenizerDir ?? model.baseDir, outDir);
  return outDir;
}
