import { passAtK } from './pass-at-k.js';

/** One sample's outcome: its answer was right; its trace and answer were in the requested language. */
export interface SampleOutcome {
  correct: boolean;
  consistent: boolean;
}

export interface EvaluationSummary {
  problems: number;
  samplesPerProblem: number;
  /** pass@k over correctness, averaged over problems. */
  passAtK: Record<number, number>;
  /** Share of samples whose trace and answer are in the requested language. */
  languageConsistency: number;
  /** Share of samples that are correct and consistent. */
  correctAndConsistent: number;
  /** pass@k where only correct ∧ consistent samples count as passes. */
  consistentPassAtK: Record<number, number>;
}

export const DEFAULT_KS = [1, 5, 10] as const;

/**
 * Summarises n samples for each problem. Every problem must have the same n (pass@k estimates from
 * different n are not comparable), and ks larger than n are left out rather than guessed.
 */
export function summariseSamples(
  problems: readonly (readonly SampleOutcome[])[],
  ks: readonly number[] = DEFAULT_KS,
): EvaluationSummary {
  if (problems.length === 0) throw new RangeError('no problems to summarise');
  const n = (problems[0] as readonly SampleOutcome[]).length;
  for (const [i, samples] of problems.entries()) {
    if (samples.length !== n) throw new RangeError(`problem ${i} has ${samples.length} samples, problem 0 has ${n}`);
  }
  const usable = ks.filter((k) => k <= n);
  const pass: Record<number, number> = {};
  const consistentPass: Record<number, number> = {};
  for (const k of usable) {
    pass[k] = mean(problems.map((s) => passAtK(n, s.filter((o) => o.correct).length, k)));
    consistentPass[k] = mean(problems.map((s) => passAtK(n, s.filter((o) => o.correct && o.consistent).length, k)));
  }
  const all = problems.flat();
  return {
    problems: problems.length,
    samplesPerProblem: n,
    passAtK: pass,
    languageConsistency: all.filter((o) => o.consistent).length / all.length,
    correctAndConsistent: all.filter((o) => o.correct && o.consistent).length / all.length,
    consistentPassAtK: consistentPass,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
