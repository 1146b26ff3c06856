import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlignmentRun } from '@xreason/contracts';
import {
  type ComparedMetric,
  type SampleRecord,
  compareEvaluations,
  holmAdjust,
  readResultsFile,
  readSamplesFile,
} from '@xreason/evaluation';
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

/**
 * One claim of the published effect, tested on one language's held-out problems: `to` is better than
 * `from` on `metric`, paired over the problems both models answered.
 */
export interface DemoComparison {
  language: string;
  metric: ComparedMetric;
  from: DemoStage;
  to: DemoStage;
  before: number;
  after: number;
  /** after − before. */
  delta: number;
  items: number;
  /** One-sided paired test (sign-flip on per-problem rates; McNemar with one sample each). */
  pValue: number;
  /** Holm-adjusted over every comparison of the report. */
  adjustedPValue: number;
}

/** The effect budget alignment claims: SFT makes the reasoning's language the question's; GRPO then wins accuracy back. */
const CLAIMS: readonly { metric: ComparedMetric; from: DemoStage; to: DemoStage }[] = [
  { metric: 'language_consistency', from: 'base', to: 'sft' },
  { metric: 'pass@1', from: 'sft', to: 'grpo' },
];

export interface DemoEvaluation {
  rows: DemoRow[];
  /** Every metric of every evaluation, relabelled by model, for the HTML report. */
  aggregates: EvalSummaryRow[];
  comparisons: DemoComparison[];
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
  const comparisons = await compareDemoStages(options.models, options.outDir);
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
  return { rows, aggregates, comparisons };
}

/**
 * Tests each claim per language on the samples the evaluations wrote (outDir/evals/<label>), and
 * adjusts the p-values with Holm over the whole report: a table of several languages would otherwise
 * find one "significant" gain by chance.
 */
export async function compareDemoStages(models: readonly DemoModel[], outDir: string): Promise<DemoComparison[]> {
  // Each evaluation's results.json names its samples file per language (lm-eval-harness's layout).
  const samplesOf = async (label: string, language: string): Promise<SampleRecord[]> => {
    const results = join(outDir, 'evals', label, 'results');
    if (!existsSync(results)) return [];
    const records: SampleRecord[] = [];
    for (const entry of readdirSync(results, { withFileTypes: true })) {
      const index = join(results, entry.name, 'results.json');
      if (!entry.isDirectory() || !existsSync(index)) continue;
      const file = (await readResultsFile(index)).samples[language];
      if (file) records.push(...(await readSamplesFile(join(results, entry.name, file))));
    }
    return records;
  };
  const labelOf = (stage: DemoStage, language: string) =>
    models.find((m) => m.stage === stage && (stage === 'base' || m.languages.includes(language)))?.label;
  const languages = [...new Set(models.filter((m) => m.stage !== 'base').flatMap((m) => m.languages))];
  const out: DemoComparison[] = [];
  for (const language of languages)
    for (const claim of CLAIMS) {
      const from = labelOf(claim.from, language);
      const to = labelOf(claim.to, language);
      if (!from || !to) continue;
      // compareEvaluations tests "current is worse than reference": with current = the earlier stage,
      // a small p says the later stage is better.
      const [comparison] = compareEvaluations(
        await samplesOf(from, language),
        await samplesOf(to, language),
        'previous',
        { threshold: 0, alpha: 1, mode: MODE, metrics: [claim.metric] },
      );
      if (!comparison) continue;
      out.push({
        language,
        ...claim,
        before: comparison.current,
        after: comparison.previous,
        delta: -comparison.delta,
        items: comparison.items,
        pValue: comparison.pValue,
        adjustedPValue: comparison.pValue,
      });
    }
  const adjusted = holmAdjust(out.map((c) => c.pValue));
  return out.map((c, i) => ({ ...c, adjustedPValue: adjusted[i]! }));
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
    `${JSON.stringify({ rows: evaluation.rows, comparisons: evaluation.comparisons, wallSeconds: Math.round(facts.seconds), quick: facts.quick, mode: MODE }, null, 2)}\n`,
  );
  writeHtmlReport(html, {
    title: facts.title,
    rows: evaluation.aggregates,
    samplesPerItem: facts.samplesPerItem,
    mode: MODE,
  });
  return { json, html };
}

/** The claims, one line each: `ja  sft → grpo  pass@1  +8.9 pts  p = 0.003 (Holm)`. */
export function renderDemoComparisons(comparisons: readonly DemoComparison[]): string {
  const lines = [
    `  paired over the same held-out problems; one-sided p, Holm-adjusted over ${comparisons.length} tests:`,
  ];
  for (const c of comparisons) {
    const delta = `${c.delta >= 0 ? '+' : ''}${(100 * c.delta).toFixed(1)} pts`;
    lines.push(
      `  ${c.language.padEnd(4)}${`${c.from} → ${c.to}`.padEnd(13)}${c.metric.padEnd(22)}${delta.padStart(11)}   p = ${formatP(c.adjustedPValue)}`,
    );
  }
  return lines.join('\n');
}

function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
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
