import { Type } from '@sinclair/typebox';
import { findBoxedAnswers } from '@xreason/reasoning';
import { OLYMPIAD_LANGUAGES } from '../aime2025/aime2025.suite.js';
import { commonFiles, defineSuite, RowProblem } from '../suite.types.js';

export const gpqaDiamond = defineSuite({
  name: 'gpqa-diamond',
  version: '1.0.0',
  description:
    'GPQA diamond, multiple choice, translated; the options are inside `problem`, the gold letter boxed in `solution`.',
  reference: 'https://huggingface.co/datasets/Idavidrein/gpqa',
  task: 'choice',
  languages: OLYMPIAD_LANGUAGES,
  files: commonFiles,
  row: Type.Object({ problem: Type.String({ minLength: 1 }), solution: Type.String({ minLength: 1 }) }),
  toItem: (row, language, line) => {
    // The gold is read with the same box reader that reads model answers (@xreason/reasoning).
    const boxed = findBoxedAnswers(row.solution).at(-1)?.content.trim();
    if (!boxed || !/^[A-D]$/.test(boxed))
      throw new RowProblem('solution', `has no \\boxed{A–D} answer: ${JSON.stringify(row.solution.slice(0, 60))}`);
    return { id: `gpqa-diamond/${language}/${line}`, question: row.problem, gold: boxed };
  },
});
