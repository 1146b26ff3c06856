import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlignmentRun } from '@xreason/contracts';
import type { ScoringMode } from '@xreason/reasoning';
import type { EvalSummaryRow } from '@xreason/workers';
import { evaluateCheckpoint, writeHtmlReport } from '../evaluate-checkpoint.js';

export type DemoStage = 'base' | 'sft' | 'grpo' | 'merge';
export const DEMO_STAGES: readonly DemoStage[] = ['base', 'sft', 'grpo', 'merge'];

export interface DemoModel {
  stage: DemoStage;
  /** base, sft-ja, grpo-ja, …: the name the report gives it. */
  label: string;
  modelDir: string;
  adapterDir?: string;
  languages: readonly string[];
}

/** One line of report.json: a model of the run on one language's held-out problems (robust scoring). */
export interface DemoRow {
  model: string;
  stage: DemoStage;
  language: string;
  'pass@1': number;
  language_consistency: number;
}

export interface DemoEvaluation {
  rows: DemoRow[];
  /** Every metric of every evaluation, relabelled by model, for the HTML report. */
  aggregates: EvalSummaryRow[];
}

const MODE: ScoringMode = 'robust';

/**
 * Evaluates the run's models with the run's own evaluation settings on the same held-out problems
 * (the eval stage's code, files under outDir/evals/<model>); the merged model's numbers come from the
 * run's eval stage, which already computed them the same way.
 */
export async function evaluateDemoModels(options: {
  models: readonly DemoModel[];
  merged: readonly EvalSummaryRow[];
  manifest: AlignmentRun;
  outDir: string;
  onProgress?: (done: number, total: number, detail: string) => void;
}): Promise<DemoEvaluation> {
  const { spec } = options.manifest;
  const world = spec.data.find((d) => d.name === 'world');
  if (!world || !spec.evaluation) throw new Error('the demo manifest lost its world suite or evaluation section');
  const aggregates: EvalSummaryRow[] = [];
  const total = options.models.length;
  for (const [i, model] of options.models.entries()) {
    options.onProgress?.(i, total, model.label);
    const rows = await evaluateCheckpoint({
      modelDir: model.modelDir,
      ...(model.adapterDir ? { adapterDir: model.adapterDir } : {}),
      languages: model.languages,
      data: { name: world.name, uri: world.uri },
      evaluation: spec.evaluation,
      seed: spec.seed ?? 1,
      outputDir: join(options.outDir, 'evals', model.label),
      onProgress: (fraction, message) => options.onProgress?.(i + fraction, total, `${model.label} ${message}`),
    });
    aggregates.push(...rows.map((r) => ({ ...r, model: model.label })));
  }
  options.onProgress?.(total, total, 'done');
  aggregates.push(...options.merged.map((r) => ({ ...r, model: 'merge' })));
  const stageOf = (label: string): DemoStage =>
    label === 'base' || label === 'merge' ? label : (label.split('-')[0] as DemoStage);
  const rows: DemoRow[] = [];
  for (const pass of aggregates.filter((a) => a.mode === MODE && a.metric === 'pass@1')) {
    const consistency = aggregates.find(
      (a) =>
        a.mode === MODE &&
        a.metric === 'language_consistency' &&
        a.model === pass.model &&
        a.language === pass.language,
    );
    rows.push({
      model: pass.model,
      stage: stageOf(pass.model),
      language: pass.language,
      'pass@1': pass.value,
      language_consistency: consistency?.value ?? 0,
    });
  }
  rows.sort(
    (a, b) => a.language.localeCompare(b.language) || DEMO_STAGES.indexOf(a.stage) - DEMO_STAGES.indexOf(b.stage),
  );
  return { rows, aggregates };
}

/** report.json (`{"rows": [...]}` plus the run's facts) and report.html (scatter and bars of every model). */
export function writeDemoReport(
  outDir: string,
  evaluation: DemoEvaluation,
  facts: { title: string; seconds: number; quick: boolean; samplesPerItem: number },
): { json: string; html: string } {
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, 'report.json');
  const html = join(outDir, 'report.html');
  writeFileSync(
    json,
    `${JSON.stringify({ rows: evaluation.rows, wallSeconds: Math.round(facts.seconds), quick: facts.quick, mode: MODE }, null, 2)}\n`,
  );
  writeHtmlReport(html, {
    title: facts.title,
    rows: evaluation.aggregates,
    samplesPerItem: facts.samplesPerItem,
    mode: MODE,
  });
  return { json, html };
}

/** The terminal table: one line per language and stage. */
export function renderDemoTable(rows: readonly DemoRow[]): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`.padStart(8);
  const lines = [`  ${'language'.padEnd(9)}${'stage'.padEnd(7)}${'pass@1'.padStart(8)}${'consistency'.padStart(13)}`];
  for (const r of rows)
    lines.push(
      `  ${r.language.padEnd(9)}${r.stage.padEnd(7)}${pct(r['pass@1'])}${pct(r.language_consistency).padStart(13)}`,
    );
  return lines.join('\n');
}
