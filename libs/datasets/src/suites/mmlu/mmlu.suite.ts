import { defineSuite } from '../suite.types.js';
import { MmluRow } from './mmlu-row.js';

export const mmlu = defineSuite({
  name: 'mmlu',
  version: '1.0.0',
  description: 'MMLU (English) in the simple-evals CSV layout shared with MMMLU.',
  reference: 'https://huggingface.co/datasets/openai/MMMLU',
  task: 'choice',
  languages: ['en'],
  files: () => ['mmlu.csv', 'test/mmlu.csv', 'en.jsonl', 'en.parquet'],
  row: MmluRow,
  toItem: (row, language, line) => ({
    id: `mmlu/${language}/${line}`,
    question: row.Question,
    choices: [row.A, row.B, row.C, row.D],
    gold: row.Answer,
  }),
});
