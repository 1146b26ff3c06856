import { Type } from '@sinclair/typebox';
import { XCSQA_LANGUAGES } from '@xreason/contracts';
import { commonFiles, defineSuite, LETTERS, RowProblem } from '../suite.types.js';

export const xcsqa = defineSuite({
  name: 'xcsqa',
  version: '1.0.0',
  description: 'X-CSQA: CommonsenseQA in 16 languages (X-CSR); five options, gold letter in answerKey (dev split).',
  reference: 'https://huggingface.co/datasets/INK-USC/xcsr',
  task: 'choice',
  languages: XCSQA_LANGUAGES,
  files: (language) => [`X-CSQA-${language}/dev.jsonl`, `${language}/dev.jsonl`, ...commonFiles(language)],
  row: Type.Object({
    id: Type.Optional(Type.String()),
    question: Type.Object({
      stem: Type.String({ minLength: 1 }),
      choices: Type.Array(Type.Object({ label: Type.String(), text: Type.String() }), { minItems: 2, maxItems: 10 }),
    }),
    answerKey: Type.String({ minLength: 1, maxLength: 1 }),
  }),
  toItem: (row, language, line) => {
    const labels = row.question.choices.map((c) => c.label);
    const index = labels.indexOf(row.answerKey);
    if (index < 0)
      throw new RowProblem('answerKey', `"${row.answerKey}" is not one of the choice labels ${labels.join(', ')}`);
    return {
      id: row.id ?? `xcsqa/${language}/${line}`,
      question: row.question.stem,
      choices: row.question.choices.map((c) => c.text),
      gold: LETTERS[index] as string,
    };
  },
});
