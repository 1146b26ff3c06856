import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuiteLanguage } from '../load-suite.js';
import { mgsm } from './mgsm.suite.js';

const fixtures = join(import.meta.dirname, 'fixtures');

describe('mgsm', () => {
  it('reads the headerless hub TSV into question and numeric gold, keeping full-width digits as published', async () => {
    const items = await loadSuiteLanguage(mgsm, fixtures, 'ja');
    expect(items.map((i) => i.gold)).toEqual(['5', '120']);
    expect(items[0]?.question).toContain('３個');
    expect(items[0]?.id).toBe('mgsm/ja/1');
  });
});
