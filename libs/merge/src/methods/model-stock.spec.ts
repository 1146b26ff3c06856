import { describe, it } from 'vitest';
import { expectClose, runMethod } from './method.test-helpers.js';
import { modelStock } from './model-stock.js';

describe('model_stock', () => {
  it.each([
    // Orthogonal offsets: cos 0 → t 0 → the base.
    {
      base: [1, 1],
      models: [
        [2, 1],
        [1, 2],
      ],
      expected: [1, 1],
    },
    // Identical offsets: cos 1 → t = 2 / 2 = 1 → the average.
    {
      base: [1, 1],
      models: [
        [2, 1],
        [2, 1],
      ],
      expected: [2, 1],
    },
    // 60°: cos ½ → t = 1 / 1.5 = ⅔; average offset (0.75, √3/4).
    {
      base: [0, 0],
      models: [
        [1, 0],
        [0.5, Math.sqrt(3) / 2],
      ],
      expected: [0.5, Math.sqrt(3) / 6],
    },
  ])('interpolates between base and average by the mean angle: $models', ({ base, models, expected }) => {
    const out = runMethod(modelStock, { base, models: models.map((values) => ({ values })) });
    expectClose(out, expected);
  });

  it('filter_wise takes one angle per row', () => {
    // Row 0 orthogonal (t 0 → base row), row 1 identical (t 1 → average row).
    const out = runMethod(modelStock, {
      base: [0, 0, 0, 0],
      models: [{ values: [1, 0, 3, 4] }, { values: [0, 1, 3, 4] }],
      parameters: { filter_wise: true },
      shape: [2, 2],
    });
    expectClose(out, [0, 0, 3, 4]);
  });
});
