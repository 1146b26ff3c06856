import { describe, it } from 'vitest';
import { expectClose, runMethod } from './method.test-helpers.js';
import { taskArithmetic } from './task-arithmetic.js';

// δ0 = [1, −1, 0, 2], δ1 = [−1, 2, 0, 0]; weights 1 and 0.5 → Σ w δ = [0.5, 0, 0, 2].
const base = [1, 1, 1, 1];
const models = [
  { values: [2, 0, 1, 3], parameters: { weight: 1 } },
  { values: [0, 3, 1, 1], parameters: { weight: 0.5 } },
];

describe('task_arithmetic', () => {
  it.each([
    { parameters: {}, expected: [1.5, 1, 1, 3] },
    { parameters: { lambda: 2 }, expected: [2, 1, 1, 5] },
    { parameters: { normalize: true }, expected: [1 + 0.5 / 1.5, 1, 1, 1 + 2 / 1.5] },
    { parameters: { normalize: true, lambda: 3 }, expected: [2, 1, 1, 5] },
  ])('adds the weighted task vectors to the base ($parameters)', ({ parameters, expected }) => {
    expectClose(runMethod(taskArithmetic, { base, models, parameters }), expected);
  });
});
