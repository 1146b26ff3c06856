import { describe, expect, it } from 'vitest';
import { DLQ_HEADERS, deadLetterFor } from './dead-letter.js';

describe('deadLetterFor', () => {
  const original = {
    topic: 'xreason.stage.events.v1',
    partition: 2,
    message: {
      key: Buffer.from('run-1'),
      value: Buffer.from('{bad'),
      headers: { traceparent: 'tp' },
      offset: '41',
      timestamp: '0',
      attributes: 0,
    },
  };

  it('keeps key, value and headers, and adds where and why it failed', () => {
    const letter = deadLetterFor(original, 'operator', 'invalid-json', 'value is not JSON', 1);
    expect(letter.topic).toBe('xreason.stage.events.v1.dlq');
    expect(letter.message.key).toEqual(Buffer.from('run-1'));
    expect(letter.message.value).toEqual(Buffer.from('{bad'));
    expect(letter.message.headers).toMatchObject({
      traceparent: 'tp',
      [DLQ_HEADERS.reason]: 'invalid-json',
      [DLQ_HEADERS.originalTopic]: 'xreason.stage.events.v1',
      [DLQ_HEADERS.originalPartition]: '2',
      [DLQ_HEADERS.originalOffset]: '41',
      [DLQ_HEADERS.consumerGroup]: 'operator',
      [DLQ_HEADERS.attempts]: '1',
    });
  });

  it('truncates a huge error so the dead letter stays small', () => {
    const letter = deadLetterFor(original, 'g', 'handler-failed', 'x'.repeat(100_000), 5);
    expect(String(letter.message.headers?.[DLQ_HEADERS.error]).length).toBe(4_096);
  });
});
