/**
 * Truncated singular value decomposition for LoRA extraction, in float64.
 *
 * Small matrices are decomposed exactly by one-sided Jacobi (Hestenes): column pairs are rotated until
 * all columns are orthogonal; their norms are then the singular values. Large ones go through the
 * randomized range finder of Halko, Martinsson & Tropp (2011): an orthonormal basis Q of A·Ω for a
 * random Ω with rank + oversampling columns, sharpened by power iterations, so that A ≈ Q·Qᵀ·A and
 * only the small matrix Qᵀ·A needs an exact SVD.
 */
export interface TruncatedSvd {
  rank: number;
  /** m × rank, row-major, orthonormal columns. */
  u: Float64Array;
  /** rank singular values, descending. */
  s: Float64Array;
  /** rank × n, row-major, orthonormal rows. */
  vt: Float64Array;
}

export interface SvdOptions {
  /** Extra columns sampled beyond the rank (default 10). */
  oversample?: number;
  /** Power iterations, each improving accuracy when singular values decay slowly (default 2). */
  powerIterations?: number;
  /** Uniform [0, 1) source for the random test matrix (default Math.random). */
  random?: () => number;
}

/** The `rank` leading singular triplets of the row-major m × n matrix `a`. */
export function truncatedSvd(
  a: ArrayLike<number>,
  m: number,
  n: number,
  rank: number,
  options: SvdOptions = {},
): TruncatedSvd {
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`rank must be a positive integer, found ${rank}`);
  if (a.length !== m * n) throw new RangeError(`matrix holds ${a.length} values, expected ${m} × ${n}`);
  const k = Math.min(rank, m, n);
  const sample = Math.min(k + (options.oversample ?? 10), m, n);
  if (sample >= Math.min(m, n)) return truncate(exactSvd(Float64Array.from(a), m, n), k, m, n);

  const random = options.random ?? Math.random;
  const omega = new Float64Array(n * sample);
  for (let i = 0; i < omega.length; i++) omega[i] = gaussian(random);
  let q = orthonormalize(multiply(a, m, n, omega, sample), m, sample);
  for (let iteration = 0; iteration < (options.powerIterations ?? 2); iteration++) {
    const z = orthonormalize(multiplyTransposed(a, m, n, q, sample), n, sample);
    q = orthonormalize(multiply(a, m, n, z, sample), m, sample);
  }
  // B = Qᵀ·A (sample × n) = Ub·S·Vbᵀ, so A ≈ (Q·Ub)·S·Vbᵀ.
  const b = transposedTimes(q, m, sample, a, n);
  const small = exactSvd(b, sample, n);
  const u = new Float64Array(m * small.rank);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < small.rank; j++) {
      let sum = 0;
      for (let t = 0; t < sample; t++) sum += (q[i * sample + t] as number) * (small.u[t * small.rank + j] as number);
      u[i * small.rank + j] = sum;
    }
  }
  return truncate({ rank: small.rank, u, s: small.s, vt: small.vt }, k, m, n);
}

