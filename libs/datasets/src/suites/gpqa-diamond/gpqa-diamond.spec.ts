import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteLanguage } from '../load-suite.js';
import { gpqaDiamond } from './gpqa-diamond.suite.js';

describe('gpqa-diamond', () => {
  it('takes the gold letter from the last \\boxed{} of the solution', async () => {
    const items = await loadSuiteLanguage(gpqaDiamond, join(import.meta.dirname, 'fixtures'), 'de');
    expect(items.map((i) => i.gold)).toEqual(['C', 'A']);
  });
});
