import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../protocol/error-codes.js';
import { validateBatches } from '../protocol/record-batch.js';
import { encodeBatch, type TestBatch } from '../protocol/record-batch.test-helpers.js';
import { PartitionLog, type LogOptions } from './partition-log.js';

const OPTIONS: LogOptions = { segmentBytes: 64 * 1024 * 1024, retentionBytes: -1, retentionMs: -1 };
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'partition-log-'));
  dirs.push(dir);
  return join(dir, 'topic-0');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function append(log: PartitionLog, batch: TestBatch) {
  const bytes = encodeBatch(batch);
  return log.append(bytes, validateBatches(bytes));
}

function values(log: PartitionLog, from = 0): number[] {
  // Every test batch carries its own first offset in baseSequence-free form: read back the offsets.
  const out: number[] = [];
  let offset = from;
  while (offset < log.nextOffset) {
    const { records } = log.read(offset, 1);
    if (records === null) break;
    const headers = validateBatches(records);
    for (const h of headers) {
      out.push(h.baseOffset);
      offset = h.baseOffset + h.lastOffsetDelta + 1;
    }
  }
  return out;
}

const logFile = (dir: string) =>
  join(
    dir,
    readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .pop() as string,
  );

describe('PartitionLog', () => {
  it('assigns contiguous offsets and serves whole batches from any offset inside them', () => {
    const log = new PartitionLog('t', 0, null, OPTIONS);
    expect(append(log, { records: [{ value: 'a' }, { value: 'b' }] })).toMatchObject({ baseOffset: 0 });
    expect(append(log, { records: [{ value: 'c' }] })).toMatchObject({ baseOffset: 2 });
    expect(log.nextOffset).toBe(3);
    expect(validateBatches(log.read(1, 1).records as Buffer)[0]?.baseOffset).toBe(0);
    expect(log.read(3, 1024)).toEqual({ errorCode: ErrorCode.NONE, records: null });
    expect(log.read(4, 1024).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('cuts a torn tail on reopen and keeps appending after the last whole batch', () => {
    const dir = tempDir();
    let log = new PartitionLog('t', 0, dir, OPTIONS);
    for (let i = 0; i < 3; i++) append(log, { records: [{ value: `v${i}` }] });
    log.close();
    const whole = statSync(logFile(dir)).size;
    // Half of a fourth batch, as a crash in the middle of write(2) would leave it.
    appendFileSync(logFile(dir), encodeBatch({ baseOffset: 3, records: [{ value: 'torn' }] }).subarray(0, 40));

    log = new PartitionLog('t', 0, dir, OPTIONS);
    expect(log.recovery.truncatedBytes).toBe(40);
    expect(statSync(logFile(dir)).size).toBe(whole);
    expect(log.nextOffset).toBe(3);
    expect(append(log, { records: [{ value: 'after' }] })).toMatchObject({ baseOffset: 3 });
    expect(values(log)).toEqual([0, 1, 2, 3]);
    log.close();
  });

  it('cuts at a batch whose bytes were corrupted, and everything after it', () => {
    const dir = tempDir();
    let log = new PartitionLog('t', 0, dir, OPTIONS);
    for (let i = 0; i < 4; i++) append(log, { records: [{ value: `value-${i}` }] });
    log.close();
    const file = logFile(dir);
    const bytes = readFileSync(file);
    const batchSize = bytes.length / 4;
    bytes[2 * batchSize + 70] = (bytes[2 * batchSize + 70] as number) ^ 0xff; // inside batch 2's records
    writeFileSync(file, bytes);

    log = new PartitionLog('t', 0, dir, OPTIONS);
    expect(log.nextOffset).toBe(2);
    expect(log.recovery.truncatedBytes).toBe(2 * batchSize);
    log.close();
  });

  it('rolls segments at segmentBytes and reads across them after a reopen (closed segments use their index)', () => {
    const dir = tempDir();
    const batchBytes = encodeBatch({ records: [{ value: 'x'.repeat(100) }] }).length;
    let log = new PartitionLog('t', 0, dir, { ...OPTIONS, segmentBytes: 3 * batchBytes });
    for (let i = 0; i < 10; i++) append(log, { records: [{ value: 'x'.repeat(100) }] });
    expect(log.segmentCount).toBe(4);
    log.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.index'))).toHaveLength(4);

    log = new PartitionLog('t', 0, dir, { ...OPTIONS, segmentBytes: 3 * batchBytes });
    expect(log.segmentCount).toBe(4);
    expect(values(log)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    log.close();
  });

  it('retention by size deletes the oldest closed segments and moves the log start', () => {
    const batchBytes = encodeBatch({ records: [{ value: 'y' }] }).length;
    const log = new PartitionLog('t', 0, tempDir(), {
      ...OPTIONS,
      segmentBytes: 2 * batchBytes,
      retentionBytes: 4 * batchBytes,
    });
    for (let i = 0; i < 10; i++) append(log, { records: [{ value: 'y' }] });
    expect(log.enforceRetention(Date.now())).toBe(3);
    expect(log.logStartOffset).toBe(6);
    expect(log.read(0, 1024).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(values(log, 6)).toEqual([6, 7, 8, 9]);
    log.close();
  });

  it('retention by time deletes segments whose newest record is too old, the active one included', () => {
    const log = new PartitionLog('t', 0, tempDir(), { ...OPTIONS, retentionMs: 60_000 });
    append(log, { records: [{ value: 'old' }], timestamp: 1_000 });
    append(log, { records: [{ value: 'old' }], timestamp: 2_000 });
    expect(log.enforceRetention(1_000_000)).toBe(1);
    expect(log.logStartOffset).toBe(2);
    expect(log.nextOffset).toBe(2);
    expect(append(log, { records: [{ value: 'new' }] })).toMatchObject({ baseOffset: 2 });
    log.close();
  });

  it('answers a retried idempotent batch with its first offset, also after a restart', () => {
    const dir = tempDir();
    const batch = { records: [{ value: 'once' }], producerId: 5, producerEpoch: 0, baseSequence: 0 };
    let log = new PartitionLog('t', 0, dir, OPTIONS);
    expect(append(log, batch)).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 0, duplicate: false });
    expect(append(log, batch)).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 0, duplicate: true });
    log.close();
    log = new PartitionLog('t', 0, dir, OPTIONS);
    expect(append(log, batch)).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 0, duplicate: true });
    expect(append(log, { ...batch, baseSequence: 1 })).toEqual({
      errorCode: ErrorCode.NONE,
      baseOffset: 1,
      duplicate: false,
    });
    expect(append(log, { ...batch, baseSequence: 5 })).toMatchObject({
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(log.nextOffset).toBe(2);
    log.close();
  });

  it('finds the first offset at or after a timestamp', () => {
    const log = new PartitionLog('t', 0, null, OPTIONS);
    append(log, { records: [{ value: 'a' }, { value: 'b' }], timestamp: 100 });
    append(log, { records: [{ value: 'c' }], timestamp: 200 });
    expect(log.offsetForTimestamp(50)).toEqual({ offset: 0, timestamp: 100 });
    expect(log.offsetForTimestamp(150)).toEqual({ offset: 2, timestamp: 200 });
    expect(log.offsetForTimestamp(250)).toBeNull();
  });
});
