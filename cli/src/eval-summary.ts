import type { EvalSummaryRow } from '@xreason/workers';

/** Per model and language: accuracy (pass@1) next to the share of samples that reasoned in the language. */
export function renderEvalSummary(rows: readonly EvalSummaryRow[], mode = 'robust'): string {
  const shown = rows.filter((r) => r.mode === mode);
  if (shown.length === 0) return '(no evaluation results)';
  const pick = (source: string, suite: string, language: string, metric: string) =>
    shown.find((r) => r.source === source && r.suite === suite && r.language === language && r.metric === metric);
  const format = (row: EvalSummaryRow | undefined) => (row ? row.value.toFixed(2) : '-');
  const lines: string[] = [];
  for (const suite of new Set(shown.map((r) => r.suite))) {
    lines.push(`\nevaluation on ${suite}, ${mode} scoring:`);
    lines.push(
      `  ${'model'.padEnd(14)} ${'lang'.padEnd(5)} ${'pass@1'.padStart(7)} ${'consistent'.padStart(11)} ${'items'.padStart(6)}`,
    );
    for (const source of new Set(shown.filter((r) => r.suite === suite).map((r) => r.source))) {
      for (const language of new Set(shown.filter((r) => r.suite === suite).map((r) => r.language))) {
        const pass = pick(source, suite, language, 'pass@1');
        const consistency = pick(source, suite, language, 'language_consistency');
        lines.push(
          `  ${source.padEnd(14)} ${language.padEnd(5)} ${format(pass).padStart(7)} ${format(consistency).padStart(11)} ${String(pass?.items ?? consistency?.items ?? '').padStart(6)}`,
        );
      }
    }
  }
  return lines.join('\n');
}
