/** Builds RecordBatch v2 bytes for tests (uncompressed records, zigzag varints, real CRC-32C). */
import { crc32c } from './crc32c.js';

function zigzagVarint(value: number): Buffer {
  let v = BigInt.asUintN(64, (BigInt(value) << 1n) ^ (BigInt(value) >> 63n));
  const bytes: number[] = [];
  while (v >= 0x80n) {
    bytes.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  bytes.push(Number(v));
  return Buffer.from(bytes);
}

function nullableVarBytes(value: string | null): Buffer {
  if (value === null) return zigzagVarint(-1);
  const bytes = Buffer.from(value);
  return Buffer.concat([zigzagVarint(bytes.length), bytes]);
}

export interface TestBatch {
  records: { key?: string | null; value: string }[];
  baseOffset?: number;
  timestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  attributes?: number;
}

export function encodeBatch(batch: TestBatch): Buffer {
  const timestamp = batch.timestamp ?? 1_700_000_000_000;
  const records = batch.records.map((record, offsetDelta) => {
    const body = Buffer.concat([
      Buffer.from([0]), // attributes
      zigzagVarint(0), // timestamp delta
      zigzagVarint(offsetDelta),
      nullableVarBytes(record.key ?? null),
      nullableVarBytes(record.value),
      zigzagVarint(0), // headers
    ]);
    return Buffer.concat([zigzagVarint(body.length), body]);
  });
  const recordBytes = Buffer.concat(records);
  const out = Buffer.alloc(61 + recordBytes.length);
  out.writeBigInt64BE(BigInt(batch.baseOffset ?? 0), 0);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt32BE(0, 12);
  out.writeInt8(2, 16);
  out.writeInt16BE(batch.attributes ?? 0, 21);
  out.writeInt32BE(batch.records.length - 1, 23);
  out.writeBigInt64BE(BigInt(timestamp), 27);
  out.writeBigInt64BE(BigInt(timestamp), 35);
  out.writeBigInt64BE(BigInt(batch.producerId ?? -1), 43);
  out.writeInt16BE(batch.producerEpoch ?? -1, 51);
  out.writeInt32BE(batch.baseSequence ?? -1, 53);
  out.writeInt32BE(batch.records.length, 57);
  recordBytes.copy(out, 61);
  out.writeUInt32BE(crc32c(out, 21), 17);
  return out;
}
