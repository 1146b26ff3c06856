import { seededRandom } from '@xreason/contracts';

/**
 * One-sided paired tests of "current is worse than reference" over items. Items are the unit: the
 * same item answered by both models pairs their results, which removes the between-item variance
 * (some items are hard for everyone) that an unpaired test would have to overcome.
 */

export interface PairedTestResult {
  /** P(a drop at least this large | no true difference). */
  pValue: number;
  test: 'exact-mcnemar' | 'exact-sign-flip' | 'monte-carlo-sign-flip';
}

/**
 * Exact one-sided McNemar test for binary per-item outcomes (n = 1): among discordant items,
 * `worse` went right → wrong and `better` wrong → right; under no difference each discordant item
 * goes either way with probability ½, so p = P(Binomial(worse + better, ½) ≥ worse).
 */
export function exactMcNemar(worse: number, better: number): number {
  const total = worse + better;
  if (total === 0) return 1;
  // Sum in log space: C(total, i) / 2^total overflows doubles past ~1000 discordant items.
  let logC = 0; // log C(total, 0)
  const terms: number[] = [];
  for (let i = 0; i <= total; i++) {
    if (i > 0) logC += Math.log(total - i + 1) - Math.log(i);
    if (i >= worse) terms.push(logC - total * Math.LN2);
  }
  const max = Math.max(...terms);
  return Math.min(1, Math.exp(max) * terms.reduce((s, t) => s + Math.exp(t - max), 0));
}

/** Seeded, so Monte Carlo draws reproduce. */
const uniform = seededRandom;

/** Above this many non-zero differences the 2^m sign assignments are sampled rather than enumerated. */
const EXACT_LIMIT = 16;

/**
 * Paired sign-flip permutation test on per-item differences d_i = current_i − reference_i (e.g.
 * per-item pass rates over n samples). Under no difference each d_i is as likely to have either
 * sign; p is the share of sign assignments whose sum is at most the observed sum. Exact up to 16
 * non-zero differences, Monte Carlo (seeded, with the +1 correction that keeps p valid) beyond.
 */
export function pairedSignFlipTest(
  current: readonly number[],
  reference: readonly number[],
  options: { resamples?: number; seed?: number } = {},
): PairedTestResult {
  if (current.length !== reference.length)
    throw new RangeError(`paired test: ${current.length} current values, ${reference.length} reference values`);
  const diffs = current.map((c, i) => c - reference[i]!).filter((d) => Math.abs(d) > 1e-12);
  if (diffs.length === 0) return { pValue: 1, test: 'exact-sign-flip' };
  const observed = diffs.reduce((s, d) => s + d, 0);
  const tolerance = 1e-9 * diffs.reduce((s, d) => s + Math.abs(d), 0);
  if (diffs.length <= EXACT_LIMIT) {
    let atMost = 0;
    const total = 1 << diffs.length;
    for (let mask = 0; mask < total; mask++) {
      let sum = 0;
      for (let i = 0; i < diffs.length; i++) sum += mask & (1 << i) ? -diffs[i]! : diffs[i]!;
      if (sum <= observed + tolerance) atMost++;
    }
    return { pValue: atMost / total, test: 'exact-sign-flip' };
  }
  const { resamples = 20_000, seed = 0x5eed } = options;
  const next = uniform(seed);
  let atMost = 0;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (const d of diffs) sum += next() < 0.5 ? -d : d;
    if (sum <= observed + tolerance) atMost++;
  }
  return { pValue: (atMost + 1) / (resamples + 1), test: 'monte-carlo-sign-flip' };
}
