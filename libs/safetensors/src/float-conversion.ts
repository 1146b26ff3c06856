import { endianness } from 'node:os';
import type { FloatDtype } from './dtype.js';

// safetensors stores little-endian data and this library hands out typed-array views of the raw
// bytes; on a big-endian host every view would be byte-swapped, so refuse to run there at all.
if (endianness() !== 'LE') {
  throw new Error('@xreason/safetensors assumes a little-endian host; this machine is big-endian');
}

const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/** The IEEE-754 bit pattern of a float32 (after rounding `value` to float32). */
export function float32Bits(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0] as number;
}

export function float32FromBits(bits: number): number {
  scratchBits[0] = bits >>> 0;
  return scratchFloat[0] as number;
}

// ---------------------------------------------------------------------------------------------
// bfloat16: the upper half of a float32.

/**
 * float32 bits → bfloat16 bits, rounding to nearest with ties to even. A NaN stays a NaN of the same
 * sign (quieted): plain rounding would carry a NaN whose payload sits in the low bits into infinity.
 */
export function bf16BitsFromFloat32Bits(bits: number): number {
  const u = bits >>> 0;
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x0040) & 0xffff;
  // Adding 0x7fff plus the lowest kept bit rounds half-way cases towards the even neighbour; the
  // largest non-NaN input (0xff7fffff) plus 0x8000 stays below 2^32, so no wrap-around.
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

export function float32BitsFromBf16Bits(bits: number): number {
  return (bits << 16) >>> 0;
}

export function bf16FromFloat32(value: number): number {
  return bf16BitsFromFloat32Bits(float32Bits(value));
}

export function bf16ToFloat32(bits: number): number {
  return float32FromBits(float32BitsFromBf16Bits(bits));
}

// ---------------------------------------------------------------------------------------------
// IEEE binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits.

/** Round `value >>> shift` to nearest, ties to even, looking at the bits shifted out. */
function shiftRightRoundEven(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/**
 * float32 bits → binary16 bits with round-to-nearest-even, gradual underflow into half subnormals,
 * overflow to infinity, and NaN kept a (quiet) NaN of the same sign with the top payload bits.
 */
export function f16BitsFromFloat32Bits(bits: number): number {
  const u = bits >>> 0;
  const sign = (u >>> 16) & 0x8000;
  const exponent = (u >>> 23) & 0xff;
  const mantissa = u & 0x7fffff;
  if (exponent === 0xff) return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  // Unbiased e = exponent - 127; binary16 normals need 1 <= e + 15 <= 30, i.e. 113 <= exponent <= 142.
  if (exponent >= 143) return sign | 0x7c00;
  if (exponent >= 113) {
    // A carry out of the mantissa bumps the exponent field, which is exactly the right result, up to
    // and including 0x7c00 (infinity) for values that round past 65504.
    return sign | shiftRightRoundEven(((exponent - 112) << 23) | mantissa, 13);
  }
  // Below 2^-25 everything rounds to zero (2^-25 itself is a tie that goes to the even zero).
  if (exponent < 102) return sign;
  // Subnormal: the value in units of 2^-24 is (1.mantissa × 2^23) >> (126 - exponent). Rounding up
  // from the largest subnormal yields 0x400, the smallest normal, again exactly right.
  return sign | shiftRightRoundEven(mantissa | 0x800000, 126 - exponent);
}

export function float32BitsFromF16Bits(bits: number): number {
  const h = bits & 0xffff;
  const sign = (h & 0x8000) << 16;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  // Subnormal half: mantissa × 2^-24 is exact in float32, so let the FPU normalise it.
  return (sign | float32Bits(mantissa * 2 ** -24)) >>> 0;
}

export function f16FromFloat32(value: number): number {
  return f16BitsFromFloat32Bits(float32Bits(value));
}

export function f16ToFloat32(bits: number): number {
  return float32FromBits(float32BitsFromF16Bits(bits));
}

// ---------------------------------------------------------------------------------------------
// Whole arrays. These are the hot loops of every load and merge, so they work on integer views and
// avoid per-element function calls where a table or a shift does the job.

let f16Table: Uint32Array | undefined;

/** float32 bits of every binary16 pattern: 256 KiB, built on first use, makes decoding one load. */
export function f16ToFloat32Table(): Uint32Array {
  if (!f16Table) {
    f16Table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = float32BitsFromF16Bits(h);
  }
  return f16Table;
}

function checkLengths(source: { length: number }, target: { length: number }): void {
  if (source.length !== target.length) {
    throw new RangeError(`conversion target holds ${target.length} elements, source ${source.length}`);
  }
}

export function bf16ArrayToFloat32(
  source: Uint16Array,
  target: Float32Array = new Float32Array(source.length),
): Float32Array {
  checkLengths(source, target);
  const out = new Uint32Array(target.buffer, target.byteOffset, target.length);
  for (let i = 0; i < source.length; i++) out[i] = (source[i] as number) << 16;
  return target;
}

export function f16ArrayToFloat32(
  source: Uint16Array,
  target: Float32Array = new Float32Array(source.length),
): Float32Array {
  checkLengths(source, target);
  const table = f16ToFloat32Table();
  const out = new Uint32Array(target.buffer, target.byteOffset, target.length);
  for (let i = 0; i < source.length; i++) out[i] = table[source[i] as number] as number;
  return target;
}

export function float32ArrayToBf16(
  source: Float32Array,
  target: Uint16Array = new Uint16Array(source.length),
): Uint16Array {
  checkLengths(source, target);
  const bits = new Uint32Array(source.buffer, source.byteOffset, source.length);
  for (let i = 0; i < bits.length; i++) target[i] = bf16BitsFromFloat32Bits(bits[i] as number);
  return target;
}

export function float32ArrayToF16(
  source: Float32Array,
  target: Uint16Array = new Uint16Array(source.length),
): Uint16Array {
  checkLengths(source, target);
  const bits = new Uint32Array(source.buffer, source.byteOffset, source.length);
  for (let i = 0; i < bits.length; i++) target[i] = f16BitsFromFloat32Bits(bits[i] as number);
  return target;
}

/** View little-endian bytes of 2-byte elements; copies only when the bytes are not 2-aligned. */
function uint16View(bytes: Uint8Array): Uint16Array {
  if (bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  return new Uint16Array(bytes.slice().buffer);
}

function float32View(bytes: Uint8Array): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(bytes.slice().buffer);
}

/** Raw tensor bytes of a float dtype → a new float32 array (F32 bytes are copied, never aliased). */
export function bytesToFloat32(dtype: FloatDtype, bytes: Uint8Array): Float32Array {
  const elementSize = dtype === 'F32' ? 4 : 2;
  if (bytes.byteLength % elementSize !== 0) {
    throw new RangeError(`${bytes.byteLength} bytes are not a whole number of ${dtype} elements`);
  }
  switch (dtype) {
    case 'F32':
      return float32View(bytes).slice();
    case 'BF16':
      return bf16ArrayToFloat32(uint16View(bytes));
    case 'F16':
      return f16ArrayToFloat32(uint16View(bytes));
  }
}

/** float32 values → the raw little-endian bytes of `dtype` (a new buffer, ready to write). */
export function float32ToBytes(dtype: FloatDtype, values: Float32Array): Uint8Array {
  switch (dtype) {
    case 'F32':
      return new Uint8Array(values.slice().buffer);
    case 'BF16':
      return new Uint8Array(float32ArrayToBf16(values).buffer);
    case 'F16':
      return new Uint8Array(float32ArrayToF16(values).buffer);
  }
}
