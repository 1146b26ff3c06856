import type { ScoringMode } from '@xreason/reasoning';
import type { SampleRecord, SampleScore } from '../scoring/sample-record.js';
import { exactMcNemar, pairedSignFlipTest, type PairedTestResult } from './paired-tests.js';

/** Metrics compared night to night: each is a per-item share, so items pair across the two evaluations. */
export const COMPARED_METRICS = {
  'pass@1': (s: SampleScore) => s.correct,
  language_consistency: (s: SampleScore) => s.language_consistent,
  correct_and_consistent: (s: SampleScore) => s.correct && s.language_consistent,
} as const;
export type ComparedMetric = keyof typeof COMPARED_METRICS;

export interface RegressionPolicy {
  /** Absolute drop in a metric that matters (EvalSchedule `regression.threshold`, default 0.02). */
  threshold: number;
  /**
   * Family-wise significance level (EvalSchedule `regression.alpha`, default 0.05): a comparison is
   * significant when its Holm-adjusted p, within the family of comparisons made together, is below it.
   */
  alpha: number;
  mode?: ScoringMode;
  metrics?: readonly ComparedMetric[];
}

export interface Comparison {
  language: string;
  metric: ComparedMetric;
  comparedWith: 'previous' | 'baseline';
  previous: number;
  current: number;
  /** current − previous, over the items both evaluations share. */
  delta: number;
  /** The paired test's one-sided p-value, alone. */
  pValue: number;
  /**
   * Holm–Bonferroni-adjusted p within the family of comparisons judged together (one night of one
   * model on one suite: languages × metrics × {previous, baseline}); what `alpha` is held against.
   */
  adjustedPValue: number;
  test: PairedTestResult['test'];
  /** Items both evaluations answered. */
  items: number;
  /** A drop beyond the threshold that is also significant after the multiple-testing correction. */
  regression: boolean;
}

function perItemShares(
  samples: readonly SampleRecord[],
  language: string,
  mode: ScoringMode,
  keep: (s: SampleScore) => boolean,
): Map<string, { share: number; n: number }> {
  const counts = new Map<string, { hits: number; n: number }>();
  for (const sample of samples) {
    if (sample.language !== language) continue;
    const score = sample.scores[mode];
    if (!score)
      throw new RangeError(`sample ${sample.item_id}#${sample.sample_index} (${language}) has no ${mode} score`);
    const entry = counts.get(sample.item_id) ?? { hits: 0, n: 0 };
    entry.n += 1;
    if (keep(score)) entry.hits += 1;
    counts.set(sample.item_id, entry);
  }
  return new Map([...counts].map(([id, c]) => [id, { share: c.hits / c.n, n: c.n }]));
}

/**
 * Compares one evaluation with an earlier one (the previous night or the pinned baseline), per
 * language and metric, over the items both answered. With one sample per item the outcomes are
 * binary and the exact McNemar test applies; with more, the paired sign-flip test on per-item
 * rates. A regression needs both a drop beyond the threshold and an adjusted p < alpha: a small but
 * certain drop is not worth waking anyone, a large but noisy one is not evidence. The returned
 * comparisons form one family for the correction; to judge several calls' comparisons together (the
 * previous night and the baseline), pass their union through `flagRegressions`.
 */
export function compareEvaluations(
  current: readonly SampleRecord[],
  reference: readonly SampleRecord[],
  comparedWith: 'previous' | 'baseline',
  policy: RegressionPolicy,
): Comparison[] {
  const mode = policy.mode ?? 'robust';
  const metrics = policy.metrics ?? (Object.keys(COMPARED_METRICS) as ComparedMetric[]);
  const languages = [...new Set(current.map((s) => s.language))].filter((l) => reference.some((s) => s.language === l));
  const out: Comparison[] = [];
  for (const language of languages) {
    for (const metric of metrics) {
      const now = perItemShares(current, language, mode, COMPARED_METRICS[metric]);
      const before = perItemShares(reference, language, mode, COMPARED_METRICS[metric]);
      const shared = [...now.keys()].filter((id) => before.has(id)).sort();
      if (shared.length === 0) continue;
      const a = shared.map((id) => now.get(id)!.share);
      const b = shared.map((id) => before.get(id)!.share);
      const binary = shared.every((id) => now.get(id)!.n === 1 && before.get(id)!.n === 1);
      let result: PairedTestResult;
      if (binary) {
        const worse = shared.filter((_, i) => b[i] === 1 && a[i] === 0).length;
        const better = shared.filter((_, i) => b[i] === 0 && a[i] === 1).length;
        result = { pValue: exactMcNemar(worse, better), test: 'exact-mcnemar' };
      } else {
        result = pairedSignFlipTest(a, b);
      }
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const previous = mean(b);
      const value = mean(a);
      out.push({
        language,
        metric,
        comparedWith,
        previous,
        current: value,
        delta: value - previous,
        pValue: result.pValue,
        adjustedPValue: result.pValue,
        test: result.test,
        items: shared.length,
        regression: false,
      });
    }
  }
  return flagRegressions(out, policy);
}

/**
 * Holm's step-down adjustment: with the m p-values sorted ascending, p(i) becomes
 * max over j ≤ i of min(1, (m − j + 1)·p(j)). Rejecting where the adjusted p < alpha keeps the chance
 * of even one false alarm among the m tests ≤ alpha, whatever the dependence between them.
 * Returned in the input's order.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/**
 * Judges comparisons as one family: every comparison's adjusted p comes from Holm over all of them
 * (those whose drop is below the threshold too — the family is every test made, not the ones that
 * looked bad), and a regression is a drop beyond the threshold with adjusted p < alpha.
 */
export function flagRegressions(comparisons: readonly Comparison[], policy: RegressionPolicy): Comparison[] {
  const adjusted = holmAdjust(comparisons.map((c) => c.pValue));
  return comparisons.map((c, i) => ({
    ...c,
    adjustedPValue: adjusted[i]!,
    regression: c.previous - c.current > policy.threshold && adjusted[i]! < policy.alpha,
  }));
}
