import type { ScoringMode } from '@xreason/reasoning';
import type { Aggregate } from '../metrics/aggregate.js';
import type { Comparison } from '../regression/compare.js';
import { barChart, escapeXml, scatterChart, trendChart, type TrendPoint } from './svg-charts.js';

export interface ReportInput {
  title: string;
  generatedAt?: Date;
  /** Aggregates of the evaluations shown (any models, one suite or several). */
  aggregates: readonly Aggregate[];
  mode?: ScoringMode;
  /** pass@1 and consistency per night, for the trend charts (see `trendPointsFrom`). */
  trends?: ReadonlyArray<{ night: string; model: string; language: string; metric: string; value: number }>;
  /** Night-to-night and baseline comparisons; any with `regression` marks the report. */
  comparisons?: readonly Comparison[];
}

const pct = (v: number) => `${(100 * v).toFixed(1)}`;

function cell(a: Aggregate | undefined, percent = true): string {
  if (!a) return '<td class="na">–</td>';
  if (!percent) return `<td>${a.value.toFixed(0)}</td>`;
  return `<td>${pct(a.value)}<span class="ci"> [${pct(a.ciLow)}, ${pct(a.ciHigh)}]</span></td>`;
}

function metricsTable(aggregates: readonly Aggregate[], mode: ScoringMode): string {
  const rows = aggregates.filter((a) => a.mode === mode);
  const ks = [...new Set(rows.filter((a) => /^pass@\d+$/.test(a.metric)).map((a) => Number(a.metric.slice(5))))].sort(
    (a, b) => a - b,
  );
  const keys = [...new Set(rows.map((a) => `${a.model}\u0000${a.suite}\u0000${a.language}`))];
  const head = [
    'model',
    'suite',
    'language',
    'items × n',
    ...ks.map((k) => `pass@${k}`),
    'consistent (trace ∧ answer)',
    'trace',
    'answer',
    'correct ∧ consistent',
    ...ks.map((k) => `consistent pass@${k}`),
    'format',
    'mean tokens',
    'truncated',
  ];
  const body = keys.map((key) => {
    const [model, suite, language] = key.split('\u0000') as [string, string, string];
    const get = (metric: string) =>
      rows.find((a) => a.model === model && a.suite === suite && a.language === language && a.metric === metric);
    const any = get('pass@1') ?? rows.find((a) => a.model === model && a.language === language);
    return `<tr><td>${escapeXml(model)}</td><td>${escapeXml(suite)}</td><td>${escapeXml(language)}</td><td>${any ? `${any.items} × ${any.samplesPerItem}` : ''}</td>${ks.map((k) => cell(get(`pass@${k}`))).join('')}${cell(get('language_consistency'))}${cell(get('trace_language_consistency'))}${cell(get('answer_language_consistency'))}${cell(get('correct_and_consistent'))}${ks.map((k) => cell(get(`consistent_pass@${k}`))).join('')}${cell(get('format_rate'))}${cell(get('mean_completion_tokens'), false)}${cell(get('truncation_rate'))}</tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

function pValueText(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

function comparisonsTable(comparisons: readonly Comparison[]): string {
  const rows = comparisons.map(
    (c) =>
      `<tr class="${c.regression ? 'regression' : ''}"><td>${c.comparedWith}</td><td>${escapeXml(c.language)}</td><td>${escapeXml(c.metric)}</td><td>${pct(c.previous)}</td><td>${pct(c.current)}</td><td>${c.delta >= 0 ? '+' : ''}${pct(c.delta)}</td><td>${pValueText(c.pValue)}</td><td>${pValueText(c.adjustedPValue)}</td><td>${c.test}</td><td>${c.items}</td><td>${c.regression ? 'REGRESSION' : ''}</td></tr>`,
  );
  return `<table><thead><tr><th>against</th><th>language</th><th>metric</th><th>before %</th><th>now %</th><th>Δ pts</th><th>p</th><th>p (Holm)</th><th>paired test</th><th>items</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The evaluation report: a regression banner when there is one, the accuracy-vs-consistency
 * scatter (the Pareto view the published work argues from), per-language bars with intervals,
 * trends over nights, the full metric table and the comparisons. One self-contained file.
 */
export function renderHtmlReport(input: ReportInput): string {
  const mode = input.mode ?? 'robust';
  const rows = input.aggregates.filter((a) => a.mode === mode);
  const models = [...new Set(rows.map((a) => a.model))];
  const find = (model: string, language: string, metric: string, suite?: string) =>
    rows.find(
      (a) => a.model === model && a.language === language && a.metric === metric && (!suite || a.suite === suite),
    );

  const points = rows
    .filter((a) => a.metric === 'pass@1')
    .map((a) => ({
      x: find(a.model, a.language, 'language_consistency', a.suite)?.value ?? 0,
      y: a.value,
      label: a.language,
      series: models.length > 1 ? a.model : `${a.model} (${a.suite})`,
    }));
  const scatter = scatterChart(points, {
    title: 'Accuracy vs. language consistency (top right is best)',
    xLabel: 'language consistency (trace ∧ answer)',
    yLabel: 'pass@1',
  });
  const bars = (metric: string, title: string) =>
    barChart(
      rows
        .filter((a) => a.metric === metric)
        .map((a) => ({ group: a.language, series: a.model, value: a.value, low: a.ciLow, high: a.ciHigh })),
      { title, yLabel: metric },
    );

  const regressions = (input.comparisons ?? []).filter((c) => c.regression);
  const banner =
    regressions.length > 0
      ? `<div class="alarm"><strong>Regression</strong>: ${regressions
          .map(
            (r) =>
              `${escapeXml(r.language)} ${escapeXml(r.metric)} ${pct(r.previous)} → ${pct(r.current)} vs ${r.comparedWith} (p = ${pValueText(r.pValue)}, Holm-adjusted ${pValueText(r.adjustedPValue)})`,
          )
          .join('; ')}</div>`
      : input.comparisons
        ? '<div class="ok">No regression against the previous night or the baseline.</div>'
        : '';

  let trends = '';
  if (input.trends && input.trends.length > 0) {
    const flagged = new Set(regressions.map((r) => `${r.language}\u0000${r.metric}`));
    const lastNight = [...input.trends]
      .map((t) => t.night)
      .sort()
      .at(-1);
    trends = [...new Set(input.trends.map((t) => t.model))]
      .flatMap((model) =>
        ['pass@1', 'language_consistency'].map((metric) => {
          const pts: TrendPoint[] = input
            .trends!.filter((t) => t.model === model && t.metric === metric)
            .map((t) => ({
              night: t.night,
              series: t.language,
              value: t.value,
              flagged: t.night === lastNight && flagged.has(`${t.language}\u0000${metric}`),
            }));
          return pts.length > 0 ? trendChart(pts, { title: `${model}: ${metric} over nights`, yLabel: metric }) : '';
        }),
      )
      .join('\n');
  }

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(input.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:20px;margin-bottom:4px}.meta{color:#666;font-size:12px;margin-bottom:16px}
.alarm{background:#fde8e8;border:2px solid #c00;color:#900;padding:10px 14px;margin:12px 0;border-radius:4px}
.ok{background:#eaf6ec;border:1px solid #2a7;padding:8px 14px;margin:12px 0;border-radius:4px}
.charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
table{border-collapse:collapse;font-size:12px;margin:12px 0}th,td{border:1px solid #ddd;padding:3px 6px;text-align:right}
th{background:#f4f4f4}td{white-space:nowrap}td:nth-child(-n+3){text-align:left}.ci{color:#888;font-size:10px}
div.wide{overflow-x:auto}tr.regression td{background:#fde8e8;font-weight:bold}.na{color:#aaa}
</style></head><body${regressions.length > 0 ? ' data-regression="true"' : ''}>
<h1>${escapeXml(input.title)}</h1>
<div class="meta">scoring mode: ${mode} · generated ${(input.generatedAt ?? new Date()).toISOString()} · intervals: 95% bootstrap over items</div>
${banner}
<div class="charts">${scatter}${bars('pass@1', 'pass@1 by language')}${bars('language_consistency', 'Language consistency by language')}</div>
${trends ? `<h2>Trends</h2><div class="charts">${trends}</div>` : ''}
<h2>Metrics</h2><div class="wide">${metricsTable(input.aggregates, mode)}</div>
${input.comparisons && input.comparisons.length > 0 ? `<h2>Comparisons</h2>${comparisonsTable(input.comparisons)}` : ''}
</body></html>
`;
}
