import * as fs from 'node:fs';
import { join } from 'node:path';
import { runMerge } from '@xreason/merge';
import type { StageArtifact } from '../runtime/artifact-registry.js';
import { materialiseModel, specBaseModel, upstreamModels, type ModelInput } from '../runtime/model-inputs.js';
import { findUpstreamOutput, upstreamOutputsWithPrefix } from '../runtime/resolve-inputs.js';
import { PermanentStageError } from '../runtime/stage-error.js';
import { readUpstreamOutputs } from '../runtime/stage-outputs.js';
import type { StageFunction } from '../runtime/run-stage-worker.js';

/** Methods that merge task vectors against a base model rather than averaging weights. */
const NEEDS_BASE = new Set([
  'task_arithmetic',
  'ties',
  'dare_ties',
  'dare_linear',
  'breadcrumbs',
  'breadcrumbs_ties',
  'della',
  'della_linear',
]);

/**
 * merge: the upstream models (each adapter folded into its base, written to `<outputDir>/inputs/<stage>`)
 * merged by spec.merge. With `spec.merge.config` (mergekit's YAML as an object), model references
 * `stage:<name>` and `base` name an upstream stage's model and the run's base model; without it, an
 * equal-weight merge of every upstream model by `spec.merge.method` (against the base for methods that
 * need one). Output: `model` (a Hugging Face directory with the tokenizer), `tokenizer`.
 */
export const mergeStage: StageFunction = async (context, io) => {
  const merge = context.spec.merge;
  if (!merge) throw new PermanentStageError('/spec/merge', 'a merge stage needs the spec.merge section');
  const upstream = readUpstreamOutputs(context.inputs);
  const tokenizer = findUpstreamOutput(upstream, 'tokenizer');
  const models = upstreamModels(context, upstream);
  const base = specBaseModel(context);
  const baseTokenizer = tokenizer ?? base.baseDir;

  const materialised = new Map<string, string>();
  const materialise = async (model: ModelInput): Promise<string> => {
    const known = materialised.get(model.source);
    if (known) return known;
    let dir = model.baseDir;
    // A full checkpoint is read as it is, unless it lacks the tokenizer the merged model must carry.
    if (model.adapterDir || !fs.existsSync(join(model.baseDir, 'tokenizer.json')))
      dir = await materialiseModel(model, join(context.outputDir, 'inputs', model.source), baseTokenizer);
    materialised.set(model.source, dir);
    return dir;
  };

  let config: Record<string, unknown>;
  if (merge.config) {
    config = (await resolveReferences(merge.config, async (ref) => {
      if (ref === 'base') return materialise(base);
      const stage = ref.slice('stage:'.length);
      const model = models.find((m) => m.source === stage);
      if (!model)
        throw new PermanentStageError(
          '/spec/merge/config',
          `stage:${stage} is not an upstream stage with a model (upstream: ${models.map((m) => m.source).join(', ') || 'none'})`,
        );
      return materialise(model);
    })) as Record<string, unknown>;
  } else {
    if (models.length === 0)
      throw new PermanentStageError(
        'XREASON_STAGE_INPUTS',
        'no upstream stage gives a model or adapter to merge, and spec.merge.config is absent',
      );
    const weight = 1 / models.length;
    const inputs = [];
    for (const model of models) {
      inputs.push({ model: await materialise(model), parameters: { weight } });
      io.signal.throwIfAborted();
    }
    config = {
      merge_method: merge.method,
      ...(NEEDS_BASE.has(merge.method) ? { base_model: await materialise(base) } : {}),
      models: inputs,
      dtype: 'float32',
    };
  }
  await io.reporter.report('Running', {
    progress: 0.5,
    message: `merging ${materialised.size} models (${String(config.merge_method)})`,
  });
  const outDir = join(context.outputDir, 'model');
  fs.rmSync(outDir, { recursive: true, force: true }); // a complete merge from an attempt killed before outputs.json
  const result = await runMerge({ config, outDir, randomSeed: context.spec.seed ?? 1 });
  const artifacts: StageArtifact[] = [{ name: 'model', kind: 'checkpoint', path: outDir }];
  return {
    outputs: {
      ...upstreamOutputsWithPrefix(upstream, 'dataset:'),
      model: outDir,
      tokenizer: fs.existsSync(join(outDir, 'tokenizer.json')) ? outDir : baseTokenizer,
    },
    artifacts,
    metrics: {
      tensors: result.tensorCount,
      bytes: result.totalBytes,
      seconds: result.seconds,
      models: materialised.size,
    },
  };
};

/** Replaces every `base` / `stage:<name>` string in model positions of a mergekit config. */
async function resolveReferences(
  value: unknown,
  resolve: (ref: string) => Promise<string>,
  key?: string,
): Promise<unknown> {
  if (typeof value === 'string') {
    const modelField = key === 'model' || key === 'base_model' || key === 'source' || key === 'tokenizer_source';
    return modelField && (value === 'base' || value.startsWith('stage:')) ? resolve(value) : value;
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveReferences(v, resolve, key)));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveReferences(v, resolve, k);
    return out;
  }
  return value;
}
