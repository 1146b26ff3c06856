import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteLanguage } from '../load-suite.js';
import { xnli } from './xnli.suite.js';

describe('xnli', () => {
  it('reads the hub Parquet export and maps labels 0/1/2 to entailment/neutral/contradiction', async () => {
    const items = await loadSuiteLanguage(xnli, join(import.meta.dirname, 'fixtures'), 'th');
    expect(items.map((i) => i.gold)).toEqual(['entailment', 'contradiction', 'neutral']);
    expect(items[0]?.question).toBe('Premise: แมวกำลังนอนอยู่บนโซฟา\nHypothesis: มีสัตว์อยู่บนโซฟา');
  });
});
