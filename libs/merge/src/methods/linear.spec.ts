import { describe, expect, it } from 'vitest';
import { linear } from './linear.js';
import { expectClose, runMethod } from './method.test-helpers.js';

describe('linear', () => {
  it.each([
    { normalize: true, expected: [4, 5, -1] }, // (1·a + 3·b) / 4
    { normalize: false, expected: [16, 20, -4] }, // 1·a + 3·b
  ])('weights 1 and 3 with normalize $normalize give the hand-computed mix', ({ normalize, expected }) => {
    const out = runMethod(linear, {
      models: [
        { values: [1, 2, -4], parameters: { weight: 1 } },
        { values: [5, 6, 0], parameters: { weight: 3 } },
      ],
      parameters: { normalize },
    });
    expectClose(out, expected);
  });

  it('an equal four-way merge is the plain mean', () => {
    const models = [
      [0, 4],
      [1, 8],
      [2, -4],
      [5, 0],
    ].map((values) => ({ values, parameters: { weight: 1 } }));
    expectClose(runMethod(linear, { models }), [2, 2]);
  });

  it('weights that cancel under normalize are refused with the tensor named', () => {
    const models = [
      { values: [1], parameters: { weight: 1 } },
      { values: [2], parameters: { weight: -1 } },
    ];
    expect(() => runMethod(linear, { models })).toThrow(/model\.layers\.0\.mlp\.up_proj\.weight sum to 0/);
  });
});
