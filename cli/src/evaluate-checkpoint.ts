import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { API_VERSION, type AlignmentRunSpec, type LanguageCode, parseResource } from '@xreason/contracts';
import { renderHtmlReport } from '@xreason/evaluation';
import type { ScoringMode } from '@xreason/reasoning';
import { EVAL_SUMMARY_FILE, type EvalSummaryRow, evalStage } from '@xreason/workers';

export interface CheckpointEvaluation {
  modelDir: string;
  adapterDir?: string;
  languages: readonly string[];
  /** The suite's data entry (`world` → `synthetic://world?…`, a benchmark → its directory). */
  data: { name: string; uri: string };
  evaluation: NonNullable<AlignmentRunSpec['evaluation']>;
  seed: number;
  outputDir: string;
  /** Postgres (results, samples, the generation cache); files only without it. */
  dataSource?: Parameters<typeof evalStage>[1]['dataSource'];
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

/**
 * One checkpoint through the pipeline's own eval stage (libs/workers), outside a run: the same
 * scoring, storage, cache and files, so numbers from the CLI, the demo and a run are comparable.
 * The options become the validated spec a run carries, so a bad combination fails naming the field.
 */
export async function evaluateCheckpoint(e: CheckpointEvaluation): Promise<EvalSummaryRow[]> {
  const spec = (
    parseResource({
      apiVersion: API_VERSION,
      kind: 'AlignmentRun',
      metadata: { name: 'cli-eval' },
      spec: {
        recipe: 'merge',
        baseModel: { uri: resolve(e.modelDir), ...(e.adapterDir ? { adapter: resolve(e.adapterDir) } : {}) },
        languages: [...e.languages],
        data: [e.data],
        evaluation: e.evaluation,
        seed: e.seed,
      },
    }) as { spec: AlignmentRunSpec }
  ).spec;
  mkdirSync(e.outputDir, { recursive: true });
  await evalStage(
    {
      run: { name: 'cli', namespace: 'default', uid: 'cli' },
      stage: 'eval',
      kind: 'eval',
      attempt: 1,
      languages: e.languages as LanguageCode[],
      spec,
      inputs: {},
      artifactRoot: e.outputDir,
      outputDir: e.outputDir,
    },
    {
      reporter: {
        report: async (_phase, update) => e.onProgress?.(update?.progress ?? 0, update?.message ?? ''),
      },
      logger: { info() {}, warn: (object, message) => console.error(message ?? '', object), debug() {} },
      signal: e.signal ?? new AbortController().signal,
      ...(e.dataSource ? { dataSource: e.dataSource } : {}),
      runRowId: async () => null,
    },
  );
  return (JSON.parse(readFileSync(join(e.outputDir, EVAL_SUMMARY_FILE), 'utf8')) as { rows: EvalSummaryRow[] }).rows;
}

/** The HTML report (accuracy vs language-consistency scatter, per-language bars with intervals) of summary rows. */
export function writeHtmlReport(
  file: string,
  report: { title: string; rows: readonly EvalSummaryRow[]; samplesPerItem: number; mode: ScoringMode },
): void {
  const aggregates = report.rows.map((r) => ({
    ...r,
    mode: r.mode as ScoringMode,
    samplesPerItem: report.samplesPerItem,
  }));
  writeFileSync(file, renderHtmlReport({ title: report.title, aggregates, mode: report.mode }));
}
