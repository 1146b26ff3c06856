import { deadLetterTopic } from '@xreason/contracts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

export type DeadLetterReason = 'invalid-json' | 'invalid-message' | 'handler-failed';

export const DLQ_HEADERS = {
  reason: 'x-xreason-dlq-reason',
  error: 'x-xreason-dlq-error',
  originalTopic: 'x-xreason-original-topic',
  originalPartition: 'x-xreason-original-partition',
  originalOffset: 'x-xreason-original-offset',
  consumerGroup: 'x-xreason-consumer-group',
  attempts: 'x-xreason-attempts',
  failedAt: 'x-xreason-failed-at',
} as const;

const MAX_ERROR_BYTES = 4_096;

export interface DeadLetter {
  topic: string;
  message: Message;
}

/** The parked copy of a message: the original key, value and headers, plus why and where it failed. */
export function deadLetterFor(
  original: { topic: string; partition: number; message: KafkaMessage },
  consumerGroup: string,
  reason: DeadLetterReason,
  error: string,
  attempts: number,
): DeadLetter {
  const headers: IHeaders = { ...(original.message.headers ?? {}) };
  headers[DLQ_HEADERS.reason] = reason;
  headers[DLQ_HEADERS.error] = Buffer.from(error).subarray(0, MAX_ERROR_BYTES).toString();
  headers[DLQ_HEADERS.originalTopic] = original.topic;
  headers[DLQ_HEADERS.originalPartition] = String(original.partition);
  headers[DLQ_HEADERS.originalOffset] = original.message.offset;
  headers[DLQ_HEADERS.consumerGroup] = consumerGroup;
  headers[DLQ_HEADERS.attempts] = String(attempts);
  headers[DLQ_HEADERS.failedAt] = new Date().toISOString();
  return {
    topic: deadLetterTopic(original.topic),
    message: { key: original.message.key, value: original.message.value, headers },
  };
}
