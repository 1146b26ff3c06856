/**
 * Reads the Kafka wire primitives (big-endian ints, int16-length strings, int32-length bytes,
 * int32-count arrays) from one request body. Every read is bounds-checked and a failure names the
 * field and the byte offset, so a malformed frame becomes a clear error instead of a garbage value.
 */
export class ProtocolDecodeError extends Error {
  override name = 'ProtocolDecodeError';
}

/** Arrays in a request may not claim more entries than this: a corrupt count must not allocate gigabytes. */
const MAX_ARRAY_LENGTH = 1_000_000;

export class Reader {
  readonly buffer: Buffer;
  private offset: number;
  private readonly end: number;

  constructor(buffer: Buffer, offset = 0, end = buffer.length) {
    this.buffer = buffer;
    this.offset = offset;
    this.end = end;
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(bytes: number, field: string): number {
    const at = this.offset;
    if (bytes < 0 || at + bytes > this.end) {
      throw new ProtocolDecodeError(
        `truncated request: field '${field}' needs ${bytes} bytes at byte ${at}, only ${this.end - at} left`,
      );
    }
    this.offset = at + bytes;
    return at;
  }

  int8(field: string): number {
    return this.buffer.readInt8(this.need(1, field));
  }

  int16(field: string): number {
    return this.buffer.readInt16BE(this.need(2, field));
  }

  int32(field: string): number {
    return this.buffer.readInt32BE(this.need(4, field));
  }

  /** int64 as a JS number: offsets, timestamps and producer ids all stay far below 2^53 in practice. */
  int64(field: string): number {
    return Number(this.buffer.readBigInt64BE(this.need(8, field)));
  }

  boolean(field: string): boolean {
    return this.buffer.readInt8(this.need(1, field)) !== 0;
  }

  string(field: string): string {
    const value = this.nullableString(field);
    if (value === null) throw new ProtocolDecodeError(`field '${field}' is null but must be a string`);
    return value;
  }

  nullableString(field: string): string | null {
    const length = this.int16(`${field}.length`);
    if (length < -1) throw new ProtocolDecodeError(`field '${field}' has invalid string length ${length}`);
    if (length === -1) return null;
    const at = this.need(length, field);
    return this.buffer.toString('utf8', at, at + length);
  }

  /** A view into the request buffer (no copy): callers that keep it past the request must copy it. */
  bytes(field: string): Buffer {
    const value = this.nullableBytes(field);
    if (value === null) throw new ProtocolDecodeError(`field '${field}' is null but must be bytes`);
    return value;
  }

  nullableBytes(field: string): Buffer | null {
    const length = this.int32(`${field}.length`);
    if (length < -1) throw new ProtocolDecodeError(`field '${field}' has invalid bytes length ${length}`);
    if (length === -1) return null;
    const at = this.need(length, field);
    return this.buffer.subarray(at, at + length);
  }

  array<T>(field: string, readItem: (reader: Reader, index: number) => T): T[] {
    const items = this.nullableArray(field, readItem);
    if (items === null) throw new ProtocolDecodeError(`field '${field}' is a null array but must be an array`);
    return items;
  }

  nullableArray<T>(field: string, readItem: (reader: Reader, index: number) => T): T[] | null {
    const count = this.int32(`${field}.count`);
    if (count === -1) return null;
    // Each entry takes at least one byte, so a count above the bytes left is a lie.
    if (count < -1 || count > MAX_ARRAY_LENGTH || count > this.remaining) {
      throw new ProtocolDecodeError(
        `field '${field}' has invalid array length ${count} (${this.remaining} bytes left)`,
      );
    }
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = readItem(this, i);
    return items;
  }
}
