import { describe, expect, it } from 'vitest';
import { dareLinear } from './dare-linear.js';
import { expectClose, runMethod } from './method.test-helpers.js';
import { taskArithmetic } from './task-arithmetic.js';

const n = 2000;
const base = Array.from({ length: n }, (_, i) => Math.sin(i));
const tuned = base.map((b, i) => b + ((i % 7) - 3) * 0.01 + 0.001);

function dare(seed: number, parameters: Record<string, boolean> = {}, density = 0.3): number[] {
  return runMethod(dareLinear, {
    base,
    models: [{ values: tuned, parameters: { weight: 1, density } }],
    parameters,
    seed,
  });
}

describe('dare_linear', () => {
  it('without rescale, every entry is either the base or the fine-tuned value, about density of them tuned', () => {
    const out = dare(7, { rescale: false });
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const isBase = out[i] === Math.fround(base[i] as number);
      const isTuned = Math.abs((out[i] as number) - (tuned[i] as number)) < 1e-6;
      expect(isBase || isTuned, `entry ${i}`).toBe(true);
      if (!isBase) kept++;
    }
    // Binomial(2000, 0.3): mean 600, sd ≈ 20.5.
    expect(kept).toBeGreaterThan(520);
    expect(kept).toBeLessThan(680);
  });

  it('with rescale, the kept task-vector entries are scaled so its L1 norm is unchanged', () => {
    const out = dare(7);
    const delta = tuned.map((t, i) => Math.fround(t) - Math.fround(base[i] as number));
    const merged = out.map((o, i) => o - Math.fround(base[i] as number));
    const l1 = (v: number[]) => v.reduce((s, x) => s + Math.abs(x), 0);
    expect(l1(merged) / l1(delta)).toBeCloseTo(1, 4);
    // The same entries survive as without rescale, each by the same factor.
    const unscaled = dare(7, { rescale: false }).map((o, i) => o - Math.fround(base[i] as number));
    const factor = l1(delta) / l1(unscaled);
    expectClose(
      merged,
      unscaled.map((u) => u * factor),
      1e-5,
    );
  });

  it('--random-seed makes the drop mask reproducible, and another seed changes it', () => {
    expect(dare(42)).toEqual(dare(42));
    expect(dare(43)).not.toEqual(dare(42));
  });

  it('density 1 drops nothing: DARE linear equals task arithmetic', () => {
    const input = { base, models: [{ values: tuned, parameters: { weight: 0.8, density: 1 } }] };
    expectClose(runMethod(dareLinear, input), runMethod(taskArithmetic, input), 1e-6);
  });
});
