import { describe, it } from 'vitest';
import { breadcrumbs } from './breadcrumbs.js';
import { breadcrumbsTies } from './breadcrumbs-ties.js';
import { expectClose, runMethod } from './method.test-helpers.js';

// Magnitudes 1…10 with mixed signs, base 0: ranks by magnitude are easy to read off.
const delta = [3, -10, 1, 7, -5, 9, -2, 6, 8, -4];

describe('breadcrumbs', () => {
  it.each([
    // density 0.5, gamma 0.1: drop the largest (10) and the 4 smallest (1–4); keep 5…9.
    { density: 0.5, gamma: 0.1, expected: [0, 0, 0, 7, -5, 9, 0, 6, 8, 0] },
    // density 0.9, gamma 0.2: the cuts overlap, so only one outlier goes to keep 9 entries.
    { density: 0.9, gamma: 0.2, expected: [3, 0, 1, 7, -5, 9, -2, 6, 8, -4] },
    // gamma 0: the smallest 70% go, as with TIES trimming.
    { density: 0.3, gamma: 0, expected: [0, -10, 0, 0, 0, 9, 0, 0, 8, 0] },
  ])('drops outliers and small entries: density $density, gamma $gamma', ({ density, gamma, expected }) => {
    const out = runMethod(breadcrumbs, {
      base: delta.map(() => 0),
      models: [{ values: delta, parameters: { weight: 1, density, gamma } }],
    });
    expectClose(out, expected);
  });

  it('breadcrumbs_ties adds the sign election on top of the outlier mask', () => {
    // density 0.5, gamma 0.25 of 4 entries: one outlier and one small entry go from each.
    const out = runMethod(breadcrumbsTies, {
      base: [0, 0, 0, 0],
      models: [
        { values: [1, 3, -2, 4], parameters: { weight: 1, density: 0.5, gamma: 0.25 } }, // keeps 3, −2
        { values: [-4, -3, 1, 0.5], parameters: { weight: 1, density: 0.5, gamma: 0.25 } }, // keeps −3, 1
      ],
    });
    // Votes [0, 0, −1, 0] elect [+, +, −, +]: entry 1 keeps only 3, entry 2 keeps only −2.
    expectClose(out, [0, 3, -2, 0]);
  });
});
