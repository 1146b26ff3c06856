/**
 * Element types of the safetensors format and their sizes in bytes. Sub-byte types (F4, F6_*) are
 * left out on purpose: their tensors cannot be addressed per element by byte offsets, and no model
 * this project loads uses them; a file holding one is refused as an unknown dtype rather than misread.
 */
export const DTYPE_BYTE_SIZES = {
  // In the reference implementation's order (its Dtype enum), which its writer sorts by, descending.
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
} as const;

export type Dtype = keyof typeof DTYPE_BYTE_SIZES;

/** The floating-point types this library converts to and from float32. */
export type FloatDtype = 'F32' | 'BF16' | 'F16';

export const DTYPES = Object.keys(DTYPE_BYTE_SIZES) as Dtype[];
export const FLOAT_DTYPES: readonly FloatDtype[] = ['F32', 'BF16', 'F16'];

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_BYTE_SIZES, value);
}

export function isFloatDtype(value: unknown): value is FloatDtype {
  return value === 'F32' || value === 'BF16' || value === 'F16';
}

/** Rank in the reference writer's layout order: higher ranks are written first. */
export function dtypeRank(dtype: Dtype): number {
  return DTYPES.indexOf(dtype);
}

export function dtypeByteSize(dtype: Dtype): number {
  return DTYPE_BYTE_SIZES[dtype];
}

/**
 * Number of elements of a shape, or undefined when a dimension is not a non-negative integer or the
 * product leaves the range where doubles count exactly (a hostile header must not wrap around).
 */
export function elementCount(shape: readonly unknown[]): number | undefined {
  let count = 1;
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) return undefined;
    count *= dim;
    if (!Number.isSafeInteger(count)) return undefined;
  }
  return count;
}
