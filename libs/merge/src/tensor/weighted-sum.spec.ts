import { describe, expect, it } from 'vitest';
import { weightedSum } from './weighted-sum.js';

describe('weightedSum', () => {
  it.each([1, 2, 3, 4, 5])('the %i-model path gives Σ w_k x_k', (count) => {
    const xs = Array.from({ length: count }, (_, k) => Float32Array.from([1, -2, 0.5].map((v) => v * (k + 1))));
    const ws = Array.from({ length: count }, (_, k) => 0.5 + k);
    const out = new Float32Array(3);
    weightedSum(out, xs, ws);
    const expected = [1, -2, 0.5].map((v) => ws.reduce((sum, w, k) => sum + w * v * (k + 1), 0));
    expect([...out]).toEqual([...Float32Array.from(expected)]);
  });
});
