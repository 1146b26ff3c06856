import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../scoring/sample-record.js';
import { compareEvaluations, flagRegressions, holmAdjust, type Comparison } from './compare.js';

describe('Holm–Bonferroni adjustment', () => {
  it('matches adjusted p-values computed by hand', () => {
    // m = 4, sorted 0.01, 0.02, 0.03, 0.04:
    //   4·0.01 = 0.04; max(0.04, 3·0.02 = 0.06) = 0.06; max(0.06, 2·0.03 = 0.06) = 0.06; max(0.06, 1·0.04) = 0.06.
    const adjusted = holmAdjust([0.03, 0.01, 0.04, 0.02]);
    [0.06, 0.04, 0.06, 0.06].forEach((p, i) => expect(adjusted[i]).toBeCloseTo(p, 12));
    // m = 5, sorted 0.001, 0.008, 0.039, 0.041, 0.6:
    //   0.005; 4·0.008 = 0.032; 3·0.039 = 0.117; max(0.117, 2·0.041 = 0.082) = 0.117; max(0.117, 0.6) = 0.6.
    const second = holmAdjust([0.6, 0.039, 0.001, 0.041, 0.008]);
    [0.6, 0.117, 0.005, 0.117, 0.032].forEach((p, i) => expect(second[i]).toBeCloseTo(p, 12));
  });

  it('caps at 1, keeps ties in step, and leaves a single test alone', () => {
    expect(holmAdjust([0.5, 0.5, 0.5])).toEqual([1, 1, 1]);
    expect(holmAdjust([0.02, 0.02])).toEqual([0.04, 0.04]);
    expect(holmAdjust([0.03])).toEqual([0.03]);
    expect(holmAdjust([])).toEqual([]);
  });
});

const comparison = (language: string, pValue: number, drop: number): Comparison => ({
  language,
  metric: 'pass@1',
  comparedWith: 'previous',
  previous: 0.7,
  current: 0.7 - drop,
  delta: -drop,
  pValue,
  adjustedPValue: pValue,
  test: 'exact-sign-flip',
  items: 30,
  regression: false,
});

describe('regressions after the multiple-testing correction', () => {
  const policy = { threshold: 0.02, alpha: 0.05 };

  it('a raw p below alpha is no longer flagged once the family of tests is taken into account', () => {
    // Six tests (e.g. 2 languages × 3 metrics); sorted p: 0.004, 0.02, 0.3, 0.5, 0.6, 0.9.
    // Holm: 6·0.004 = 0.024 (< 0.05: flagged); 5·0.02 = 0.1 (raw 0.02 < 0.05, but adjusted 0.1: not flagged).
    const family = [
      comparison('ja', 0.004, 0.2),
      comparison('fr', 0.02, 0.1),
      comparison('es', 0.3, 0.05),
      comparison('de', 0.5, 0.03),
      comparison('zh', 0.6, 0.01),
      comparison('en', 0.9, 0.0),
    ];
    const judged = flagRegressions(family, policy);
    expect(judged.map((c) => [c.language, c.pValue, Number(c.adjustedPValue.toFixed(12)), c.regression])).toEqual([
      ['ja', 0.004, 0.024, true],
      ['fr', 0.02, 0.1, false],
      ['es', 0.3, 1, false],
      ['de', 0.5, 1, false],
      ['zh', 0.6, 1, false],
      ['en', 0.9, 1, false],
    ]);
    // Judged alone, the French drop would have been a regression.
    expect(flagRegressions([family[1]!], policy)[0]!.regression).toBe(true);
  });

  it('a drop within the threshold is not a regression however small its adjusted p', () => {
    const [judged] = flagRegressions([comparison('ja', 1e-6, 0.01)], policy);
    expect(judged!.adjustedPValue).toBe(1e-6);
    expect(judged!.regression).toBe(false);
  });

  it('compareEvaluations reports raw and adjusted p for every language × metric', () => {
    const samples = (language: string, correct: (item: number) => boolean): SampleRecord[] =>
      Array.from({ length: 8 }, (_, item) => ({
        item_id: `q${item}`,
        sample_index: 0,
        language,
        scores: { robust: { correct: correct(item), language_consistent: true } },
      })) as unknown as SampleRecord[];
    // ja: 6 of 8 items right → wrong (McNemar p = 1/64); fr: unchanged.
    const before = [...samples('ja', () => true), ...samples('fr', () => true)];
    const after = [...samples('ja', (i) => i >= 6), ...samples('fr', () => true)];
    const out = compareEvaluations(after, before, 'previous', policy);
    expect(out).toHaveLength(6);
    const jaPass = out.find((c) => c.language === 'ja' && c.metric === 'pass@1')!;
    expect(jaPass.pValue).toBeCloseTo(1 / 64, 12);
    // Sorted: ja pass@1 and ja correct_and_consistent both 1/64, four tests at p = 1 → 6/64 and max(6/64, 5/64).
    expect(jaPass.adjustedPValue).toBeCloseTo(6 / 64, 12);
    expect(jaPass.regression).toBe(false);
    expect(out.filter((c) => c.pValue === 1).every((c) => c.adjustedPValue === 1)).toBe(true);
  });
});
