import { afterAll, describe, expect, it } from 'vitest';
import { native } from './binding.js';

/**
 * Every op of the CPU backend against the double-precision reference: the reference backward
 * agrees with central differences of Σ out·w (in double), and the float fast path agrees with the
 * reference forward and backward. Run once per GEMM kernel, since every op's backward and the
 * Linear formulas go through GEMM.
 */
const kernels = native.backendInfo().blasAvailable ? (['blas', 'blocked'] as const) : (['blocked'] as const);

describe.each(kernels)('CPU ops with the %s GEMM kernel', (kernel) => {
  afterAll(() => native.setGemmKernel(native.backendInfo().blasAvailable ? 'blas' : 'blocked'));

  it.each(native.opCheckNames())(
    '%s: analytic gradient matches finite differences; float path matches reference',
    (op) => {
      native.setGemmKernel(kernel);
      for (const seed of [1, 2]) {
        const r = native.checkOp(op, seed);
        expect(r.checked).toBeGreaterThan(0);
        expect(r.gradError).toBeLessThan(1e-6);
        expect(r.forwardError).toBeLessThan(2e-5);
        expect(r.backwardError).toBeLessThan(2e-5);
      }
    },
  );
});

describe('op check harness', () => {
  it('names every op the issue lists', () => {
    const names = native.opCheckNames();
    for (const op of [
      'gemm_nn',
      'rmsnorm',
      'rope',
      'attention_gqa',
      'swiglu',
      'embedding',
      'cross_entropy',
      'logprobs',
    ]) {
      expect(names).toContain(op);
    }
  });

  it('rejects an unknown op with an error naming it, not a crash', () => {
    expect(() => native.checkOp('conv2d', 1)).toThrow(/unknown op check 'conv2d'/);
  });

  it('reports which GEMM kernel runs', () => {
    const info = native.backendInfo();
    expect(info.backend).toBe('cpu');
    expect(info.gemmKernel).toBe(info.blasAvailable ? 'openblas' : 'blocked');
    native.setGemmKernel('blocked');
    expect(native.backendInfo().gemmKernel).toBe('blocked');
    native.setGemmKernel('blas');
    expect(native.backendInfo().gemmKernel).toBe(info.blasAvailable ? 'openblas' : 'blocked');
  });
});
