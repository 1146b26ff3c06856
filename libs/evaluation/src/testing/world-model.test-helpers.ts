import { type LanguageCode, seededRandom } from '@xreason/contracts';
import {
  generateProblems,
  problemText,
  type BenchmarkItem,
  type WorldLanguage,
  type WorldProblem,
} from '@xreason/datasets';
import {
  itemSeed,
  type Completion,
  type GenerationBackend,
  type GenerationRequest,
} from '../generation/generation-backend.js';

/** Items of the synthetic multilingual world (@xreason/datasets), as a tiny math suite `world`. */
export function worldSuite(
  count: number,
  languages: readonly WorldLanguage[],
  seed = 7,
): { items: BenchmarkItem[]; problems: Map<string, WorldProblem> } {
  const problems = generateProblems({
    seed,
    split: 'test-iid',
    count,
    languages: [...new Set<WorldLanguage>([...languages, 'en'])],
  });
  const items: BenchmarkItem[] = [];
  for (const language of languages) {
    for (const problem of problems) {
      items.push({
        id: problem.id,
        suite: 'world',
        language: language as LanguageCode,
        task: 'math',
        question: problemText(problem, language).question,
        gold: String(problem.answer),
      });
    }
  }
  return { items, problems: new Map(problems.map((p) => [p.id, p])) };
}

const uniform = seededRandom;

export interface WorldModelOptions {
  problems: Map<string, WorldProblem>;
  /** Mean probability of a right answer; each item is easier or harder around it (a fixed difficulty per item). */
  accuracy: number;
  /** Probability that a sample reasons and answers in the requested language rather than English. */
  consistency: number;
  /** Seeds the draws, as a sampler's seed would: two seeds give two noisy samples of the same model. */
  seed?: number;
}

/**
 * A stand-in model with known skill on the synthetic world: it writes the world's own worked
 * solution (reasoning sentences and "the answer is N" in the chosen language), with the right N or
 * a wrong one. Accuracy and language consistency are set, so tests can say what the evaluator
 * must measure; per-item difficulty makes items differ, as real benchmarks' items do.
 */
export function worldModel(options: WorldModelOptions): GenerationBackend {
  const seed = options.seed ?? 1;
  return {
    name: `world-model(accuracy=${options.accuracy},consistency=${options.consistency},seed=${seed})`,
    async generate(requests: readonly GenerationRequest[]): Promise<Completion[][]> {
      return requests.map((request) => {
        const problem = options.problems.get(request.itemId);
        if (!problem) throw new Error(`world model: unknown item ${request.itemId}`);
        const difficulty = uniform(itemSeed(0, request.itemId, 'difficulty'))() - 0.5;
        const pRight = Math.min(1, Math.max(0, options.accuracy - 0.6 * difficulty));
        const next = uniform(itemSeed(seed, request.itemId, request.language));
        return Array.from({ length: request.n }, () => {
          const right = next() < pRight;
          const inLanguage = next() < options.consistency;
          const language = (inLanguage ? request.language : 'en') as WorldLanguage;
          const text = problemText(problem, language);
          const answer = right ? text.answer : text.answer.replace(String(problem.answer), String(problem.answer + 1));
          const completion = `${text.reasoning.join('\n')}\n</think>\n\n${answer} \\boxed{${right ? problem.answer : problem.answer + 1}}`;
          const tokenIds = Array.from(completion.slice(0, 64), (c) => c.codePointAt(0)! % 1000);
          return { text: completion, tokenIds, logprobs: tokenIds.map(() => -0.5), finishReason: 'stop' as const };
        });
      });
    },
  };
}
