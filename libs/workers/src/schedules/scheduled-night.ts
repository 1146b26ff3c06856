import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Publisher } from '@xreason/bus';
import {
  type AlignmentRunSpec,
  type EvalScheduleSpec,
  type LanguageCode,
  type ScheduledNightResult,
  calendarDate,
} from '@xreason/contracts';
import {
  EngineBackend,
  EvaluationStore,
  formatProgress,
  runNightlyEvaluation,
  SampleJudge,
  type EvaluationProgress,
  type EvaluationRequest,
} from '@xreason/evaluation';
import { loadModel } from '@xreason/models';
import { Tokenizer } from '@xreason/tokenizer';
import type { DataSource } from 'typeorm';
import { resolveUri } from '../runtime/resolve-inputs.js';
import type { StageContext } from '../runtime/stage-context.js';
import { PermanentStageError } from '../runtime/stage-error.js';
import { contentHash } from '../runtime/stage-outputs.js';
import { WORLD_SUITE, loadSuite, type LoadedSuite } from '../stages/eval.js';

export interface ScheduledNightOptions {
  /** The EvalSchedule's name (evaluations are grouped by it night to night). */
  schedule: string;
  /** Its row in `runs`, when the operator keeps it in Postgres (local mode). */
  scheduleUid?: string | null;
  spec: EvalScheduleSpec;
  scheduledTime: Date;
  /** Reports and lm-eval-harness files: `<outputDir>/<evalRunId>/`. */
  outputDir: string;
  /** Resolves `artifact://` model URIs. */
  artifactRoot: string;
  /** Directory of benchmark suites named without a directory (`<suitesDir>/<suite>`). */
  suitesDir?: string;
  dataSource: DataSource;
  publisher?: Publisher;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  /** Sampling seed; fixed, so an unchanged model re-uses last night's generations from the cache. */
  seed?: number;
}

/**
 * One firing of an EvalSchedule: every model × suite of the spec through `runNightlyEvaluation` —
 * evaluated on the engine (through the generation cache), compared with the previous night and the
 * pinned baseline (Holm-corrected paired tests), regressions published as `eval.regression` events,
 * a report per evaluation. A suite is named as in a run's spec.evaluation, optionally with where to
 * read it: `world` (held-out synthetic problems; `world=synthetic://world?split=…&count=…` to choose),
 * `mgsm=/data/mgsm`, or `mgsm` alone with the files in `<suitesDir>/mgsm`.
 */
