import { describe, expect, it } from 'vitest';
import { expectClose, runMethod } from './method.test-helpers.js';
import { taskArithmetic } from './task-arithmetic.js';
import { ties } from './ties.js';

const base = [0, 0, 0, 0, 0];
// Trimmed to density 0.6 (3 of 5 largest magnitudes): δ0 → [3, 0, 2, −4, 0], δ1 → [−2, −2.5, 0, 1.5, 0].
const delta0 = [3, -1, 2, -4, 0.5];
const delta1 = [-2, -2.5, 1, 1.5, 0.1];

describe('ties', () => {
  it('TIES keeps only entries whose sign agrees with the elected sign', () => {
    // Votes Σ w δ = [1, −2.5, 2, −2.5, 0] elect [+, −, +, −, +]; the divisor counts agreeing weights only.
    const out = runMethod(ties, {
      base,
      models: [
        { values: delta0, parameters: { weight: 1, density: 0.6 } },
        { values: delta1, parameters: { weight: 1, density: 0.6 } },
      ],
    });
    expectClose(out, [3, -2.5, 2, -4, 0]);
  });

  it.each([
    { normalize: true, expected: [3, -2.5, 2, -4, 0] }, // [6, −2.5, 4, −8, 0] / [2, 1, 2, 2, 1]
    { normalize: false, expected: [6, -2.5, 4, -8, 0] },
  ])('weights 2 and 1 with normalize $normalize: elected-sign sum over agreeing weights', ({ normalize, expected }) => {
    const out = runMethod(ties, {
      base,
      models: [
        { values: delta0, parameters: { weight: 2, density: 0.6 } },
        { values: delta1, parameters: { weight: 1, density: 0.6 } },
      ],
      parameters: { normalize },
    });
    expectClose(out, expected);
  });

  it.each([
    { weight: 1, parameters: {} },
    { weight: 0.7, parameters: { normalize: false } },
    { weight: -0.3, parameters: { normalize: false, lambda: 1.5 } },
  ])('TIES with density 1 and one model (weight $weight) equals task arithmetic', ({ weight, parameters }) => {
    const input = {
      base: [0.5, -1, 2, 0, 3],
      models: [{ values: [1.5, -1, -2, 0.25, 2], parameters: { weight, density: 1 } }],
      parameters,
    };
    expectClose(runMethod(ties, input), runMethod(taskArithmetic, input));
  });

  it('a density that keeps no entry is refused', () => {
    expect(() =>
      runMethod(ties, { base: [0, 0], models: [{ values: [1, 2], parameters: { weight: 1, density: 0.1 } }] }),
    ).toThrow(/keeps no entry/);
  });
});
