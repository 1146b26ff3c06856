import { describe, expect, it } from 'vitest';
import {
  bf16ArrayToFloat32,
  bf16BitsFromFloat32Bits,
  bytesToFloat32,
  f16ArrayToFloat32,
  f16BitsFromFloat32Bits,
  float32ArrayToBf16,
  float32ArrayToF16,
  float32BitsFromBf16Bits,
  float32BitsFromF16Bits,
  float32Bits,
  float32ToBytes,
} from './float-conversion.js';
import { seededRandom } from './fixtures.test-helpers.js';

const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;

describe('float32 → bfloat16', () => {
  // [float32 bits, expected bfloat16 bits, why]
  it.each([
    [0x3f800000, 0x3f80, '1.0 is exact'],
    [0xbfc00000, 0xbfc0, '-1.5 is exact'],
    [0x80000000, 0x8000, 'negative zero keeps its sign'],
    [0x3f807fff, 0x3f80, 'just below half an ulp rounds down'],
    [0x3f808001, 0x3f81, 'just above half an ulp rounds up'],
    [0x3f808000, 0x3f80, 'a tie goes to the even neighbour (down)'],
    [0x3f818000, 0x3f82, 'a tie goes to the even neighbour (up)'],
    [0x00008000, 0x0000, 'a subnormal tie rounds to even zero'],
    [0x00018000, 0x0002, 'a subnormal tie rounds to even (up)'],
    [0x7f7fffff, 0x7f80, 'the largest float32 rounds up to infinity'],
    [0x7f800000, 0x7f80, '+infinity'],
    [0xff800000, 0xff80, '-infinity'],
    [0x7fc00000, 0x7fc0, 'quiet NaN'],
    [0xffc00000, 0xffc0, 'negative quiet NaN keeps its sign'],
    [0x7f800001, 0x7fc0, 'a NaN with only low payload bits stays NaN instead of rounding to infinity'],
    [0x7fa00000, 0x7fe0, 'a signalling NaN is quieted and keeps its top payload bits'],
  ])('%s → %s (%s)', (input, expected) => {
    expect(hex(bf16BitsFromFloat32Bits(input), 4)).toBe(hex(expected, 4));
  });

  it('widening is the bits moved to the upper half', () => {
    expect(hex(float32BitsFromBf16Bits(0x3f80), 8)).toBe('0x3f800000');
    expect(hex(float32BitsFromBf16Bits(0xc000), 8)).toBe('0xc0000000');
    expect(hex(float32BitsFromBf16Bits(0x0001), 8)).toBe('0x00010000');
  });

  it('every bfloat16 survives bfloat16 → float32 → bfloat16 unchanged (NaNs stay NaNs of the same sign)', () => {
    for (let h = 0; h < 65536; h++) {
      const back = bf16BitsFromFloat32Bits(float32BitsFromBf16Bits(h));
      const isNaN = (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
      if (isNaN) {
        expect((back & 0x7f80) === 0x7f80 && (back & 0x7f) !== 0 && (back & 0x8000) === (h & 0x8000)).toBe(true);
      } else if (back !== h) {
        throw new Error(`${hex(h, 4)} came back as ${hex(back, 4)}`);
      }
    }
  });
});

describe('float32 → float16', () => {
  it.each([
    [0x3f800000, 0x3c00, '1.0'],
    [0xc0000000, 0xc000, '-2.0'],
    [0x3dcccccd, 0x2e66, '0.1 rounds to the nearest half'],
    [0x477fe000, 0x7bff, '65504, the largest half'],
    [0x477fefff, 0x7bff, 'just below the overflow threshold rounds down to 65504'],
    [0x477ff000, 0x7c00, '65520 is a tie between 65504 (odd) and 65536 (even: infinity)'],
    [0x47c35000, 0x7c00, '100000 overflows to infinity'],
    [0x7f800000, 0x7c00, '+infinity'],
    [0xff800000, 0xfc00, '-infinity'],
    [0x3f801000, 0x3c00, 'a tie between 1 and 1+2^-10 goes to even 1'],
    [0x3f803000, 0x3c02, 'a tie between 0x3c01 and 0x3c02 goes to even 0x3c02'],
    [0x3f801001, 0x3c01, 'above the tie rounds up'],
    [0x38800000, 0x0400, '2^-14, the smallest normal'],
    [0x387fc000, 0x03ff, '1023 × 2^-24, the largest subnormal'],
    [0x387fe000, 0x0400, 'a tie above the largest subnormal carries into the smallest normal'],
    [0x33800000, 0x0001, '2^-24, the smallest subnormal'],
    [0x33c00000, 0x0002, '1.5 × 2^-24 is a tie that goes to even 2 × 2^-24'],
    [0x33400000, 0x0001, '0.75 × 2^-24 rounds up to the smallest subnormal'],
    [0x33000000, 0x0000, '2^-25 is a tie that goes to even zero'],
    [0x32800000, 0x0000, '2^-26 underflows to zero'],
    [0xb2800000, 0x8000, '-2^-26 underflows to negative zero'],
    [0x00000001, 0x0000, 'a float32 subnormal underflows to zero'],
    [0x7fc00000, 0x7e00, 'quiet NaN'],
    [0xffc00000, 0xfe00, 'negative NaN keeps its sign'],
    [0x7f800001, 0x7e00, 'a NaN with only low payload bits stays NaN instead of becoming infinity'],
    [0x7fc02000, 0x7e01, 'NaN keeps its top payload bits'],
  ])('%s → %s (%s)', (input, expected) => {
    expect(hex(f16BitsFromFloat32Bits(input), 4)).toBe(hex(expected, 4));
  });

  it.each([
    [0x3c00, 0x3f800000],
    [0xc000, 0xc0000000],
    [0x7bff, 0x477fe000],
    [0x0400, 0x38800000],
    [0x03ff, 0x387fc000],
    [0x0001, 0x33800000],
    [0x8001, 0xb3800000],
    [0x8000, 0x80000000],
    [0x7c00, 0x7f800000],
    [0xfc00, 0xff800000],
    [0x7e00, 0x7fc00000],
  ])('half %s widens to float32 %s', (half, expected) => {
    expect(hex(float32BitsFromF16Bits(half), 8)).toBe(hex(expected, 8));
  });

  it('every half survives float16 → float32 → float16 unchanged (NaNs stay NaNs of the same sign)', () => {
    for (let h = 0; h < 65536; h++) {
      const back = f16BitsFromFloat32Bits(float32BitsFromF16Bits(h));
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (isNaN) {
        expect((back & 0x7c00) === 0x7c00 && (back & 0x3ff) !== 0 && (back & 0x8000) === (h & 0x8000)).toBe(true);
      } else if (back !== h) {
        throw new Error(`${hex(h, 4)} came back as ${hex(back, 4)}`);
      }
    }
  });

  it('narrowing picks the nearest half for random float32 values (checked against the widened neighbours)', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 20000; i++) {
      const value = Math.fround((random() - 0.5) * 2 ** (Math.floor(random() * 42) - 26));
      const half = f16BitsFromFloat32Bits(float32Bits(value));
      const chosen = Math.abs(bitsToNumber(float32BitsFromF16Bits(half)) - value);
      for (const neighbour of [half - 1, half + 1]) {
        if ((neighbour & 0x7fff) >= 0x7c00 || neighbour < 0 || ((neighbour ^ half) & 0x8000) !== 0) continue;
        expect(chosen).toBeLessThanOrEqual(Math.abs(bitsToNumber(float32BitsFromF16Bits(neighbour)) - value));
      }
    }
  });
});

