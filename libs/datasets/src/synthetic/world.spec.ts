import { describe, expect, it } from 'vitest';
import { WORLD_LANGUAGES } from './languages/index.js';
import { TEMPLATES } from './templates.js';
import {
  DEFAULT_SPLITS,
  generateProblems,
  HELD_OUT_RANGE,
  questionTranslation,
  SPLIT_NAMES,
  TRAIN_RANGE,
  workedSolution,
  type WorldProblem,
} from './world.js';

const EQUATION = /(\d+) ([+\-×÷]) (\d+) = (\d+)/g;
const apply = (a: number, op: string, b: number): number =>
  op === '+' ? a + b : op === '-' ? a - b : op === '×' ? a * b : a / b;

const bySplit = Object.fromEntries(
  SPLIT_NAMES.map((split) => [split, generateProblems({ seed: 7, split, count: 120 })]),
) as Record<(typeof SPLIT_NAMES)[number], WorldProblem[]>;
const all = Object.values(bySplit).flat();

describe('the synthetic multilingual reasoning world', () => {
  it('is reproducible from its seed and changes with it', () => {
    expect(generateProblems({ seed: 7, split: 'train', count: 20 })).toEqual(bySplit.train.slice(0, 20));
    expect(generateProblems({ seed: 8, split: 'train', count: 20 })).not.toEqual(bySplit.train.slice(0, 20));
  });

  it('recomputes every answer from its operands, independently of the stored solution', () => {
    const recompute: Record<string, (n: Record<string, number>) => number> = {
      'buy-more': (n) => n.a! + n.b!,
      'give-away': (n) => n.a! - n.b!,
      packs: (n) => n.a! * n.b!,
      'buy-then-give': (n) => n.a! + n.b! - n.c!,
      'packs-minus': (n) => n.a! * n.b! - n.c!,
      'packs-then-share': (n) => (n.a! * n.b! + n.c!) / n.d!,
      lose: (n) => n.a! - n.b!,
      'boxes-plus-loose': (n) => n.a! * n.b! + n.c!,
      'pages-left': (n) => n.d! - (n.a! * n.b! + n.c!),
    };
    for (const problem of all) {
      const expected = recompute[problem.template]!(problem.numbers as Record<string, number>);
      expect(problem.answer).toBe(expected);
      expect(Number.isInteger(problem.answer) && problem.answer > 0).toBe(true);
    }
  });

  it('writes, in every language, reasoning whose equations are all true and end at the answer', () => {
    for (const problem of all) {
      for (const language of WORLD_LANGUAGES) {
        const text = problem.text[language]!;
        const equations = [...text.reasoning.join('\n').matchAll(EQUATION)];
        expect(equations, `${problem.id} ${language}`).toHaveLength(problem.steps);
        for (const [, a, op, b, r] of equations) expect(apply(Number(a), op!, Number(b))).toBe(Number(r));
        expect(Number(equations.at(-1)![4])).toBe(problem.answer);
        expect(text.answer).toContain(String(problem.answer));
      }
    }
  });

  it('is parallel: every language states the same operands in its question and the same equations in its reasoning', () => {
    for (const problem of all.filter((_, i) => i % 2 === 0)) {
      const reference = [...problem.text.en!.reasoning.join(' ').matchAll(EQUATION)].map((m) => m[0]);
      // pages-left states the book's length, not the pages left (that is the answer).
      const stated = Object.entries(problem.numbers).filter(([k]) => !(problem.template === 'pages-left' && k === 'e'));
      const operands = stated.map(([, v]) => String(v)).sort();
      for (const language of WORLD_LANGUAGES) {
        const text = problem.text[language]!;
        expect([...text.reasoning.join(' ').matchAll(EQUATION)].map((m) => m[0])).toEqual(reference);
        const inQuestion = (text.question.match(/\d+/g) ?? []).filter((d) => d !== '1').sort();
        expect(inQuestion, `${problem.id} ${language}: ${text.question}`).toEqual(operands);
      }
    }
  });

  it('writes each language in its own words: the questions differ across languages', () => {
    for (const problem of all.slice(0, 50)) {
      const questions = new Set(WORLD_LANGUAGES.map((l) => problem.text[l]!.question));
      expect(questions.size).toBe(WORLD_LANGUAGES.length);
    }
    expect(bySplit.train[0]!.text.ja!.question).toMatch(/[\u3040-\u30ff]/);
    expect(bySplit.train[0]!.text.zh!.question).toMatch(/[\u4e00-\u9fff]/);
  });

  it('covers difficulties 1 to 3 and filters by difficulty', () => {
    expect(new Set(bySplit.train.map((p) => p.steps))).toEqual(new Set([1, 2, 3]));
    const hard = generateProblems({ seed: 1, split: 'train', count: 30, difficulty: [3] });
    expect(hard.every((p) => p.steps === 3 && p.solution.length === 3)).toBe(true);
  });

  it('holds out templates: the template split shares none with training', () => {
    const trainTemplates = new Set(bySplit.train.map((p) => p.template));
    for (const p of bySplit['test-template']) expect(trainTemplates.has(p.template)).toBe(false);
    expect(new Set(bySplit['test-template'].map((p) => p.template)).size).toBe(
      DEFAULT_SPLITS['test-template'].templates.length,
    );
  });

  it('holds out a number range: no free operand of the range split lies in the training range', () => {
    const freeOperands = (p: WorldProblem) =>
      TEMPLATES.find((t) => t.name === p.template)!.free.map((k) => p.numbers[k]!);
    const trainMax = Math.max(...bySplit.train.flatMap(freeOperands));
    const rangeMin = Math.min(...bySplit['test-range'].flatMap(freeOperands));
    expect(trainMax).toBeLessThanOrEqual(TRAIN_RANGE.max);
    expect(rangeMin).toBeGreaterThanOrEqual(HELD_OUT_RANGE.min);
    expect(rangeMin).toBeGreaterThan(trainMax);
  });

  it('keeps the in-distribution test split disjoint from training problems', () => {
    const key = (p: WorldProblem) => `${p.template}:${JSON.stringify(p.numbers)}`;
    const train = new Set(generateProblems({ seed: 3, split: 'train', count: 2000 }).map(key));
    for (const p of generateProblems({ seed: 4, split: 'test-iid', count: 300 })) expect(train.has(key(p))).toBe(false);
  });

  it('pairs a non-English question with English reasoning, and with its English translation', () => {
    const problem = bySplit.train[5]!;
    const mixed = workedSolution(problem, 'ja', 'en');
    expect(mixed.question).toBe(problem.text.ja!.question);
    expect(mixed.reasoning).toBe(problem.text.en!.reasoning.join('\n'));
    expect(mixed.answer).toBe(`The answer is ${problem.answer}.`);
    expect(questionTranslation(problem, 'fr')).toEqual({
      source: problem.text.fr!.question,
      target: problem.text.en!.question,
      from: 'fr',
      to: 'en',
    });
  });

  it('names the missing language when asked for one it was not generated in', () => {
    const [problem] = generateProblems({ seed: 1, split: 'train', count: 1, languages: ['en'] });
    expect(() => workedSolution(problem!, 'de')).toThrow(/generated without "de"/);
    expect(() => generateProblems({ seed: 1, split: 'train', count: 1, languages: ['xx' as 'en'] })).toThrow(
      /not written in "xx"/,
    );
  });
});
