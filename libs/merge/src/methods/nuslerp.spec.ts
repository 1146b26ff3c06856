import { describe, it } from 'vitest';
import { expectClose, runMethod } from './method.test-helpers.js';
import { nuslerp } from './nuslerp.js';

const h = Math.SQRT1_2;

describe('nuslerp', () => {
  it.each([
    { w: [1, 1], expected: [h, h] },
    { w: [1, 3], expected: [Math.sin(Math.PI / 8), Math.sin((3 * Math.PI) / 8)] }, // t = 3/4
    { w: [1, -1], expected: [h, h] }, // weights cancel: t = 0.5
  ])('t is w1 / (w0 + w1): weights $w', ({ w, expected }) => {
    const out = runMethod(nuslerp, {
      models: [
        { values: [1, 0], parameters: { weight: w[0] as number } },
        { values: [0, 1], parameters: { weight: w[1] as number } },
      ],
    });
    expectClose(out, expected);
  });

  it('without flattening interpolates each row (dim −1)', () => {
    // Row 0 is a right angle; row 1 is parallel, so the linear fallback applies.
    const out = runMethod(nuslerp, {
      models: [
        { values: [1, 0, 1, 0], parameters: { weight: 1 } },
        { values: [0, 1, 2, 0], parameters: { weight: 1 } },
      ],
      parameters: { nuslerp_flatten: false },
      shape: [2, 2],
    });
    expectClose(out, [h, h, 1.5, 0]);
  });

  it('row_wise interpolates each column (dim 0)', () => {
    // Column 0: (1, 1) → (0, 2) at 45°, both coefficients sin(22.5°) / sin(45°). Column 1: (0, 0) → (1, 0);
    // the zero vector's norm is clamped to 1e-7, so cos θ = 0 and the coefficients are sin(45°).
    const s = Math.sin(Math.PI / 8) / Math.sin(Math.PI / 4);
    const out = runMethod(nuslerp, {
      models: [
        { values: [1, 0, 1, 0], parameters: { weight: 1 } },
        { values: [0, 1, 2, 0], parameters: { weight: 1 } },
      ],
      parameters: { nuslerp_flatten: false, nuslerp_row_wise: true },
      shape: [2, 2],
    });
    expectClose(out, [s, h, 3 * s, 0]);
  });

  it('with a base model, interpolates the task vectors and adds them back', () => {
    const out = runMethod(nuslerp, {
      base: [1, 1],
      models: [
        { values: [2, 1], parameters: { weight: 1 } },
        { values: [1, 2], parameters: { weight: 1 } },
      ],
    });
    expectClose(out, [1 + h, 1 + h]);
  });
});
