import { Registry } from '@xreason/contracts';
import { aime2025 } from './aime2025/aime2025.suite.js';
import { gpqaDiamond } from './gpqa-diamond/gpqa-diamond.suite.js';
import { mgsm } from './mgsm/mgsm.suite.js';
import { mmlu } from './mmlu/mmlu.suite.js';
import { mmluPro } from './mmlu-pro/mmlu-pro.suite.js';
import { mmmlu } from './mmmlu/mmmlu.suite.js';
import { msvamp } from './msvamp/msvamp.suite.js';
import type { BenchmarkSuite } from './suite.types.js';
import { xcsqa } from './xcsqa/xcsqa.suite.js';
import { xnli } from './xnli/xnli.suite.js';

/** Every benchmark suite, one file each; adding one is a folder and a line here. */
export const SUITES: readonly BenchmarkSuite[] = [
  mgsm,
  msvamp,
  xcsqa,
  xnli,
  mmlu,
  mmmlu,
  aime2025,
  gpqaDiamond,
  mmluPro,
] as BenchmarkSuite[];

export const suiteRegistry = new Registry<BenchmarkSuite>('benchmark suite', SUITES).freeze();

/** Suites × languages, for `xreason data check` and the docs. */
export function suiteLanguages(): Record<string, readonly string[]> {
  return Object.fromEntries(suiteRegistry.values().map((s) => [s.name, s.languages]));
}
