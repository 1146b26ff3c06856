/**
 * Sparsification of task vectors, as mergekit's `sparsify.py`: every function rewrites `delta` in
 * place (the executor owns the buffer) and optionally rescales what is kept so its L1 norm matches
 * the original (current mergekit's `rescale: true`; releases before 0.1 divided by `density`, which
 * is the same in expectation for DARE).
 */

/** Keeps the `round-down(density · n)` entries of largest magnitude (TIES' trim step). */
export function sparsifyByMagnitude(delta: Float32Array, density: number, rescale: boolean): void {
  if (density >= 1) return;
  const n = delta.length;
  const keep = Math.floor(density * n);
  if (keep <= 0) throw new RangeError(`density ${density} keeps no entry of ${n}`);
  applyRankWindow(delta, n - keep, n, rescale);
}

/**
 * Model Breadcrumbs: drops the `gamma` fraction of largest magnitudes (outliers) and then the
 * smallest, so that `density` of the entries remain. When the two cuts overlap, fewer outliers are
 * dropped so the density holds. (mergekit's slice `[n_bot:-n_top]` keeps nothing when n_top is 0,
 * e.g. for tensors under 1/gamma entries; here the window is [n_bot, n - n_top), as the paper means.)
 */
export function sparsifyMagnitudeOutliers(delta: Float32Array, density: number, gamma: number, rescale: boolean): void {
  if (density >= 1) return;
  const n = delta.length;
  const target = Math.floor(density * n);
  let top = Math.floor(gamma * n);
  let bottom = n - target - top;
  if (bottom < 0) {
    top += bottom;
    bottom = 0;
  }
  applyRankWindow(delta, bottom, n - top, rescale);
}

/** DARE: keeps each entry with probability `density` (drawn from `random`). */
export function sparsifyBernoulli(delta: Float32Array, density: number, random: () => number, rescale: boolean): void {
  if (density >= 1) return;
  const before = rescale ? l1(delta) : 0;
  for (let i = 0; i < delta.length; i++) if (!(random() < density)) delta[i] = 0;
  if (rescale) rescaleToL1(delta, before);
}

/**
 * Zeroes every entry whose rank by ascending magnitude falls outside [from, to). Equal magnitudes are
 * ranked by position, so exactly `to - from` entries survive. One scratch copy of the magnitudes is
 * the only extra memory.
 */
export function applyRankWindow(delta: Float32Array, from: number, to: number, rescale: boolean): void {
  const n = delta.length;
  from = Math.max(0, from);
  to = Math.min(n, to);
  if (from === 0 && to === n) return;
  const before = rescale ? l1(delta) : 0;
  if (from >= to) {
    delta.fill(0);
    return;
  }
  // Two order statistics of the magnitudes by quickselect (linear time, one scratch copy), instead
  // of a full sort: this is the hot spot of TIES and Breadcrumbs on large tensors.
  const scratch = new Float32Array(n);
  for (let i = 0; i < n; i++) scratch[i] = Math.abs(delta[i] as number);
  const hi = select(scratch, to - 1, 0, n - 1);
  // After selecting rank to−1, ranks below it sit in [0, to−1): select `from` within them.
  const lo = from === to - 1 ? hi : select(scratch, from, 0, to - 2);
  let belowLo = 0;
  let belowHi = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(delta[i] as number);
    if (a < lo) belowLo++;
    if (a < hi) belowHi++;
  }
  // Among entries equal to lo, the first (from − #below lo) in position order rank below `from`;
  // among entries equal to hi, the first (to − #below hi) rank below `to`.
  const skipAtLo = from - belowLo;
  const takeAtHi = to - belowHi;
  let seenLo = 0;
  let seenHi = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(delta[i] as number);
    let keep: boolean;
    if (a < lo || a > hi || Number.isNaN(a)) keep = false;
    else if (a > lo && a < hi) keep = true;
    else if (lo === hi) {
      keep = seenLo >= skipAtLo && seenLo < takeAtHi;
      seenLo++;
    } else if (a === lo) keep = seenLo++ >= skipAtLo;
    else keep = seenHi++ < takeAtHi;
    if (!keep) delta[i] = 0;
  }
  if (rescale) rescaleToL1(delta, before);
}

/**
 * The value of rank `k` (0-based, ascending) among values[left..right], by Hoare-partition quickselect
 * with a median-of-three pivot. Reorders the range so that values[left..k) ≤ values[k] ≤ values(k..right].
 */
export function select(values: Float32Array, k: number, left: number, right: number): number {
  while (right > left) {
    const mid = (left + right) >>> 1;
    // Median of three to values[mid], so sorted and reversed inputs stay linear.
    if ((values[mid] as number) < (values[left] as number)) swap(values, mid, left);
    if ((values[right] as number) < (values[left] as number)) swap(values, right, left);
    if ((values[right] as number) < (values[mid] as number)) swap(values, right, mid);
    const pivot = values[mid] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    // Now values[left..j] ≤ pivot ≤ values[i..right], and j < i.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k] as number;
  }
  return values[k] as number;
}

function swap(values: Float32Array, a: number, b: number): void {
  const t = values[a] as number;
  values[a] = values[b] as number;
  values[b] = t;
}

function l1(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i] as number);
  return sum;
}

/** mergekit leaves the masked tensor alone when either norm is below 1e-7. */
function rescaleToL1(values: Float32Array, before: number): void {
  const after = l1(values);
  if (before < 1e-7 || after < 1e-7) return;
  const scale = before / after;
  for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * scale;
}
