import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';

describe('crc32c', () => {
  it.each([
    ['', 0x00000000],
    ['a', 0xc1d04330],
    ['123456789', 0xe3069283],
    ['The quick brown fox jumps over the lazy dog', 0x22620404],
  ])('matches the Castagnoli reference value for %j', (text, expected) => {
    expect(crc32c(Buffer.from(text))).toBe(expected);
  });

  it('gives the same answer for a sub-range as for a copy of it (slicing-by-8 and the byte tail agree)', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff));
    for (const [start, end] of [
      [0, 1000],
      [3, 997],
      [1, 8],
      [5, 6],
    ] as const) {
      expect(crc32c(data, start, end)).toBe(crc32c(Buffer.from(data.subarray(start, end))));
    }
  });
});
