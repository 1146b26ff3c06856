import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteLanguage } from '../load-suite.js';
import { aime2025 } from './aime2025.suite.js';

describe('aime2025', () => {
  it('reads problem and answer whether the answer is a string or an integer', async () => {
    const items = await loadSuiteLanguage(aime2025, join(import.meta.dirname, 'fixtures'), 'bn');
    expect(items.map((i) => [i.id, i.gold])).toEqual([
      ['aime2025/bn/1', '53'],
      ['aime2025/bn/2', '7'],
    ]);
  });
});
