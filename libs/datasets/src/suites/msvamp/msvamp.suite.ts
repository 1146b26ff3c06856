import { Type } from '@sinclair/typebox';
import { commonFiles, defineSuite, RowProblem } from '../suite.types.js';

export const msvamp = defineSuite({
  name: 'msvamp',
  version: '1.0.0',
  description: 'MSVAMP: SVAMP translated into 10 languages (MathOctopus); exact numeric answers.',
  reference: 'https://huggingface.co/datasets/Mathoctopus/MSVAMP',
  task: 'math',
  languages: ['bn', 'de', 'en', 'es', 'fr', 'ja', 'ru', 'sw', 'th', 'zh'],
  files: (language) => [`test_${language}.json`, `test_${language}.jsonl`, ...commonFiles(language)],
  row: Type.Object({
    m_query: Type.String({ minLength: 1 }),
    response: Type.Union([Type.Number(), Type.String({ minLength: 1 })]),
  }),
  toItem: (row, language, line) => {
    const value = Number(String(row.response).trim());
    if (!Number.isFinite(value)) throw new RowProblem('response', `is not a number: ${JSON.stringify(row.response)}`);
    // SVAMP answers are often written 12.0; compare as the number it is.
    return { id: `msvamp/${language}/${line}`, question: row.m_query, gold: String(value) };
  },
});
