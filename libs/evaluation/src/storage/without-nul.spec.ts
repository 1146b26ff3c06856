import { describe, expect, it } from 'vitest';
import { withoutNul } from './evaluation-store.js';

describe('withoutNul', () => {
  it('replaces U+0000, which Postgres text and jsonb refuse, everywhere in a value and nothing else', () => {
    expect(withoutNul('a\u0000b')).toBe('a\uFFFDb');
    expect(withoutNul({ answer: ['4\u0000'], n: 1, nested: { k: null } })).toEqual({
      answer: ['4\uFFFD'],
      n: 1,
      nested: { k: null },
    });
    expect(withoutNul('a literal \\u0000 stays')).toBe('a literal \\u0000 stays');
  });
});
