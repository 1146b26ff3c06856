import { describe, it } from 'vitest';
import { expectClose, f32, runMethod } from './method.test-helpers.js';
import { slerp } from './slerp.js';

const h = Math.SQRT1_2;

describe('slerp', () => {
  it.each([
    { base: [1, 0], other: [0, 1], t: 0.5, expected: [h, h] },
    { base: [2, 0], other: [0, 3], t: 0.5, expected: [2 * h, 3 * h] }, // unnormalised vectors keep their scale
    { base: [1, 0], other: [0, 1], t: 1 / 3, expected: [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)] },
    { base: [1, 2], other: [2, 4], t: 0.5, expected: [1.5, 3] }, // parallel: linear fallback
    { base: [1, 0], other: [1, 0.01], t: 0.5, expected: [1, 0.005] }, // cos θ > 0.9995: linear fallback
  ])('interpolates $base → $other at t = $t', ({ base, other, t, expected }) => {
    expectClose(runMethod(slerp, { base, models: [{ values: other }], parameters: { t } }), expected, 1e-6);
  });

  it.each([0, 1])('SLERP at t = %d returns the endpoint', (t) => {
    const base = [0.3, -1.2, 2.5, 0.01, -0.7];
    const other = [-0.4, 0.9, 1.1, 0.5, 0.2];
    const out = runMethod(slerp, { base, models: [{ values: other }], parameters: { t } });
    expectClose(out, f32(t === 0 ? base : other), 1e-6);
  });
});
