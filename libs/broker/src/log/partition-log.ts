/**
 * The log of one topic partition: a list of segments (only the last, the active one, is appended
 * to), offsets assigned on append, retention by size and time, producer state for idempotence.
 *
 * Directory layout (like Kafka's): `<dataDir>/<topic>-<partition>/<20-digit base offset>.log`,
 * `.index` beside it, and `.snapshot` holding the producer state as of that segment's start.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../protocol/error-codes.js';
import { assignBaseOffset, readBatchHeader, type BatchHeader } from '../protocol/record-batch.js';
import { ProducerStateTable } from '../producers/producer-state.js';
import { Segment } from './segment.js';
import { FileSegmentStorage, MemorySegmentStorage } from './segment-storage.js';

export interface LogOptions {
  /** Roll to a new segment once the active one would exceed this many bytes. */
  readonly segmentBytes: number;
  /** Delete old segments while the partition holds more than this many bytes (-1: no limit). */
  readonly retentionBytes: number;
  /** Delete segments whose newest record is older than this (-1: keep forever). */
  readonly retentionMs: number;
}

export type AppendResult =
  | { readonly errorCode: typeof ErrorCode.NONE; readonly baseOffset: number; readonly duplicate: boolean }
  | { readonly errorCode: number; readonly message: string };

export interface RecoveryReport {
  readonly segments: number;
  readonly truncatedBytes: number;
}

const SEGMENT_SUFFIX = '.log';

