import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteLanguage, questionText } from '../load-suite.js';
import { xcsqa } from './xcsqa.suite.js';

describe('xcsqa', () => {
  it('reads question.stem, the five choices in label order, the answerKey letter and the file id', async () => {
    const [first] = await loadSuiteLanguage(xcsqa, join(import.meta.dirname, 'fixtures'), 'zh');
    expect(first).toMatchObject({ id: 'zh-dev-1', gold: 'A', choices: ['面包店', '图书馆', '医院', '学校', '车站'] });
    expect(questionText(first!)).toBe('人们通常在哪里买面包？\n\nA. 面包店\nB. 图书馆\nC. 医院\nD. 学校\nE. 车站');
  });
});
