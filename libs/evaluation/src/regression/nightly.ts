import { join } from 'node:path';
import type { Publisher } from '@xreason/bus';
import { EvalRegressionTopic, type LanguageCode, type MessageOf } from '@xreason/contracts';
import type { EvaluationDeps, EvaluationRequest } from '../evaluator/evaluate.js';
import { runEvaluation, type RunEvaluationResult } from '../evaluator/run-evaluation.js';
import { renderHtmlReport } from '../report/html-report.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import type { EvaluationStore } from '../storage/evaluation-store.js';
import { compareEvaluations, flagRegressions, type Comparison, type RegressionPolicy } from './compare.js';

export interface NightlyOptions {
  /** The EvalSchedule's name. */
  schedule: string;
  /** YYYY-MM-DD. */
  night: string;
  /** The EvalSchedule's row in `runs` (the events' run id); the evaluation's id when absent. */
  runId?: string | null;
  /** Label of a pinned evaluation (EvalSchedule `baseline`) to compare with as well. */
  baseline?: string;
  policy: RegressionPolicy;
  store: EvaluationStore;
  outputDir: string;
  /** Publishes `eval.regression` events; without it regressions are only returned and marked in the report. */
  publisher?: Publisher;
}

export interface NightlyResult {
  evaluation: RunEvaluationResult;
  comparisons: Comparison[];
  regressions: Comparison[];
  events: MessageOf<typeof EvalRegressionTopic>[];
  reportPath: string;
}

/**
 * One night of one model on one suite: evaluate (through the generation cache), compare with the
 * previous night and the pinned baseline by paired tests over items, publish each regression as an
 * `xreason.eval.regressions.v1` event, and write the night's report with trends, regressions marked.
 */
export async function runNightlyEvaluation(
  request: EvaluationRequest,
  deps: Omit<EvaluationDeps, 'cache' | 'onSamples'>,
  options: NightlyOptions,
): Promise<NightlyResult> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.night))
    throw new RangeError(`night: expected YYYY-MM-DD, got "${options.night}"`);
  const { store } = options;
  const evaluation = await runEvaluation(request, deps, {
    outputDir: options.outputDir,
    store,
    runId: options.runId ?? null,
    schedule: options.schedule,
    night: options.night,
  });

  let comparisons: Comparison[] = [];
  const previous = await store.previousNight(options.schedule, request.model.name, request.suite.name, options.night);
  if (previous)
    comparisons.push(
      ...compareEvaluations(evaluation.samples, await store.loadSamples(previous.id), 'previous', options.policy),
    );
  if (options.baseline) {
    const baseline = await store.findBaseline(options.baseline);
    if (!baseline) throw new Error(`baseline: no succeeded evaluation is pinned as "${options.baseline}"`);
    if (baseline.id !== evaluation.evalRunId) {
      comparisons.push(
        ...compareEvaluations(evaluation.samples, await store.loadSamples(baseline.id), 'baseline', options.policy),
      );
    }
  }
  // One family for the multiple-testing correction: every language × metric against both references.
  comparisons = flagRegressions(comparisons, options.policy);
  const regressions = comparisons.filter((c) => c.regression);

  const events: MessageOf<typeof EvalRegressionTopic>[] = [];
  if (options.publisher) {
    for (const r of regressions) {
      events.push(
        await options.publisher.publish(EvalRegressionTopic, {
          runId: options.runId ?? evaluation.evalRunId,
          payload: {
            schedule: options.schedule,
            model: request.model.name,
            suite: request.suite.name,
            language: r.language as LanguageCode,
            metric: r.metric,
            previous: r.previous,
            current: r.current,
            pValue: r.pValue,
            adjustedPValue: r.adjustedPValue,
            comparedWith: r.comparedWith,
          },
        }),
      );
    }
  }

  const trends = [];
  for (const night of await store.nights(options.schedule, {
    models: [request.model.name],
    suite: request.suite.name,
  })) {
    for (const a of await store.loadAggregates(night.id)) {
      if (
        a.mode === (options.policy.mode ?? 'robust') &&
        (a.metric === 'pass@1' || a.metric === 'language_consistency')
      ) {
        trends.push({
          night: night.night!,
          model: night.model,
          language: a.language,
          metric: a.metric,
          value: a.value,
        });
      }
    }
  }
  const reportPath = join(options.outputDir, evaluation.evalRunId, 'report.html');
  await writeFileAtomic(
    reportPath,
    renderHtmlReport({
      title: `${options.schedule} · ${request.model.name} on ${request.suite.name} · night ${options.night}`,
      aggregates: evaluation.aggregates,
      ...(options.policy.mode ? { mode: options.policy.mode } : {}),
      trends,
      comparisons,
    }),
  );
  return { evaluation, comparisons, regressions, events, reportPath };
}
