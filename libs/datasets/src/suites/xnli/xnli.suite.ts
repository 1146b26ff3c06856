import { Type } from '@sinclair/typebox';
import { XNLI_LANGUAGES } from '@xreason/contracts';
import { NLI_LABELS } from '@xreason/reasoning';
import { commonFiles, defineSuite } from '../suite.types.js';

export const xnli = defineSuite({
  name: 'xnli',
  version: '1.0.0',
  description: 'XNLI: MultiNLI dev/test translated into 14 languages; label 0 entailment, 1 neutral, 2 contradiction.',
  reference: 'https://huggingface.co/datasets/facebook/xnli',
  task: 'nli',
  languages: XNLI_LANGUAGES,
  files: (language) => [...commonFiles(language), `${language}/validation-00000-of-00001.parquet`],
  row: Type.Object({
    premise: Type.String({ minLength: 1 }),
    hypothesis: Type.String({ minLength: 1 }),
    label: Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)]),
  }),
  toItem: (row, language, line) => ({
    id: `xnli/${language}/${line}`,
    question: `Premise: ${row.premise}\nHypothesis: ${row.hypothesis}`,
    gold: NLI_LABELS[row.label] as string,
  }),
});
