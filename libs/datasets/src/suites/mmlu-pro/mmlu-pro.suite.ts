import { Type } from '@sinclair/typebox';
import { commonFiles, defineSuite, LETTERS, RowProblem } from '../suite.types.js';

export const mmluPro = defineSuite({
  name: 'mmlu-pro',
  version: '1.0.0',
  description: 'MMLU-Pro: up to ten options per question, gold letter A–J.',
  reference: 'https://huggingface.co/datasets/TIGER-Lab/MMLU-Pro',
  task: 'choice',
  languages: ['en'],
  files: () => ['test-00000-of-00001.parquet', 'data/test-00000-of-00001.parquet', 'test.jsonl', ...commonFiles('en')],
  row: Type.Object({
    question_id: Type.Optional(Type.Integer()),
    question: Type.String({ minLength: 1 }),
    options: Type.Array(Type.String(), { minItems: 2, maxItems: 10 }),
    answer: Type.String({ pattern: '^[A-J]$' }),
  }),
  toItem: (row, language, line) => {
    if (LETTERS.indexOf(row.answer) >= row.options.length)
      throw new RowProblem('answer', `"${row.answer}" is beyond the ${row.options.length} options`);
    return {
      id: `mmlu-pro/${language}/${row.question_id ?? line}`,
      question: row.question,
      choices: row.options,
      gold: row.answer,
    };
  },
});
