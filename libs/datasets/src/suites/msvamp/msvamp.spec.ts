import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteLanguage } from '../load-suite.js';
import { msvamp } from './msvamp.suite.js';

describe('msvamp', () => {
  it('reads m_query and turns a response of "3.0" or 24 into the numbers 3 and 24', async () => {
    const items = await loadSuiteLanguage(msvamp, join(import.meta.dirname, 'fixtures'), 'fr');
    expect(items.map((i) => i.gold)).toEqual(['3', '24']);
  });
});
