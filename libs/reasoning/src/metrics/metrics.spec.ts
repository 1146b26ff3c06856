import { describe, expect, it } from 'vitest';
import { bootstrapInterval } from './bootstrap.js';
import { passAtK } from './pass-at-k.js';
import { summariseSamples, type SampleOutcome } from './summary.js';

/** The binomial form, for checking the product form on small numbers. */
function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe('pass@k', () => {
  it.each([
    [10, 3, 1],
    [10, 3, 5],
    [20, 1, 10],
    [16, 0, 5],
  ])('n=%i c=%i k=%i equals 1 − C(n−c,k)/C(n,k)', (n, c, k) => {
    expect(passAtK(n, c, k)).toBeCloseTo(1 - binomial(n - c, k) / binomial(n, k), 12);
  });
  it('pass@1 is the share correct', () => expect(passAtK(24, 6, 1)).toBeCloseTo(0.25, 12));
  it('is 1 when fewer than k samples are wrong', () => expect(passAtK(10, 8, 5)).toBe(1));
  it('stays finite and exact where binomials overflow (n = 2000)', () => {
    const value = passAtK(2000, 1, 10);
    expect(value).toBeCloseTo(10 / 2000, 12);
  });
  it('k larger than n is an error, not a guess', () => expect(() => passAtK(4, 1, 5)).toThrow(/at least 5 samples/));
});

describe('evaluation summary', () => {
  const o = (correct: boolean, consistent: boolean): SampleOutcome => ({ correct, consistent });
  const problems = [
    [o(true, true), o(true, false), o(false, true), o(false, false)],
    [o(false, true), o(false, true), o(false, true), o(true, true)],
  ];
  it('reports pass@k, consistency and the joint metrics; k above n is left out', () => {
    const summary = summariseSamples(problems);
    expect(Object.keys(summary.passAtK)).toEqual(['1']);
    expect(summary.passAtK[1]).toBeCloseTo((0.5 + 0.25) / 2, 12);
    expect(summary.languageConsistency).toBeCloseTo(6 / 8, 12);
    expect(summary.correctAndConsistent).toBeCloseTo(2 / 8, 12);
    expect(summary.consistentPassAtK[1]).toBeCloseTo((0.25 + 0.25) / 2, 12);
  });
  it('problems with different sample counts are rejected', () => {
    expect(() => summariseSamples([[o(true, true)], [o(true, true), o(false, false)]])).toThrow(
      /problem 1 has 2 samples/,
    );
  });
});

describe('bootstrap intervals', () => {
  const units = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  it('brackets the estimate and is reproducible from its seed', () => {
    const a = bootstrapInterval(units, mean, { seed: 7 });
    const b = bootstrapInterval(units, mean, { seed: 7 });
    expect(a).toEqual(b);
    expect(a.estimate).toBe(0.25);
    expect(a.lower).toBeLessThan(0.25);
    expect(a.upper).toBeGreaterThan(0.25);
    // The normal approximation's half-width is 1.96·sqrt(p(1−p)/n) ≈ 0.06.
    expect(a.upper - a.lower).toBeGreaterThan(0.08);
    expect(a.upper - a.lower).toBeLessThan(0.16);
  });
  it('is a point when every unit is the same', () => {
    expect(bootstrapInterval([1, 1, 1], mean)).toEqual({ estimate: 1, lower: 1, upper: 1, confidence: 0.95 });
  });
});
