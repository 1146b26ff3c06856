import { describe, it } from 'vitest';
import { expectClose, runMethod } from './method.test-helpers.js';
import { passthrough } from './passthrough.js';

describe('passthrough', () => {
  it.each([
    { parameters: {}, expected: [1, -2, 3.5] },
    { parameters: { scale: 0.5 }, expected: [0.5, -1, 1.75] },
  ])('copies the one model, scaled by $parameters', ({ parameters, expected }) => {
    expectClose(runMethod(passthrough, { models: [{ values: [1, -2, 3.5], parameters }] }), expected);
  });
});