/** Exact thin SVD of a row-major m × n matrix by one-sided Jacobi (on the transpose when m < n). */
export function exactSvd(a: Float64Array, m: number, n: number): TruncatedSvd {
  if (m < n) {
    const t = transpose(a, m, n);
    const r = exactSvd(t, n, m);
    // Aᵀ = U·S·Vᵀ ⇒ A = V·S·Uᵀ.
    return { rank: r.rank, u: transpose(r.vt, r.rank, m), s: r.s, vt: transpose(r.u, n, r.rank) };
  }
  // Columns of A, rotated in place until mutually orthogonal; V accumulates the same rotations.
  const columns = Array.from({ length: n }, (_, j) => {
    const column = new Float64Array(m);
    for (let i = 0; i < m; i++) column[i] = a[i * n + j] as number;
    return column;
  });
  const v = Array.from({ length: n }, (_, j) => {
    const column = new Float64Array(n);
    column[j] = 1;
    return column;
  });
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const x = columns[p] as Float64Array;
        const y = columns[q] as Float64Array;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const xi = x[i] as number;
          const yi = y[i] as number;
          alpha += xi * xi;
          beta += yi * yi;
          gamma += xi * yi;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(x, y, c, s);
        rotate(v[p] as Float64Array, v[q] as Float64Array, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = columns.map((column) => Math.sqrt(column.reduce((sum, value) => sum + value * value, 0)));
  const order = norms.map((_, j) => j).sort((i, j) => (norms[j] as number) - (norms[i] as number));
  const u = new Float64Array(m * n);
  const s = new Float64Array(n);
  const vt = new Float64Array(n * n);
  for (const [rank, j] of order.entries()) {
    const sigma = norms[j] as number;
    s[rank] = sigma;
    const column = columns[j] as Float64Array;
    // A zero singular value has no defined direction; a zero column keeps U·S·Vᵀ exact.
    for (let i = 0; i < m; i++) u[i * n + rank] = sigma > 0 ? (column[i] as number) / sigma : 0;
    const vColumn = v[j] as Float64Array;
    for (let i = 0; i < n; i++) vt[rank * n + i] = vColumn[i] as number;
  }
  return { rank: n, u, s, vt };
}

function rotate(x: Float64Array, y: Float64Array, c: number, s: number): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    x[i] = c * xi - s * yi;
    y[i] = s * xi + c * yi;
  }
}

function truncate(svd: TruncatedSvd, k: number, m: number, n: number): TruncatedSvd {
  if (svd.rank === k) return svd;
  const u = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) u[i * k + j] = svd.u[i * svd.rank + j] as number;
  return { rank: k, u, s: svd.s.slice(0, k), vt: svd.vt.slice(0, k * n) };
}

/** A (m × n) · X (n × l). */
function multiply(a: ArrayLike<number>, m: number, n: number, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(m * l);
  for (let i = 0; i < m; i++) {
    const row = i * l;
    for (let t = 0; t < n; t++) {
      const value = a[i * n + t] as number;
      if (value === 0) continue;
      const xRow = t * l;
      for (let j = 0; j < l; j++) y[row + j] = (y[row + j] as number) + value * (x[xRow + j] as number);
    }
  }
  return y;
}

/** Aᵀ (n × m) · Q (m × l). */
function multiplyTransposed(a: ArrayLike<number>, m: number, n: number, q: Float64Array, l: number): Float64Array {
  const z = new Float64Array(n * l);
  for (let i = 0; i < m; i++) {
    const qRow = i * l;
    for (let t = 0; t < n; t++) {
      const value = a[i * n + t] as number;
      if (value === 0) continue;
      const zRow = t * l;
      for (let j = 0; j < l; j++) z[zRow + j] = (z[zRow + j] as number) + value * (q[qRow + j] as number);
    }
  }
  return z;
}

/** Qᵀ (l × m) · A (m × n). */
function transposedTimes(q: Float64Array, m: number, l: number, a: ArrayLike<number>, n: number): Float64Array {
  const b = new Float64Array(l * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < l; j++) {
      const weight = q[i * l + j] as number;
      if (weight === 0) continue;
      const row = j * n;
      for (let t = 0; t < n; t++) b[row + t] = (b[row + t] as number) + weight * (a[i * n + t] as number);
    }
  }
  return b;
}

/**
 * Orthonormal columns spanning those of the row-major rows × cols matrix, by modified Gram–Schmidt
 * applied twice ("twice is enough" for float64). A column that vanishes is left zero.
 */
function orthonormalize(y: Float64Array, rows: number, cols: number): Float64Array {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < cols; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += (y[i * cols + p] as number) * (y[i * cols + j] as number);
        for (let i = 0; i < rows; i++)
          y[i * cols + j] = (y[i * cols + j] as number) - dot * (y[i * cols + p] as number);
      }
      let norm = 0;
      for (let i = 0; i < rows; i++) norm += (y[i * cols + j] as number) ** 2;
      norm = Math.sqrt(norm);
      for (let i = 0; i < rows; i++) y[i * cols + j] = norm > 1e-300 ? (y[i * cols + j] as number) / norm : 0;
    }
  }
  return y;
}

function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j] as number;
  return t;
}

/** Standard normal by Box–Muller. */
function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