function segmentFileBase(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  /** null: in-memory log. */
  readonly dir: string | null;
  private readonly options: LogOptions;
  private segments: Segment[] = [];
  private producers = new ProducerStateTable();
  private waiters = new Set<() => void>();
  recovery: RecoveryReport = { segments: 0, truncatedBytes: 0 };

  constructor(topic: string, partition: number, dir: string | null, options: LogOptions) {
    this.topic = topic;
    this.partition = partition;
    this.dir = dir;
    this.options = options;
    if (dir === null) {
      this.segments.push(this.newSegment(0));
    } else {
      mkdirSync(dir, { recursive: true });
      this.recover(dir);
    }
  }

  get logStartOffset(): number {
    return (this.segments[0] as Segment).baseOffset;
  }

  /** Log end offset; on a single node with no replication it is also the high watermark. */
  get nextOffset(): number {
    return this.active.nextOffset;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.size;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1] as Segment;
  }

  private newSegment(baseOffset: number): Segment {
    if (this.dir === null) return new Segment(baseOffset, new MemorySegmentStorage(), null);
    const base = join(this.dir, segmentFileBase(baseOffset));
    return new Segment(baseOffset, new FileSegmentStorage(base + SEGMENT_SUFFIX), base + '.index');
  }

  /**
   * Opens every segment; closed segments trust their index when it covers the file, the active one
   * is always scanned batch by batch (CRC included) and cut at the first torn or corrupt batch.
   * Producer state comes from the active segment's snapshot plus the batches after it.
   */
  private recover(dir: string): void {
    const bases = readdirSync(dir)
      .filter((name) => name.endsWith(SEGMENT_SUFFIX) && /^\d{20}\.log$/.test(name))
      .map((name) => Number(name.slice(0, 20)))
      .sort((a, b) => a - b);
    if (bases.length === 0) {
      this.segments.push(this.newSegment(0));
      return;
    }
    let truncatedBytes = 0;
    for (const [i, base] of bases.entries()) {
      const segment = this.newSegment(base);
      const isActive = i === bases.length - 1;
      if (isActive || !segment.loadIndex()) truncatedBytes += segment.scan().truncatedBytes;
      // A segment whose start does not follow the previous one (a crash between roll and first
      // append leaves an empty file, which is fine; anything else is a gap) ends the usable log.
      const previous = this.segments[this.segments.length - 1];
      if (previous !== undefined && previous.nextOffset !== base) {
        segment.remove();
        for (const later of bases.slice(i + 1)) this.newSegment(later).remove();
        break;
      }
      this.segments.push(segment);
    }
    this.recovery = { segments: this.segments.length, truncatedBytes };
    this.rebuildProducerState();
  }

  private snapshotPath(baseOffset: number): string | null {
    return this.dir === null ? null : join(this.dir, segmentFileBase(baseOffset) + '.snapshot');
  }

  private rebuildProducerState(): void {
    // Latest snapshot at or before the active segment, then replay the headers after it.
    let from = 0;
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const path = this.snapshotPath((this.segments[i] as Segment).baseOffset);
      if (path !== null && existsSync(path)) {
        try {
          this.producers = ProducerStateTable.fromJSON(JSON.parse(readFileSync(path, 'utf8')));
          from = i;
          break;
        } catch {
          // A torn snapshot is ignored: replaying more headers gives the same state.
        }
      }
    }
    for (const segment of this.segments.slice(from)) {
      for (const { baseOffset, header } of segment.headers()) {
        const parsed = readBatchHeader(header, 0);
        this.producers.record(parsed, baseOffset);
      }
    }
  }

  /**
   * Appends a Produce partition's validated batches: checks producer sequences, assigns offsets
   * (rewriting baseOffset in place), writes, then wakes long-polling fetches.
   */
  append(records: Buffer, headers: readonly BatchHeader[]): AppendResult {
    let duplicateOf: number | null = null;
    for (const header of headers) {
      const check = this.producers.check(header);
      if (check.kind === 'reject') return { errorCode: check.errorCode, message: check.message };
      if (check.kind === 'duplicate' && duplicateOf === null && process.env.NODEDUP !== '1')
        duplicateOf = check.baseOffset;
    }
    if (duplicateOf !== null) return { errorCode: ErrorCode.NONE, baseOffset: duplicateOf, duplicate: true };

    if (this.active.size > 0 && this.active.size + records.length > this.options.segmentBytes) this.roll();
    const firstOffset = this.nextOffset;
    let offset = firstOffset;
    const assigned: { size: number; baseOffset: number; lastOffsetDelta: number; maxTimestamp: number }[] = [];
    for (const header of headers) {
      assignBaseOffset(records, header.position, offset);
      assigned.push({
        size: header.size,
        baseOffset: offset,
        lastOffsetDelta: header.lastOffsetDelta,
        maxTimestamp: header.maxTimestamp,
      });
      this.producers.record(header, offset);
      offset += header.lastOffsetDelta + 1;
    }
    this.active.append(records, assigned);
    this.notifyWaiters();
    return { errorCode: ErrorCode.NONE, baseOffset: firstOffset, duplicate: false };
  }

  /** Fetch: whole batches from `offset`; empty at the log end; out of range outside the log. */
  read(offset: number, maxBytes: number): { errorCode: number; records: Buffer | null } {
    if (offset < this.logStartOffset || offset > this.nextOffset)
      return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: null };
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      const records = (this.segments[i] as Segment).read(offset, maxBytes);
      if (records !== null) return { errorCode: ErrorCode.NONE, records };
    }
    return { errorCode: ErrorCode.NONE, records: null };
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.segments[mid] as Segment).baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** ListOffsets: first offset whose batch has a timestamp ≥ `timestamp` (batch granularity). */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    for (const segment of this.segments) {
      if (segment.maxTimestamp < timestamp) continue;
      const found = segment.offsetForTimestamp(timestamp);
      if (found !== null) return found;
    }
    return null;
  }

  /** Long poll support: `wake` runs once on the next append. */
  waitForAppend(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  private notifyWaiters(): void {
    if (this.waiters.size === 0) return;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  private roll(): void {
    const previous = this.active;
    previous.writeIndex();
    previous.storage.syncNow();
    const next = this.newSegment(previous.nextOffset);
    const snapshot = this.snapshotPath(next.baseOffset);
    if (snapshot !== null) {
      writeFileSync(snapshot + '.tmp', JSON.stringify(this.producers));
      renameSync(snapshot + '.tmp', snapshot);
    }
    this.segments.push(next);
  }

  /**
   * Deletes the oldest closed segments past the time or size limit; the active segment is rolled
   * first when it is entirely expired, so a quiet partition still ages out. Returns segments deleted.
   */
  enforceRetention(now: number): number {
    const { retentionMs, retentionBytes } = this.options;
    if (retentionMs >= 0 && this.active.size > 0 && this.active.maxTimestamp < now - retentionMs) this.roll();
    let deleted = 0;
    let total = this.sizeBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0] as Segment;
      const expired = retentionMs >= 0 && oldest.maxTimestamp < now - retentionMs;
      const oversized = retentionBytes >= 0 && total - oldest.size >= retentionBytes;
      if (!expired && !oversized) break;
      this.segments.shift();
      total -= oldest.size;
      oldest.remove();
      const snapshot = this.snapshotPath(oldest.baseOffset);
      if (snapshot !== null) rmSync(snapshot, { force: true });
      deleted++;
    }
    return deleted;
  }

  flush(): Promise<void> {
    return this.active.storage.sync();
  }

  flushNow(): void {
    this.active.storage.syncNow();
  }

  close(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    this.active.writeIndex();
    this.active.storage.syncNow();
    for (const segment of this.segments) segment.close();
  }

  /** Deletes the partition: renamed first so a crash mid-delete never leaves a half log in place. */
  remove(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    for (const segment of this.segments) segment.close();
    if (this.dir === null) return;
    const doomed = `${this.dir}.${Date.now()}-delete`;
    renameSync(this.dir, doomed);
    rmSync(doomed, { recursive: true, force: true });
  }
}