export async function runScheduledNight(options: ScheduledNightOptions): Promise<ScheduledNightResult> {
  const { spec } = options;
  const night = calendarDate(options.scheduledTime, spec.timeZone ?? 'UTC');
  const seed = options.seed ?? 1;
  const evaluation = spec.evaluation;
  const n = evaluation.samples;
  const ks = evaluation.k.filter((k) => k <= n);
  if (ks.length === 0) throw new PermanentStageError('/spec/evaluation/k', `every k exceeds samples (${n})`);
  const modes = evaluation.mode ? ([evaluation.mode] as const) : undefined;
  const params = {
    temperature: evaluation.temperature ?? (n > 1 ? 0.7 : 0),
    topP: evaluation.topP ?? 1,
    maxTokens: evaluation.maxNewTokens ?? 256,
    seed,
  };
  const suites = await loadScheduleSuites(options, seed);
  const store = new EvaluationStore(options.dataSource);
  const judge = await SampleJudge.create(modes ? [...modes] : undefined);
  const baseline = spec.baseline ? await store.findBaseline(spec.baseline) : null;
  if (spec.baseline && !baseline)
    throw new PermanentStageError(
      '/spec/baseline',
      `no succeeded evaluation is pinned as ${JSON.stringify(spec.baseline)} (pin one, or remove spec.baseline)`,
    );

  const result: ScheduledNightResult = {
    schedule: options.schedule,
    night,
    scheduledTime: options.scheduledTime.toISOString(),
    evaluations: [],
    regressions: 0,
  };
  const total = spec.models.length * suites.length;
  let done = 0;
  for (const [index, model] of spec.models.entries()) {
    const field = `/spec/models/${index}`;
    const baseDir = resolveUri(model.uri, options.artifactRoot, `${field}/uri`);
    const adapterDir = model.adapter ? resolveUri(model.adapter, options.artifactRoot, `${field}/adapter`) : undefined;
    if (!fs.existsSync(join(baseDir, 'tokenizer.json')))
      throw new PermanentStageError(`${field}/uri`, `${baseDir} has no tokenizer.json`);
    const tokenizer = Tokenizer.fromDirectory(baseDir);
    const engine = await loadModel(baseDir, adapterDir ? { adapter: adapterDir, mergeAdapter: true } : {});
    const identity = {
      name: model.name,
      hash: (await contentHash(baseDir)).hash,
      adapterHash: adapterDir ? (await contentHash(adapterDir)).hash : null,
    };
    const backend = new EngineBackend({ model: engine, tokenizer });
    for (const suite of suites) {
      options.signal?.throwIfAborted();
      const request: EvaluationRequest = {
        model: identity,
        suite: { name: suite.name, version: suite.version },
        items: suite.items,
        n,
        ks,
        params,
        ...(modes ? { modes: [...modes] } : {}),
        bootstrap: { seed },
      };
      const onProgress = (p: EvaluationProgress) =>
        options.onProgress?.(`[${done + 1}/${total}] ${model.name}: ${formatProgress(p)}`);
      const nightly = await runNightlyEvaluation(
        request,
        { backend, judge, onProgress, ...(options.signal ? { signal: options.signal } : {}) },
        {
          schedule: options.schedule,
          night,
          runId: options.scheduleUid ?? null,
          // A baseline is one pinned evaluation: it is compared with the evaluations of its own suite.
          ...(baseline && spec.baseline && baseline.suite === suite.name ? { baseline: spec.baseline } : {}),
          policy: {
            threshold: spec.regression?.threshold ?? 0.02,
            alpha: spec.regression?.alpha ?? 0.05,
            ...(evaluation.mode ? { mode: evaluation.mode } : {}),
          },
          store,
          outputDir: options.outputDir,
          ...(options.publisher ? { publisher: options.publisher } : {}),
        },
      );
      result.evaluations.push({
        model: model.name,
        suite: suite.name,
        evalRunId: nightly.evaluation.evalRunId,
        reportPath: nightly.reportPath,
        resultsPath: nightly.evaluation.resultsPath,
        comparisons: nightly.comparisons.length,
        regressions: nightly.regressions.map((r) => ({
          language: r.language,
          metric: r.metric,
          comparedWith: r.comparedWith,
          previous: r.previous,
          current: r.current,
          pValue: r.pValue,
          adjustedPValue: r.adjustedPValue,
        })),
      });
      result.regressions += nightly.regressions.length;
      done++;
    }
  }
  return result;
}

/** The schedule's suites through the eval stage's loader, with `name=uri` entries as its spec.data. */
async function loadScheduleSuites(options: ScheduledNightOptions, seed: number): Promise<LoadedSuite[]> {
  const data: AlignmentRunSpec['data'] = [];
  const names: string[] = [];
  for (const [index, entry] of options.spec.evaluation.suites.entries()) {
    const eq = entry.indexOf('=');
    const name = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    const uri = eq < 0 ? undefined : entry.slice(eq + 1).trim();
    names.push(name);
    if (uri) data.push({ name, uri });
    else if (name !== WORLD_SUITE) {
      if (!options.suitesDir)
        throw new PermanentStageError(
          `/spec/evaluation/suites/${index}`,
          `say where suite ${name} is read from ("${name}=/path/to/${name}") or set XREASON_SUITES_DIR`,
        );
      data.push({ name, uri: join(options.suitesDir, name) });
    }
  }
  // The eval stage's loader reads a run's spec; a schedule's fields map onto it one for one.
  const context: StageContext = {
    run: { name: options.schedule, namespace: 'default', uid: options.scheduleUid ?? options.schedule },
    stage: 'eval',
    kind: 'eval',
    attempt: 1,
    languages: options.spec.languages as LanguageCode[],
    spec: {
      recipe: 'merge',
      baseModel: options.spec.models[0]!,
      languages: options.spec.languages,
      data,
      evaluation: options.spec.evaluation,
      maxRetries: 0,
      seed,
    },
    inputs: {},
    artifactRoot: options.artifactRoot,
    outputDir: options.outputDir,
  };
  const suites: LoadedSuite[] = [];
  for (const [index, name] of names.entries())
    suites.push(await loadSuite(context, name, `/spec/evaluation/suites/${index}`));
  return suites;
}
