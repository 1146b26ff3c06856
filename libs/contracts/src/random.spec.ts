import { describe, expect, it } from 'vitest';
import { seededRandom } from './random.js';

describe('seededRandom', () => {
  it('replays the same sequence for the same seed, a different one for another seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
  });

  it('is mulberry32: pinned first outputs for seed 1', () => {
    const next = seededRandom(1);
    expect([next(), next(), next()].map((x) => Math.round(x * 1e9))).toEqual(
      [2693262067, 11749833, 2265367787].map((n) => Math.round((n / 4294967296) * 1e9)),
    );
  });

  it('stays in [0, 1) with a mean near one half', () => {
    const next = seededRandom(7);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });
});
