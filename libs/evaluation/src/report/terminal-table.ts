import type { ScoringMode } from '@xreason/reasoning';
import type { Aggregate } from '../metrics/aggregate.js';

/** Display width: CJK and full-width characters take two terminal columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return w;
}
const pad = (text: string, to: number, right: boolean) =>
  right ? ' '.repeat(to - width(text)) + text : text + ' '.repeat(to - width(text));

/**
 * The summary `xreason eval` prints: one row per model × suite × language, percentages with their
 * 95% intervals for pass@k, consistency (trace ∧ answer) and the joint metric, then format rate and
 * mean completion length.
 */
export function formatTerminalTable(aggregates: readonly Aggregate[], options: { mode?: ScoringMode } = {}): string {
  const mode = options.mode ?? 'robust';
  const rows = aggregates.filter((a) => a.mode === mode);
  const ks = [...new Set(rows.filter((a) => /^pass@\d+$/.test(a.metric)).map((a) => Number(a.metric.slice(5))))].sort(
    (a, b) => a - b,
  );
  const keys = [...new Set(rows.map((a) => `${a.model}\u0000${a.suite}\u0000${a.language}`))];
  const pc = (a: Aggregate | undefined, ci = true) =>
    a ? `${(100 * a.value).toFixed(1)}${ci ? ` ±${((100 * (a.ciHigh - a.ciLow)) / 2).toFixed(1)}` : ''}` : '–';
  const header = [
    'model',
    'suite',
    'lang',
    'items',
    ...ks.map((k) => `pass@${k}`),
    'consistent',
    'trace',
    'answer',
    'correct∧cons',
    'format',
    'tokens',
  ];
  const table = keys.map((key) => {
    const [model, suite, language] = key.split('\u0000') as [string, string, string];
    const get = (metric: string) =>
      rows.find((a) => a.model === model && a.suite === suite && a.language === language && a.metric === metric);
    const tokens = get('mean_completion_tokens');
    return [
      model,
      suite,
      language,
      `${get('pass@1')?.items ?? ''}×${get('pass@1')?.samplesPerItem ?? ''}`,
      ...ks.map((k) => pc(get(`pass@${k}`))),
      pc(get('language_consistency')),
      pc(get('trace_language_consistency'), false),
      pc(get('answer_language_consistency'), false),
      pc(get('correct_and_consistent')),
      pc(get('format_rate'), false),
      tokens ? tokens.value.toFixed(0) : '–',
    ];
  });
  const widths = header.map((h, i) => Math.max(width(h), ...table.map((r) => width(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i >= 3)).join('  ');
  return [
    `${line(header)}`,
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...table.map(line),
    `(${mode} scoring; percentages, ± half the 95% bootstrap interval over items)`,
  ].join('\n');
}
