import type { ValueTransformer } from 'typeorm';

/**
 * `bigint` columns come back from `pg` as strings (a JavaScript number cannot hold every int8). Byte
 * counts fit a double exactly up to 8 PiB, so we map them to numbers — and refuse, rather than round,
 * anything beyond `Number.MAX_SAFE_INTEGER`.
 */
export const safeIntegerTransformer: ValueTransformer = {
  to(value: number | null | undefined): number | null | undefined {
    if (value === null || value === undefined) return value;
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer for a bigint column`);
    return value;
  },
  from(value: string | null): number | null {
    if (value === null) return null;
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} does not fit a JavaScript number exactly`);
    return parsed;
  },
};
