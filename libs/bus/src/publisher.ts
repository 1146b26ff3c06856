import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { type MessageOf, type PayloadOf, type TopicContract, validate } from '@xreason/contracts';
import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { injectTraceHeaders } from './trace-headers.js';

export const MESSAGE_HEADERS = {
  messageType: 'x-xreason-message-type',
  schemaVersion: 'x-xreason-schema-version',
  contentType: 'content-type',
} as const;

/** What a caller supplies; the envelope's id, type, version and time are filled in. */
export interface OutgoingMessage<C extends TopicContract> {
  runId: string;
  payload: PayloadOf<C>;
  /** Set it when retrying a logical send, so consumers see one message id (idempotency). */
  messageId?: string;
  occurredAt?: string;
}

/**
 * Publishes typed, validated envelopes. The producer is idempotent with acks = all, so a retried
 * batch is stored once; the key is the run id, so one run's messages stay ordered in one partition.
 */
export class Publisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }

  /** Validates, then sends; resolves once the broker has acknowledged (acks = all). Returns the envelope sent. */
  async publish<C extends TopicContract>(topic: C, message: OutgoingMessage<C>): Promise<MessageOf<C>> {
    const envelope = validate(
      topic.schema,
      {
        messageId: message.messageId ?? randomUUID(),
        type: topic.messageType,
        schemaVersion: topic.schemaVersion,
        runId: message.runId,
        occurredAt: message.occurredAt ?? new Date().toISOString(),
        payload: message.payload,
      },
      `${topic.messageType} message for ${topic.name}`,
    ) as MessageOf<C>;
    const tracer = trace.getTracer('@xreason/bus');
    await tracer.startActiveSpan(
      `${topic.name} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic.name,
          'messaging.message.id': envelope.messageId,
        },
      },
      async (span) => {
        try {
          const headers: IHeaders = {
            [MESSAGE_HEADERS.messageType]: topic.messageType,
            [MESSAGE_HEADERS.schemaVersion]: String(topic.schemaVersion),
            [MESSAGE_HEADERS.contentType]: 'application/json',
          };
          injectTraceHeaders(headers, context.active());
          await this.producer.send({
            topic: topic.name,
            acks: -1,
            messages: [{ key: envelope.runId, value: JSON.stringify(envelope), headers }],
          });
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
    return envelope;
  }

  /** Raw send for dead letters: the original bytes and headers, untouched. */
  async sendRaw(topic: string, messages: Parameters<Producer['send']>[0]['messages']): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages });
  }
}
