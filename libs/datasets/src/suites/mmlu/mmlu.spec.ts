import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteLanguage } from '../load-suite.js';
import { mmlu } from './mmlu.suite.js';

describe('mmlu', () => {
  it('reads the CSV with quoted commas, doubled quotes and a newline inside a field', async () => {
    const items = await loadSuiteLanguage(mmlu, join(import.meta.dirname, 'fixtures'), 'en');
    expect(items[0]).toMatchObject({
      question: 'What is 2 + 2?\n(Choose one.)',
      choices: ['3', '4', '5', '2, or 22'],
      gold: 'B',
    });
    expect(items[1]?.question).toBe('Which gas do plants absorb? "CO2" is a hint.');
    // The second record starts on line 4 of the file: the first spans lines 2–3.
    expect(items[1]?.id).toBe('mmlu/en/4');
  });
});
