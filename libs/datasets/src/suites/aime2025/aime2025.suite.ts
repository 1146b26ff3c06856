import { Type } from '@sinclair/typebox';
import { commonFiles, defineSuite, RowProblem } from '../suite.types.js';

/** The languages multilingual AIME 2025 translations are published in that xreason supports. */
export const OLYMPIAD_LANGUAGES = [
  'ar',
  'bn',
  'de',
  'en',
  'es',
  'fr',
  'id',
  'it',
  'ja',
  'ko',
  'pt',
  'ru',
  'sw',
  'te',
  'th',
  'vi',
  'zh',
] as const;

export const aime2025 = defineSuite({
  name: 'aime2025',
  version: '1.0.0',
  description: 'AIME 2025 (I and II, 30 problems) translated; integer answers 0–999.',
  reference: 'https://huggingface.co/datasets/MathArena/aime_2025',
  task: 'math',
  languages: OLYMPIAD_LANGUAGES,
  files: commonFiles,
  row: Type.Object({
    problem: Type.String({ minLength: 1 }),
    answer: Type.Union([Type.Integer(), Type.String({ minLength: 1 })]),
    id: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
  }),
  toItem: (row, language, line) => {
    const gold = String(row.answer).trim();
    if (!/^\d{1,3}$/.test(gold))
      throw new RowProblem('answer', `AIME answers are integers 0–999, got ${JSON.stringify(row.answer)}`);
    return { id: `aime2025/${language}/${row.id ?? line}`, question: row.problem, gold: String(Number(gold)) };
  },
});
