import { describe, expect, it } from 'vitest';
import { streamFor } from '../tensor/seeded-random.js';
import { exactSvd, truncatedSvd, type TruncatedSvd } from './svd.js';

function reconstruct({ u, s, vt, rank }: TruncatedSvd, m: number, n: number): Float64Array {
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < rank; k++) sum += (u[i * rank + k] as number) * (s[k] as number) * (vt[k * n + j] as number);
      a[i * n + j] = sum;
    }
  }
  return a;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

/** A random m × n matrix of exact rank r with singular values 2^−k (k = 0…r−1). */
function lowRank(m: number, n: number, r: number, seed: number): Float64Array {
  const random = streamFor(seed, 'low-rank', 0);
  const a = new Float64Array(m * n);
  for (let k = 0; k < r; k++) {
    const left = Array.from({ length: m }, () => random() - 0.5);
    const right = Array.from({ length: n }, () => random() - 0.5);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++)
        a[i * n + j] = (a[i * n + j] as number) + 2 ** -k * (left[i] as number) * (right[j] as number);
  }
  return a;
}

describe('exactSvd', () => {
  it('finds the hand-known singular values of a 3 × 2 matrix, sorted descending', () => {
    // [[3, 0], [0, 4], [0, 0]]: singular values 4 and 3.
    const svd = exactSvd(Float64Array.from([3, 0, 0, 4, 0, 0]), 3, 2);
    expect([...svd.s]).toEqual([4, 3]);
    expect(maxAbsDifference(reconstruct(svd, 3, 2), [3, 0, 0, 4, 0, 0])).toBeLessThan(1e-12);
  });

  it.each([
    [5, 3],
    [3, 5],
    [6, 6],
  ])('reconstructs a random %i × %i matrix with orthonormal factors', (m, n) => {
    const random = streamFor(3, 'svd', m * 10 + n);
    const a = Float64Array.from({ length: m * n }, () => random() * 2 - 1);
    const svd = exactSvd(a, m, n);
    expect(maxAbsDifference(reconstruct(svd, m, n), a)).toBeLessThan(1e-10);
    // Uᵀ·U = I.
    for (let p = 0; p < svd.rank; p++) {
      for (let q = 0; q < svd.rank; q++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += (svd.u[i * svd.rank + p] as number) * (svd.u[i * svd.rank + q] as number);
        expect(dot).toBeCloseTo(p === q ? 1 : 0, 10);
      }
    }
  });
});

describe('truncatedSvd', () => {
  it('the randomized range finder recovers an exactly rank-4 matrix from a rank-4 request', () => {
    const [m, n] = [120, 90];
    const a = lowRank(m, n, 4, 11);
    const svd = truncatedSvd(a, m, n, 4, { random: streamFor(1, 'omega', 0) });
    expect(svd.rank).toBe(4);
    expect(maxAbsDifference(reconstruct(svd, m, n), a)).toBeLessThan(1e-9);
  });

  it('truncation keeps the leading singular values of a full-rank matrix', () => {
    const [m, n] = [60, 50];
    const a = lowRank(m, n, 12, 5);
    const exact = exactSvd(Float64Array.from(a), m, n);
    const svd = truncatedSvd(a, m, n, 3, { random: streamFor(2, 'omega', 0), powerIterations: 3 });
    for (let k = 0; k < 3; k++) expect(svd.s[k]).toBeCloseTo(exact.s[k] as number, 8);
  });

  it('refuses a rank below 1', () => {
    expect(() => truncatedSvd([1, 2, 3, 4], 2, 2, 0)).toThrow(/rank must be a positive integer/);
  });
});
