/**
 * out = Σ_k w_k · x_k in one pass over memory. The common model counts get straight-line loops: a
 * generic inner loop over models costs more than the arithmetic on tensors of millions of entries.
 */
export function weightedSum(out: Float32Array, xs: readonly Float32Array[], ws: readonly number[]): void {
  const n = out.length;
  const [x0, x1, x2, x3] = xs;
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0] = ws;
  if (xs.length === 1 && x0) for (let i = 0; i < n; i++) out[i] = w0 * (x0[i] as number);
  else if (xs.length === 2 && x0 && x1)
    for (let i = 0; i < n; i++) out[i] = w0 * (x0[i] as number) + w1 * (x1[i] as number);
  else if (xs.length === 3 && x0 && x1 && x2) {
    for (let i = 0; i < n; i++) out[i] = w0 * (x0[i] as number) + w1 * (x1[i] as number) + w2 * (x2[i] as number);
  } else if (xs.length === 4 && x0 && x1 && x2 && x3) {
    for (let i = 0; i < n; i++) {
      out[i] = w0 * (x0[i] as number) + w1 * (x1[i] as number) + w2 * (x2[i] as number) + w3 * (x3[i] as number);
    }
  } else {
    out.fill(0);
    for (const [k, x] of xs.entries()) {
      const w = ws[k] as number;
      for (let i = 0; i < n; i++) out[i] = (out[i] as number) + w * (x[i] as number);
    }
  }
}
