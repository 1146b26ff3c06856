/**
 * RecordBatch v2 headers (the only record format the broker accepts, as Produce ≥ v3 mandates).
 * The broker stores batches byte-for-byte as the producer sent them and only rewrites the two
 * fields that sit outside the CRC: baseOffset (assigned on append) and partitionLeaderEpoch.
 * Records are never decompressed: the header's lastOffsetDelta already says how many offsets the
 * batch takes, whatever its codec.
 *
 *   0 baseOffset int64 · 8 batchLength int32 · 12 partitionLeaderEpoch int32 · 16 magic int8
 *   17 crc uint32 (CRC-32C of bytes 21..end) · 21 attributes int16 · 23 lastOffsetDelta int32
 *   27 baseTimestamp int64 · 35 maxTimestamp int64 · 43 producerId int64 · 51 producerEpoch int16
 *   53 baseSequence int32 · 57 recordCount int32 · 61 records…
 */
import { crc32c } from './crc32c.js';

export const LOG_OVERHEAD = 12;
export const BATCH_HEADER_BYTES = 61;
const CRC_START = 21;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

export class InvalidRecordBatchError extends Error {
  override name = 'InvalidRecordBatchError';
}

export interface BatchHeader {
  /** Where the batch starts in the buffer it was read from. */
  readonly position: number;
  /** Total bytes of the batch, baseOffset and batchLength included. */
  readonly size: number;
  readonly baseOffset: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

export function isTransactional(header: BatchHeader): boolean {
  return (header.attributes & TRANSACTIONAL_FLAG) !== 0;
}

export function isControl(header: BatchHeader): boolean {
  return (header.attributes & CONTROL_FLAG) !== 0;
}

/** Size of the batch starting at `position`, or null when fewer than 12 bytes are there. */
export function batchSizeAt(buffer: Buffer, position: number): number | null {
  if (position + LOG_OVERHEAD > buffer.length) return null;
  return LOG_OVERHEAD + buffer.readInt32BE(position + 8);
}

export function readBatchHeader(buffer: Buffer, position: number): BatchHeader {
  if (position + BATCH_HEADER_BYTES > buffer.length) {
    throw new InvalidRecordBatchError(
      `record batch at byte ${position} is truncated: header needs ${BATCH_HEADER_BYTES} bytes, ${buffer.length - position} left`,
    );
  }
  const batchLength = buffer.readInt32BE(position + 8);
  return {
    position,
    size: LOG_OVERHEAD + batchLength,
    baseOffset: Number(buffer.readBigInt64BE(position)),
    magic: buffer.readInt8(position + 16),
    crc: buffer.readUInt32BE(position + 17),
    attributes: buffer.readInt16BE(position + 21),
    lastOffsetDelta: buffer.readInt32BE(position + 23),
    baseTimestamp: Number(buffer.readBigInt64BE(position + 27)),
    maxTimestamp: Number(buffer.readBigInt64BE(position + 35)),
    producerId: Number(buffer.readBigInt64BE(position + 43)),
    producerEpoch: buffer.readInt16BE(position + 51),
    baseSequence: buffer.readInt32BE(position + 53),
    recordCount: buffer.readInt32BE(position + 57),
  };
}

/**
 * Checks one batch completely (length, magic, CRC, offset count) and returns its header. Anything a
 * consumer would choke on is refused here, so a bad produce never reaches the log.
 */
export function validateBatch(buffer: Buffer, position: number): BatchHeader {
  const header = readBatchHeader(buffer, position);
  const where = `record batch at byte ${position}`;
  if (header.size < BATCH_HEADER_BYTES)
    throw new InvalidRecordBatchError(`${where}: batchLength ${header.size - LOG_OVERHEAD} is shorter than a header`);
  if (position + header.size > buffer.length) {
    throw new InvalidRecordBatchError(
      `${where}: batchLength ${header.size - LOG_OVERHEAD} runs past the end (${buffer.length - position} bytes left)`,
    );
  }
  if (header.magic !== 2)
    throw new InvalidRecordBatchError(`${where}: magic ${header.magic} is not supported (only RecordBatch v2)`);
  if (header.lastOffsetDelta < 0 || header.recordCount !== header.lastOffsetDelta + 1) {
    throw new InvalidRecordBatchError(
      `${where}: recordCount ${header.recordCount} does not match lastOffsetDelta ${header.lastOffsetDelta}`,
    );
  }
  const actual = crc32c(buffer, position + CRC_START, position + header.size);
  if (actual !== header.crc) {
    throw new InvalidRecordBatchError(`${where}: CRC-32C mismatch (header ${header.crc}, computed ${actual})`);
  }
  return header;
}

/** Splits a Produce partition's `records` into validated batches; throws on the first bad one. */
export function validateBatches(records: Buffer): BatchHeader[] {
  const headers: BatchHeader[] = [];
  let position = 0;
  while (position < records.length) {
    const header = validateBatch(records, position);
    headers.push(header);
    position += header.size;
  }
  if (headers.length === 0) throw new InvalidRecordBatchError('produce request carries no record batch');
  return headers;
}

/** Assigns the batch its log offset. Safe without recomputing the CRC: both fields precede byte 21. */
export function assignBaseOffset(buffer: Buffer, position: number, baseOffset: number): void {
  buffer.writeBigInt64BE(BigInt(baseOffset), position);
  buffer.writeInt32BE(0, position + 12);
}
