/**
 * Builds one response as a list of chunks: small fields accumulate in a growing scratch buffer,
 * large byte fields (record batches read from the log) are appended as their own chunk, so a Fetch
 * response never copies the records it serves.
 */
const INLINE_LIMIT = 4096;

export class Writer {
  private chunks: Buffer[] = [];
  private current: Buffer;
  private offset = 0;
  private flushedBytes = 0;

  constructor(initialCapacity = 256) {
    this.current = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.flushedBytes + this.offset;
  }

  private ensure(bytes: number): void {
    if (this.offset + bytes <= this.current.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.current.length * 2, this.offset + bytes));
    this.current.copy(grown, 0, 0, this.offset);
    this.current = grown;
  }

  int8(value: number): this {
    this.ensure(1);
    this.offset = this.current.writeInt8(value, this.offset);
    return this;
  }

  int16(value: number): this {
    this.ensure(2);
    this.offset = this.current.writeInt16BE(value, this.offset);
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.offset = this.current.writeInt32BE(value, this.offset);
    return this;
  }

  int64(value: number): this {
    this.ensure(8);
    this.offset = this.current.writeBigInt64BE(BigInt(value), this.offset);
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  string(value: string): this {
    return this.nullableString(value);
  }

  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value, 'utf8');
    this.int16(length);
    this.ensure(length);
    this.offset += this.current.write(value, this.offset, 'utf8');
    return this;
  }

  bytes(value: Buffer): this {
    return this.nullableBytes(value);
  }

  nullableBytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    return this.raw(value);
  }

  /** Byte fields split across several buffers (a Fetch answer made of stored batches). */
  bytesChunks(chunks: readonly Buffer[]): this {
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    this.int32(total);
    for (const chunk of chunks) this.raw(chunk);
    return this;
  }

  raw(value: Buffer): this {
    if (value.length <= INLINE_LIMIT) {
      this.ensure(value.length);
      value.copy(this.current, this.offset);
      this.offset += value.length;
      return this;
    }
    this.flush();
    this.chunks.push(value);
    this.flushedBytes += value.length;
    return this;
  }

  array<T>(items: readonly T[], writeItem: (writer: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, writeItem: (writer: this, item: T) => void): this {
    if (items === null) return this.int32(-1);
    return this.array(items, writeItem);
  }

  private flush(): void {
    if (this.offset === 0) return;
    this.chunks.push(this.current.subarray(0, this.offset));
    this.flushedBytes += this.offset;
    this.current = Buffer.allocUnsafe(Math.max(256, this.current.length - this.offset));
    this.offset = 0;
  }

  toChunks(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  }
}
