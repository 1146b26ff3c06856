import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../protocol/error-codes.js';
import { ProducerStateTable, type SequencedBatch } from './producer-state.js';

const batch = (producerEpoch: number, baseSequence: number, lastOffsetDelta = 0): SequencedBatch => ({
  producerId: 9,
  producerEpoch,
  baseSequence,
  lastOffsetDelta,
});

function tableAfter(...written: [SequencedBatch, number][]): ProducerStateTable {
  const table = new ProducerStateTable();
  for (const [b, offset] of written) table.record(b, offset);
  return table;
}

describe('ProducerStateTable', () => {
  const history: [SequencedBatch, number][] = [
    [batch(0, 0, 2), 10],
    [batch(0, 3, 1), 13],
  ];

  it.each([
    ['the next sequence', batch(0, 5), { kind: 'append' }],
    ['a retry of the last batch', batch(0, 3, 1), { kind: 'duplicate', baseOffset: 13 }],
    ['a retry of an earlier batch', batch(0, 0, 2), { kind: 'duplicate', baseOffset: 10 }],
    ['a gap in sequences', batch(0, 7), { kind: 'reject', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER }],
    ['an older epoch', batch(-1 + 0, 5), { kind: 'reject', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH }],
    ['a new epoch starting at 0', batch(1, 0), { kind: 'append' }],
    [
      'a new epoch not starting at 0',
      batch(1, 4),
      { kind: 'reject', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER },
    ],
  ])('answers %s', (_name, incoming, expected) => {
    expect(tableAfter(...history).check(incoming)).toMatchObject(expected);
  });

  it('accepts any batch of a non-idempotent producer or of a producer it has never seen', () => {
    const table = tableAfter(...history);
    expect(table.check({ producerId: -1, producerEpoch: -1, baseSequence: -1, lastOffsetDelta: 0 })).toEqual({
      kind: 'append',
    });
    expect(table.check({ producerId: 77, producerEpoch: 0, baseSequence: 42, lastOffsetDelta: 0 })).toEqual({
      kind: 'append',
    });
  });

  it('remembers only the last five batches per producer', () => {
    const table = new ProducerStateTable();
    for (let i = 0; i < 6; i++) table.record(batch(0, i), i);
    expect(table.check(batch(0, 0))).toMatchObject({ kind: 'reject' });
    expect(table.check(batch(0, 1))).toEqual({ kind: 'duplicate', baseOffset: 1 });
  });

  it('wraps sequences at int32 max', () => {
    const table = tableAfter([batch(0, 0x7ffffffe, 1), 0]);
    expect(table.check(batch(0, 0))).toEqual({ kind: 'append' });
  });

  it('survives a JSON round trip (the segment snapshot)', () => {
    const restored = ProducerStateTable.fromJSON(JSON.parse(JSON.stringify(tableAfter(...history))));
    expect(restored.check(batch(0, 3, 1))).toEqual({ kind: 'duplicate', baseOffset: 13 });
  });
});
