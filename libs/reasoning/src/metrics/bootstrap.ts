import { seededRandom } from '@xreason/contracts';
export interface ConfidenceInterval {
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
}

export interface BootstrapOptions {
  resamples?: number;
  confidence?: number;
  /** Seeds the resampling, so a report is reproducible. */
  seed?: number;
}

/**
 * Percentile bootstrap interval of `statistic` over `units` (problems, not samples: samples of one
 * problem are correlated, so resampling them independently would make the interval too narrow).
 */
export function bootstrapInterval<T>(
  units: readonly T[],
  statistic: (resample: readonly T[]) => number,
  { resamples = 1000, confidence = 0.95, seed = 0x5eed }: BootstrapOptions = {},
): ConfidenceInterval {
  if (units.length === 0) throw new RangeError('cannot bootstrap an empty sample');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const next = seededRandom(seed);
  const values: number[] = [];
  const resample: T[] = new Array<T>(units.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < units.length; i++) resample[i] = units[Math.floor(next() * units.length)] as T;
    values.push(statistic(resample));
  }
  values.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))] as number;
  return { estimate: statistic(units), lower: at(tail), upper: at(1 - tail), confidence };
}
