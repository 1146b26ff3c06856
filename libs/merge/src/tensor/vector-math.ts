/**
 * Spherical interpolation of strided vectors inside flat tensors. A tensor is viewed as `count`
 * vectors of `length` entries, vector j starting at `j · start` with entries `stride` apart; the
 * whole tensor is one vector with count 1, stride 1; rows are count = rows, start = length.
 */
export interface VectorLayout {
  count: number;
  length: number;
  /** Offset between the first entries of consecutive vectors. */
  start: number;
  /** Offset between consecutive entries of one vector. */
  stride: number;
}

export function wholeTensor(n: number): VectorLayout {
  return { count: 1, length: n, start: 0, stride: 1 };
}

/** Rows of the last dimension (PyTorch `dim=-1`). */
export function lastDimVectors(shape: readonly number[], n: number): VectorLayout {
  const length = shape.length === 0 ? 1 : (shape[shape.length - 1] as number);
  return { count: length === 0 ? 0 : n / length, length, start: length, stride: 1 };
}

/** Vectors along the first dimension, one per position of the others (PyTorch `dim=0`). */
export function firstDimVectors(shape: readonly number[], n: number): VectorLayout {
  const length = shape.length === 0 ? 1 : (shape[0] as number);
  const count = length === 0 ? 0 : n / length;
  return { count, length, start: 1, stride: count };
}

export function dotAt(a: Float32Array, b: Float32Array, offset: number, layout: VectorLayout): number {
  let sum = 0;
  for (let i = 0, p = offset; i < layout.length; i++, p += layout.stride) sum += (a[p] as number) * (b[p] as number);
  return sum;
}

/**
 * SLERP as mergekit's `slerp`: directions from the normalised vectors (left as they are when their
 * norm is ≤ 1e-8), plain LERP when |cos θ| > 0.9995 because sin θ is then too small to divide by,
 * otherwise sin((1−t)θ)/sin θ · v0 + sin(tθ)/sin θ · v1 on the original (unnormalised) vectors.
 */
export function slerpInto(
  out: Float32Array,
  t: number,
  v0: Float32Array,
  v1: Float32Array,
  layout: VectorLayout,
): void {
  for (let j = 0; j < layout.count; j++) {
    const offset = j * layout.start;
    const n0 = Math.sqrt(dotAt(v0, v0, offset, layout));
    const n1 = Math.sqrt(dotAt(v1, v1, offset, layout));
    const d0 = n0 > 1e-8 ? n0 : 1;
    const d1 = n1 > 1e-8 ? n1 : 1;
    const dot = dotAt(v0, v1, offset, layout) / (d0 * d1);
    let s0: number;
    let s1: number;
    if (Math.abs(dot) > 0.9995) {
      s0 = 1 - t;
      s1 = t;
    } else {
      const theta = Math.acos(dot);
      const sinTheta = Math.sin(theta);
      s0 = Math.sin(theta - theta * t) / sinTheta;
      s1 = Math.sin(theta * t) / sinTheta;
    }
    combineAt(out, s0, v0, s1, v1, offset, layout);
  }
}

/**
 * NuSLERP as mergekit's `nuslerp`: the angle from vectors normalised with their norm clamped to ≥ 1e-7
 * and cos θ clamped to [−1, 1]; LERP where |sin θ| < 1e-8 (parallel or opposite vectors).
 */
export function nuslerpInto(
  out: Float32Array,
  t: number,
  v0: Float32Array,
  v1: Float32Array,
  layout: VectorLayout,
): void {
  for (let j = 0; j < layout.count; j++) {
    const offset = j * layout.start;
    const n0 = Math.max(Math.sqrt(dotAt(v0, v0, offset, layout)), 1e-7);
    const n1 = Math.max(Math.sqrt(dotAt(v1, v1, offset, layout)), 1e-7);
    const cos = Math.min(1, Math.max(-1, dotAt(v0, v1, offset, layout) / (n0 * n1)));
    const theta = Math.acos(cos);
    const sinTheta = Math.sin(theta);
    if (Math.abs(sinTheta) < 1e-8) combineAt(out, 1 - t, v0, t, v1, offset, layout);
    else combineAt(out, Math.sin((1 - t) * theta) / sinTheta, v0, Math.sin(t * theta) / sinTheta, v1, offset, layout);
  }
}

function combineAt(
  out: Float32Array,
  s0: number,
  v0: Float32Array,
  s1: number,
  v1: Float32Array,
  offset: number,
  layout: VectorLayout,
): void {
  for (let i = 0, p = offset; i < layout.length; i++, p += layout.stride) {
    out[p] = s0 * (v0[p] as number) + s1 * (v1[p] as number);
  }
}
