/**
 * One segment of a partition log: record batches appended back to back in `storage`, plus an
 * in-memory index with one entry per batch (base offset, last offset, byte position, size, max
 * timestamp). On disk the index is `<base>.index`, written when the segment is rolled or the
 * broker closes; the active segment's index is rebuilt by scanning at start-up, which is also what
 * finds and cuts a torn tail.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { BATCH_HEADER_BYTES, LOG_OVERHEAD, validateBatch, type BatchHeader } from '../protocol/record-batch.js';
import type { SegmentStorage } from './segment-storage.js';

const INDEX_ENTRY_BYTES = 24;
const SCAN_CHUNK_BYTES = 1 << 20;

export interface ScanResult {
  readonly validBytes: number;
  readonly truncatedBytes: number;
}

export class Segment {
  readonly baseOffset: number;
  readonly storage: SegmentStorage;
  /** Path of the `.index` file, or null for in-memory segments. */
  readonly indexPath: string | null;
  private baseOffsets: number[] = [];
  private lastOffsets: number[] = [];
  private positions: number[] = [];
  private sizes: number[] = [];
  private maxTimestamps: number[] = [];
  private largestTimestamp = -1;

  constructor(baseOffset: number, storage: SegmentStorage, indexPath: string | null) {
    this.baseOffset = baseOffset;
    this.storage = storage;
    this.indexPath = indexPath;
  }

  get batchCount(): number {
    return this.baseOffsets.length;
  }

  get size(): number {
    return this.storage.size;
  }

  /** The offset the next appended batch gets. */
  get nextOffset(): number {
    const last = this.lastOffsets.length;
    return last === 0 ? this.baseOffset : (this.lastOffsets[last - 1] as number) + 1;
  }

  get maxTimestamp(): number {
    return this.largestTimestamp;
  }

  /** Appends batches whose offsets the caller already assigned (contiguous from `nextOffset`). */
  append(
    bytes: Buffer,
    headers: readonly { size: number; baseOffset: number; lastOffsetDelta: number; maxTimestamp: number }[],
  ): void {
    let position = this.storage.size;
    this.storage.append(bytes);
    for (const header of headers) {
      this.addEntry(
        header.baseOffset,
        header.baseOffset + header.lastOffsetDelta,
        position,
        header.size,
        header.maxTimestamp,
      );
      position += header.size;
    }
  }

  private addEntry(baseOffset: number, lastOffset: number, position: number, size: number, maxTimestamp: number): void {
    this.baseOffsets.push(baseOffset);
    this.lastOffsets.push(lastOffset);
    this.positions.push(position);
    this.sizes.push(size);
    this.maxTimestamps.push(maxTimestamp);
    if (maxTimestamp > this.largestTimestamp) this.largestTimestamp = maxTimestamp;
  }

  /** Index of the batch holding `offset`, or of the first batch after it; batchCount when none. */
  private batchIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.lastOffsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.lastOffsets[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whole batches starting with the one that holds `offset`, up to `maxBytes` — but always at least
   * one batch, however large (KIP-74), so a consumer can never get stuck behind a big batch.
   */
  read(offset: number, maxBytes: number): Buffer | null {
    const first = this.batchIndexFor(offset);
    if (first >= this.batchCount) return null;
    let bytes = this.sizes[first] as number;
    let i = first + 1;
    while (i < this.batchCount && bytes + (this.sizes[i] as number) <= maxBytes) {
      bytes += this.sizes[i] as number;
      i++;
    }
    return this.storage.read(this.positions[first] as number, bytes);
  }

  /** Base offset of the first batch whose max timestamp is ≥ `timestamp`, with that timestamp. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    for (let i = 0; i < this.batchCount; i++) {
      const maxTimestamp = this.maxTimestamps[i] as number;
      if (maxTimestamp >= timestamp) return { offset: this.baseOffsets[i] as number, timestamp: maxTimestamp };
    }
    return null;
  }

  /** Headers of every batch, read back from storage (producer-state rebuild when no snapshot exists). */
  *headers(): Generator<{ baseOffset: number; header: Buffer }> {
    for (let i = 0; i < this.batchCount; i++) {
      yield {
        baseOffset: this.baseOffsets[i] as number,
        header: this.storage.read(this.positions[i] as number, BATCH_HEADER_BYTES),
      };
    }
  }

  writeIndex(): void {
    if (this.indexPath === null) return;
    const out = Buffer.allocUnsafe(this.batchCount * INDEX_ENTRY_BYTES);
    for (let i = 0; i < this.batchCount; i++) {
      const at = i * INDEX_ENTRY_BYTES;
      const base = this.baseOffsets[i] as number;
      out.writeUInt32BE(base - this.baseOffset, at);
      out.writeUInt32BE(this.positions[i] as number, at + 4);
      out.writeUInt32BE((this.lastOffsets[i] as number) - base, at + 8);
      out.writeUInt32BE(this.sizes[i] as number, at + 12);
      out.writeBigInt64BE(BigInt(this.maxTimestamps[i] as number), at + 16);
    }
    writeFileSync(this.indexPath, out);
  }

  /**
   * Loads `<base>.index` when it exists and covers the segment exactly (its last batch ends at the
   * end of the file). Returns false when the index is missing or stale; the caller then scans.
   */
  loadIndex(): boolean {
    if (this.indexPath === null || !existsSync(this.indexPath)) return false;
    const data = readFileSync(this.indexPath);
    if (data.length === 0 || data.length % INDEX_ENTRY_BYTES !== 0) return false;
    const entries = data.length / INDEX_ENTRY_BYTES;
    const lastAt = (entries - 1) * INDEX_ENTRY_BYTES;
    if (data.readUInt32BE(lastAt + 4) + data.readUInt32BE(lastAt + 12) !== this.storage.size) return false;
    for (let i = 0; i < entries; i++) {
      const at = i * INDEX_ENTRY_BYTES;
      const base = this.baseOffset + data.readUInt32BE(at);
      this.addEntry(
        base,
        base + data.readUInt32BE(at + 8),
        data.readUInt32BE(at + 4),
        data.readUInt32BE(at + 12),
        Number(data.readBigInt64BE(at + 16)),
      );
    }
    return true;
  }

  /**
   * Rebuilds the index by reading every batch and checking its length, magic, CRC and offset; the
   * first batch that fails marks a torn or corrupt tail, and everything from there is cut off.
   */
  scan(onBatch: (header: BatchHeader) => void = () => {}): ScanResult {
    const fileSize = this.storage.size;
    let position = 0;
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    let expected = this.baseOffset;
    while (position < fileSize) {
      if (position + LOG_OVERHEAD > chunkStart + chunk.length) {
        chunk = this.storage.read(position, SCAN_CHUNK_BYTES);
        chunkStart = position;
        if (chunk.length < LOG_OVERHEAD) break;
      }
      const size = LOG_OVERHEAD + chunk.readInt32BE(position - chunkStart + 8);
      if (size < BATCH_HEADER_BYTES || position + size > fileSize) break;
      if (position + size > chunkStart + chunk.length) {
        chunk = this.storage.read(position, Math.max(SCAN_CHUNK_BYTES, size));
        chunkStart = position;
        if (chunk.length < size) break;
      }
      let header: BatchHeader;
      try {
        header = validateBatch(chunk.subarray(position - chunkStart, position - chunkStart + size), 0);
      } catch {
        break;
      }
      if (header.baseOffset !== expected) break;
      this.addEntry(header.baseOffset, header.baseOffset + header.lastOffsetDelta, position, size, header.maxTimestamp);
      onBatch(header);
      expected = header.baseOffset + header.lastOffsetDelta + 1;
      position += size;
    }
    if (position < fileSize) this.storage.truncate(position);
    return { validBytes: position, truncatedBytes: fileSize - position };
  }

  close(): void {
    this.storage.close();
  }

  remove(): void {
    this.storage.remove();
    if (this.indexPath !== null) rmSync(this.indexPath, { force: true });
  }
}