describe('array conversions', () => {
  const specials = new Float32Array([
    0,
    -0,
    1,
    -1.5,
    0.1,
    65504,
    65520,
    1e-8,
    3.4e38,
    Infinity,
    -Infinity,
    NaN,
    2 ** -24,
  ]);

  it('array conversions agree with the scalar ones element by element', () => {
    const bf16 = float32ArrayToBf16(specials);
    const f16 = float32ArrayToF16(specials);
    const bits = new Uint32Array(specials.buffer);
    bits.forEach((b, i) => {
      expect(bf16[i]).toBe(bf16BitsFromFloat32Bits(b));
      expect(f16[i]).toBe(f16BitsFromFloat32Bits(b));
    });
    const wideBf16 = new Uint32Array(bf16ArrayToFloat32(bf16).buffer);
    const wideF16 = new Uint32Array(f16ArrayToFloat32(f16).buffer);
    bf16.forEach((h, i) => expect(wideBf16[i]).toBe(float32BitsFromBf16Bits(h)));
    f16.forEach((h, i) => expect(wideF16[i]).toBe(float32BitsFromF16Bits(h)));
  });

  it.each(['F32', 'BF16', 'F16'] as const)(
    '%s bytes → float32 → %s bytes is the identity on representable values',
    (dtype) => {
      const values = new Float32Array([0, -0, 1, -2, 0.5, 1024, -0.0078125, Infinity, -Infinity]);
      const bytes = float32ToBytes(dtype, values);
      expect(bytes.byteLength).toBe(values.length * (dtype === 'F32' ? 4 : 2));
      expect([...bytesToFloat32(dtype, bytes)]).toEqual([...values]);
      expect(float32ToBytes(dtype, bytesToFloat32(dtype, bytes))).toEqual(bytes);
    },
  );

  it('decoding works on bytes that start at an odd offset (copied, not misaligned)', () => {
    const backing = new Uint8Array(5);
    backing.set([0x80, 0x3f, 0x00, 0xc0], 1); // bf16 1.0 and -2.0
    expect([...bytesToFloat32('BF16', backing.subarray(1))]).toEqual([1, -2]);
  });

  it('refuses a byte count that is not a whole number of elements', () => {
    expect(() => bytesToFloat32('F16', new Uint8Array(3))).toThrow(/not a whole number of F16 elements/);
  });
});

function bitsToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits);
  return view.getFloat32(0);
}
