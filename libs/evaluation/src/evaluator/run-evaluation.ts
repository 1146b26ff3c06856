import { SCORING_MODES } from '@xreason/reasoning';
import { EvaluationStore } from '../storage/evaluation-store.js';
import { writeEvaluationFiles, type EvaluationDescription } from '../storage/result-files.js';
import { evaluate, type EvaluationDeps, type EvaluationOutcome, type EvaluationRequest } from './evaluate.js';

export interface RunEvaluationOptions {
  /** Where results.json and the samples files go; the evaluation's id is appended (`<outputDir>/<id>/`). */
  outputDir: string;
  store: EvaluationStore;
  /** The AlignmentRun / EvalSchedule row this evaluation belongs to, if any. */
  runId?: string | null;
  schedule?: string | null;
  /** YYYY-MM-DD for a nightly evaluation. */
  night?: string | null;
  /** Use stored generations (default true); false forces generation (e.g. to measure sampling noise). */
  useCache?: boolean;
}

export interface RunEvaluationResult extends EvaluationOutcome {
  evalRunId: string;
  resultsPath: string;
  samplesPaths: string[];
}

export function describeEvaluation(
  request: EvaluationRequest,
  backend: string,
  options: Pick<RunEvaluationOptions, 'schedule' | 'night'> = {},
): EvaluationDescription {
  const languages: string[] = [];
  for (const item of request.items) if (!languages.includes(item.language)) languages.push(item.language);
  return {
    model: request.model.name,
    modelHash: request.model.hash,
    adapterHash: request.model.adapterHash ?? null,
    suite: request.suite.name,
    suiteVersion: request.suite.version,
    languages,
    params: { ...request.params, n: request.n, ks: [...request.ks], modes: [...(request.modes ?? SCORING_MODES)] },
    backend,
    schedule: options.schedule ?? null,
    night: options.night ?? null,
  };
}

/**
 * One evaluation end to end: an `eval_runs` row, samples stored as each batch is scored (so they
 * also feed the cache if the run dies), results files, then aggregates and status in one
 * transaction. A failure marks the row failed with the message and rethrows.
 */
export async function runEvaluation(
  request: EvaluationRequest,
  deps: Omit<EvaluationDeps, 'cache' | 'onSamples'>,
  options: RunEvaluationOptions,
): Promise<RunEvaluationResult> {
  const { store } = options;
  const description = describeEvaluation(request, deps.backend.name, options);
  const evalRunId = await store.startRun(description, { runId: options.runId ?? null });
  try {
    const outcome = await evaluate(request, {
      ...deps,
      ...(options.useCache === false ? {} : { cache: store.generationCache() }),
      onSamples: (samples) => store.appendSamples(evalRunId, samples),
    });
    const dir = `${options.outputDir.replace(/\/+$/, '')}/${evalRunId}`;
    const files = await writeEvaluationFiles(dir, evalRunId, description, outcome.samples, outcome.aggregates);
    await store.finishRun(evalRunId, outcome.aggregates, files.resultsPath);
    return { ...outcome, evalRunId, ...files };
  } catch (error) {
    await store.failRun(evalRunId, error instanceof Error ? error.message : String(error)).catch(() => undefined);
    throw error;
  }
}
