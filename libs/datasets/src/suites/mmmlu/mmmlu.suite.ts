import type { LanguageCode } from '@xreason/contracts';
import { MmluRow } from '../mmlu/mmlu-row.js';
import { defineSuite } from '../suite.types.js';

/** MMMLU names its files by locale (mmlu_JA_JP.csv); Yoruba (YO_NG) is outside xreason's languages. */
export const MMMLU_LOCALES: Partial<Record<LanguageCode, string>> = {
  ar: 'AR_XY',
  bn: 'BN_BD',
  de: 'DE_DE',
  es: 'ES_LA',
  fr: 'FR_FR',
  hi: 'HI_IN',
  id: 'ID_ID',
  it: 'IT_IT',
  ja: 'JA_JP',
  ko: 'KO_KR',
  pt: 'PT_BR',
  sw: 'SW_KE',
  zh: 'ZH_CN',
};

export const mmmlu = defineSuite({
  name: 'mmmlu',
  version: '1.0.0',
  description: "MMMLU: OpenAI's professional translations of the MMLU test set into 14 languages.",
  reference: 'https://huggingface.co/datasets/openai/MMMLU',
  task: 'choice',
  languages: Object.keys(MMMLU_LOCALES) as LanguageCode[],
  files: (language) => {
    const locale = MMMLU_LOCALES[language] as string;
    return [`mmlu_${locale}.csv`, `test/mmlu_${locale}.csv`, `${locale}/test-00000-of-00001.parquet`];
  },
  row: MmluRow,
  toItem: (row, language, line) => ({
    id: `mmmlu/${language}/${line}`,
    question: row.Question,
    choices: [row.A, row.B, row.C, row.D],
    gold: row.Answer,
  }),
});
