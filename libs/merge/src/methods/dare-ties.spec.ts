import { describe, expect, it } from 'vitest';
import { dareTies } from './dare-ties.js';
import { expectClose, runMethod } from './method.test-helpers.js';
import { ties } from './ties.js';

describe('dare_ties', () => {
  it('at density 1 it is TIES without trimming: hand-computed sign election over two models', () => {
    // δ0 = [2, −1, 1], δ1 = [−1, −1, 3]; votes [1, −2, 4] elect [+, −, +]; normalize off by default.
    const out = runMethod(dareTies, {
      base: [1, 1, 1],
      models: [
        { values: [3, 0, 2], parameters: { weight: 1 } },
        { values: [0, 0, 4], parameters: { weight: 1 } },
      ],
    });
    expectClose(out, [3, -1, 5]);
    const asTies = runMethod(ties, {
      base: [1, 1, 1],
      models: [
        { values: [3, 0, 2], parameters: { weight: 1 } },
        { values: [0, 0, 4], parameters: { weight: 1 } },
      ],
      parameters: { normalize: false },
    });
    expect(out).toEqual(asTies);
  });

  it('drops entries at random before the election, reproducibly per seed', () => {
    const base = Array.from({ length: 500 }, () => 0);
    const models = [0, 1].map((k) => ({
      values: base.map((_, i) => Math.cos(i + k)),
      parameters: { weight: 1, density: 0.5 },
    }));
    const a = runMethod(dareTies, { base, models, seed: 9 });
    expect(runMethod(dareTies, { base, models, seed: 9 })).toEqual(a);
    const zeros = a.filter((x) => x === 0).length;
    // An entry is 0 when both models dropped it (p = 1/4), or when only disagreeing survivors... never more than that plus sign ties.
    expect(zeros).toBeGreaterThan(80);
    expect(zeros).toBeLessThan(170);
  });
});
