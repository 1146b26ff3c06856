import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteLanguage } from '../load-suite.js';
import { mmluPro } from './mmlu-pro.suite.js';

describe('mmlu-pro', () => {
  it('keeps a variable number of options (up to ten) and the question id', async () => {
    const items = await loadSuiteLanguage(mmluPro, join(import.meta.dirname, 'fixtures'), 'en');
    expect(items.map((i) => [i.id, i.choices?.length, i.gold])).toEqual([
      ['mmlu-pro/en/70', 10, 'B'],
      ['mmlu-pro/en/71', 3, 'C'],
    ]);
  });
});
