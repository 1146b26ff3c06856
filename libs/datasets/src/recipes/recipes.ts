import { alpacaPrompt, translationPrompt } from '../prompts/alpaca.js';
import { thinkingPrompt } from '../prompts/thinking-prompt.js';
import type { WorldLanguage } from '../synthetic/languages/index.js';
import {
  generateProblems,
  problemText,
  questionTranslation,
  workedSolution,
  type WorldProblem,
} from '../synthetic/world.js';
import type { Recipe, RecipeExample, RecipeOptions } from './recipe.types.js';

const END = '<|im_end|>';

function trainProblems(options: RecipeOptions): WorldProblem[] {
  return generateProblems({
    seed: options.seed,
    split: 'train',
    count: options.count,
    languages: ['en', ...options.languages.filter((l) => l !== 'en')],
  });
}

/** A thinking model's answer: reasoning inside the think block (opened by the prompt), then the boxed answer. */
function thinkingCompletion(problem: WorldProblem, reasoningLanguage: WorldLanguage): string {
  const solution = workedSolution(problem, reasoningLanguage);
  return `${solution.reasoning}\n</think>\n\n${solution.answer} \\boxed{${problem.answer}}${END}`;
}

export const budgetAlignmentSft: Recipe = {
  name: 'budget-sft',
  description:
    'Budget alignment SFT: a few hundred reasoning chains per language, thinking in the language of the question.',
  build: (options) =>
    trainProblems(options).flatMap((problem) =>
      options.languages.map((language) => ({
        language,
        part: 'chain',
        prompt: thinkingPrompt(problemText(problem, language).question, language),
        completion: thinkingCompletion(problem, language),
        answer: String(problem.answer),
      })),
    ),
};

export const englishReasoning: Recipe = {
  name: 'english-reasoning',
  description:
    'Base-model data: questions in English and every language, always reasoned in English — the behaviour budget alignment corrects.',
  build: (options) =>
    trainProblems(options).flatMap((problem) =>
      ['en' as const, ...options.languages.filter((l) => l !== 'en')].map((language) => ({
        language,
        part: 'chain',
        prompt: thinkingPrompt(problemText(problem, language).question, language),
        completion: thinkingCompletion(problem, 'en'),
        answer: String(problem.answer),
      })),
    ),
};

export const grpoPrompts: Recipe = {
  name: 'grpo-prompts',
  description: 'GRPO prompt sets: thinking prompts with exact answers for the reward; no completions.',
  build: (options) =>
    trainProblems(options).flatMap((problem) =>
      options.languages.map((language) => ({
        language,
        part: 'prompt',
        prompt: thinkingPrompt(problemText(problem, language).question, language),
        completion: '',
        answer: String(problem.answer),
      })),
    ),
};

/** X-language question → its English translation (Alpaca translation prompt), for every non-English language. */
function questionTranslations(options: RecipeOptions): RecipeExample[] {
  return trainProblems(options).flatMap((problem) =>
    options.languages
      .filter((l) => l !== 'en')
      .map((language) => {
        const pair = questionTranslation(problem, language);
        return {
          language,
          part: 'translation',
          prompt: translationPrompt(pair.source, language),
          completion: pair.target,
        };
      }),
  );
}

export const qalignStage1: Recipe = {
  name: 'qalign-stage1',
  description: 'QAlign stage I: translate X-language questions into English (Alpaca translation prompt).',
  build: (options) => questionTranslations(options),
};

export const qalignStage2: Recipe = {
  name: 'qalign-stage2',
  description: 'QAlign stage II: English instruction data (English question → English step-by-step answer).',
  build: (options) =>
    trainProblems(options).map((problem) => {
      const en = problemText(problem, 'en');
      return {
        language: 'en' as const,
        part: 'task',
        prompt: alpacaPrompt(en.question),
        completion: `${en.reasoning.join('\n')}\n${en.answer}`,
        answer: String(problem.answer),
      };
    }),
};

export const midAlign: Recipe = {
  name: 'mid-align',
  description: 'Mid-align: parallel question pairs (X ↔ English) plus in-language task data.',
  build: (options) =>
    trainProblems(options).flatMap((problem) =>
      options.languages.flatMap((language): RecipeExample[] => {
        const text = problemText(problem, language);
        const task = {
          language,
          part: 'task',
          prompt: thinkingPrompt(text.question, language),
          completion: thinkingCompletion(problem, language),
          answer: String(problem.answer),
        };
        if (language === 'en') return [task];
        return [
          { language, part: 'parallel', prompt: problemText(problem, 'en').question, completion: text.question },
          task,
        ];
      }),
    ),
};

export const mindMergerMapping: Recipe = {
  name: 'mindmerger-mapping',
  description: 'MindMerger stage 1 (mapping): X-language question → its English translation.',
  build: (options) => questionTranslations(options),
};

export const mindMergerAugmentation: Recipe = {
  name: 'mindmerger-augmentation',
  description: 'MindMerger stage 2 (augmentation): X-language query → English response.',
  build: (options) =>
    trainProblems(options).flatMap((problem) =>
      options.languages.map((language) => {
        const solution = workedSolution(problem, language, 'en');
        return {
          language,
          part: 'task',
          prompt: alpacaPrompt(solution.question),
          completion: `${solution.reasoning}\n${solution.answer}`,
          answer: String(problem.answer),
        };
      }),
    ),
};
