import { describe, expect, it } from 'vitest';
import { streamFor } from './seeded-random.js';
import { applyRankWindow, select } from './sparsify.js';

describe('select', () => {
  it.each([
    { name: 'random values', make: (r: () => number) => r() },
    { name: 'many ties', make: (r: () => number) => Math.floor(r() * 4) },
    { name: 'all equal', make: () => 1 },
  ])('returns the k-th smallest of $name, as a full sort does', ({ make }) => {
    const random = streamFor(5, 'select', 0);
    const values = Float32Array.from({ length: 1001 }, () => make(random));
    const sorted = Float32Array.from(values).sort();
    for (const k of [0, 1, 500, 999, 1000])
      expect(select(Float32Array.from(values), k, 0, values.length - 1)).toBe(sorted[k]);
  });
});

describe('applyRankWindow', () => {
  it('keeps exactly to − from entries when magnitudes tie, earlier positions ranking lower', () => {
    // Magnitudes [1, 1, 1, 1, 2, 2]: ranks 0–3 are the 1s by position, 4–5 the 2s. Window [2, 5).
    const delta = Float32Array.from([1, -1, 1, -1, 2, -2]);
    applyRankWindow(delta, 2, 5, false);
    expect([...delta]).toEqual([0, 0, 1, -1, 2, 0]);
  });

  it('rescaling restores the L1 norm of what was kept', () => {
    const delta = Float32Array.from([4, -3, 2, -1]);
    applyRankWindow(delta, 2, 4, true); // keeps 4 and −3, scaled by 10 / 7
    expect([...delta].map((x) => Number(x.toFixed(5)))).toEqual([
      Number((40 / 7).toFixed(5)),
      Number((-30 / 7).toFixed(5)),
      0,
      0,
    ]);
  });
});
