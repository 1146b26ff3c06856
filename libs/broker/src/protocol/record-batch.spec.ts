import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';
import { assignBaseOffset, InvalidRecordBatchError, validateBatch, validateBatches } from './record-batch.js';
import { encodeBatch } from './record-batch.test-helpers.js';

const batch = () =>
  encodeBatch({
    records: [{ key: 'k', value: 'one' }, { value: 'two' }, { value: 'three' }],
    producerId: 7,
    producerEpoch: 1,
    baseSequence: 4,
  });

describe('RecordBatch v2 validation', () => {
  it('reads the header fields of a well-formed batch', () => {
    const header = validateBatch(batch(), 0);
    expect(header).toMatchObject({
      magic: 2,
      recordCount: 3,
      lastOffsetDelta: 2,
      producerId: 7,
      producerEpoch: 1,
      baseSequence: 4,
      size: batch().length,
    });
  });

  it('splits back-to-back batches', () => {
    const two = Buffer.concat([batch(), encodeBatch({ records: [{ value: 'x' }] })]);
    expect(validateBatches(two).map((h) => [h.position, h.recordCount])).toEqual([
      [0, 3],
      [batch().length, 1],
    ]);
  });

  it.each([
    [
      'a flipped record byte',
      (b: Buffer) => void b.writeUInt8(b.readUInt8(b.length - 2) ^ 0x01, b.length - 2),
      /CRC-32C mismatch/,
    ],
    ['magic 1', (b: Buffer) => void b.writeInt8(1, 16), /magic 1 is not supported/],
    ['a length past the end', (b: Buffer) => void b.writeInt32BE(b.length, 8), /runs past the end/],
    ['a length shorter than a header', (b: Buffer) => void b.writeInt32BE(10, 8), /shorter than a header/],
    [
      'a record count that disagrees with lastOffsetDelta',
      (b: Buffer) => void b.writeInt32BE(9, 57),
      /recordCount 9 does not match lastOffsetDelta 2/,
    ],
  ])('refuses a batch with %s', (_name, corrupt, message) => {
    const bytes = batch();
    corrupt(bytes);
    expect(() => validateBatch(bytes, 0)).toThrow(InvalidRecordBatchError);
    expect(() => validateBatch(bytes, 0)).toThrow(message);
  });

  it('refuses a truncated header and an empty record set', () => {
    expect(() => validateBatch(batch().subarray(0, 40), 0)).toThrow(/header needs 61 bytes, 40 left/);
    expect(() => validateBatches(Buffer.alloc(0))).toThrow(/no record batch/);
  });

  it('assigns the base offset without invalidating the CRC', () => {
    const bytes = batch();
    const before = crc32c(bytes, 21);
    assignBaseOffset(bytes, 0, 123_456);
    expect(validateBatch(bytes, 0).baseOffset).toBe(123_456);
    expect(crc32c(bytes, 21)).toBe(before);
  });
});
