import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSuiteFile, loadSuiteLanguage } from '../load-suite.js';
import { mmmlu } from './mmmlu.suite.js';

describe('mmmlu', () => {
  it('finds a language by its MMMLU locale file name and reads Question, A–D, Answer', async () => {
    const fixtures = join(import.meta.dirname, 'fixtures');
    expect(findSuiteFile(mmmlu, fixtures, 'ja')).toMatch(/mmlu_JA_JP\.csv$/);
    const items = await loadSuiteLanguage(mmmlu, fixtures, 'ja');
    expect(items.map((i) => i.gold)).toEqual(['B', 'C']);
  });
});
