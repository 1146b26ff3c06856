import { Type } from '@sinclair/typebox';
import { MGSM_LANGUAGES } from '@xreason/contracts';
import { commonFiles, defineSuite, RowProblem } from '../suite.types.js';

/** A number as the TSV (string), JSONL or Parquet (number) layouts carry it. */
const Numeric = Type.Union([Type.Number(), Type.String({ minLength: 1 })]);

export const mgsm = defineSuite({
  name: 'mgsm',
  version: '1.0.0',
  description: 'MGSM: 250 GSM8K problems translated into 10 languages (+ English); exact numeric answers.',
  reference: 'https://huggingface.co/datasets/juletxara/mgsm',
  task: 'math',
  languages: MGSM_LANGUAGES,
  // The hub's raw layout is headerless mgsm_<lang>.tsv (question, answer_number); its Parquet export has named columns.
  files: (language) => [`mgsm_${language}.tsv`, ...commonFiles(language)],
  tsvColumns: ['question', 'answer_number'],
  row: Type.Object({ question: Type.String({ minLength: 1 }), answer_number: Numeric }),
  toItem: (row, language, line) => {
    const gold = String(row.answer_number).trim().replace(/,/g, '');
    if (!/^-?\d+(\.\d+)?$/.test(gold))
      throw new RowProblem('answer_number', `is not a number: ${JSON.stringify(row.answer_number)}`);
    return { id: `mgsm/${language}/${line}`, question: row.question, gold };
  },
});
