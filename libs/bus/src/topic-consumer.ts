import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { type IdempotencyStore, type MessageOf, type TopicContract, findProblems } from '@xreason/contracts';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { type BusLogger, SILENT_LOGGER } from './connection.js';
import { type DeadLetterReason, deadLetterFor } from './dead-letter.js';
import type { Publisher } from './publisher.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, backoffMs } from './retry-policy.js';
import { extractTraceContext } from './trace-headers.js';

export interface MessageContext<Transaction = unknown> {
  topic: string;
  partition: number;
  offset: string;
  headers: IHeaders;
  /** 1 for the first try; retries count up. */
  attempt: number;
  /** The idempotency store's transaction, when the consumer has one: write effects through it. */
  transaction?: Transaction;
}

export type MessageHandler<C extends TopicContract, Transaction = unknown> = (
  message: MessageOf<C>,
  context: MessageContext<Transaction>,
) => Promise<void>;

export interface TopicConsumerOptions<C extends TopicContract, Transaction = unknown> {
  topic: C;
  groupId: string;
  handler: MessageHandler<C, Transaction>;
  /** Partitions handled at once; messages within a partition stay in order. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Exactly one effect per message id; without it, handlers must be idempotent themselves. */
  idempotency?: IdempotencyStore<Transaction>;
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  logger?: BusLogger;
  /** Observes outcomes (metrics, tests). */
  onOutcome?: (outcome: ConsumeOutcome) => void;
}

export type ConsumeOutcome =
  | { kind: 'handled'; topic: string; messageId: string; attempts: number }
  | { kind: 'duplicate'; topic: string; messageId: string }
  | { kind: 'dead-lettered'; topic: string; reason: DeadLetterReason; error: string; attempts: number };

/**
 * One kafkajs consumer for one topic and group, so a slow topic never blocks another. Each message
 * is decoded and validated (a poison message goes straight to `<topic>.dlq`), handled with retries
 * and exponential backoff (then dead-lettered with the error), optionally exactly once through the
 * idempotency store, inside a consumer span continuing the producer's trace. Offsets are committed
 * only after a message is handled or parked, so a crash redelivers rather than loses.
 */
export class TopicConsumer<C extends TopicContract, Transaction = unknown> {
  private readonly consumer: Consumer;
  private readonly retry: RetryPolicy;
  private readonly logger: BusLogger;
  private stopping = false;

  constructor(
    kafka: Kafka,
    private readonly publisher: Publisher,
    private readonly options: TopicConsumerOptions<C, Transaction>,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      allowAutoTopicCreation: false,
    });
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (this.retry.maxAttempts < 1) throw new Error('bus: retry.maxAttempts must be at least 1');
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topic: this.options.topic.name,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload) {
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.stopping) break;
      const settled = await this.handleMessage(batch.topic, batch.partition, message, heartbeat);
      if (!settled) break; // stopping mid-retry: leave the offset uncommitted, the next owner retries
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /** True once the message is handled, a duplicate, or parked; false when interrupted by stop(). */
  private async handleMessage(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const decoded = this.decode(message);
    if ('reason' in decoded) {
      await this.deadLetter(topic, partition, message, decoded.reason, decoded.error, 0);
      return true;
    }
    const envelope = decoded.envelope;
    const parent = extractTraceContext(message.headers);
    const tracer = trace.getTracer('@xreason/bus');
    for (let attempt = 1; ; attempt++) {
      const messageContext: MessageContext<Transaction> = {
        topic,
        partition,
        offset: message.offset,
        headers: message.headers ?? {},
        attempt,
      };
      try {
        const ran = await context.with(parent, () =>
          tracer.startActiveSpan(
            `${topic} process`,
            {
              kind: SpanKind.CONSUMER,
              attributes: {
                'messaging.system': 'kafka',
                'messaging.destination.name': topic,
                'messaging.consumer.group.name': this.options.groupId,
                'messaging.message.id': envelope.messageId,
                'messaging.kafka.offset': Number(message.offset),
              },
            },
            async (span) => {
              try {
                return await this.runHandler(envelope, messageContext, topic, partition, message.offset);
              } catch (error) {
                span.recordException(error as Error);
                span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
                throw error;
              } finally {
                span.end();
              }
            },
          ),
        );
        this.options.onOutcome?.(
          ran
            ? { kind: 'handled', topic, messageId: envelope.messageId, attempts: attempt }
            : { kind: 'duplicate', topic, messageId: envelope.messageId },
        );
        return true;
      } catch (error) {
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (attempt >= this.retry.maxAttempts) {
          await this.deadLetter(topic, partition, message, 'handler-failed', text, attempt);
          return true;
        }
        const wait = backoffMs(this.retry, attempt);
        this.logger.warn(
          { topic, partition, offset: message.offset, attempt, retryInMs: wait, error: text },
          'handler failed; retrying',
        );
        if (!(await this.sleepWithHeartbeats(wait, heartbeat))) return false;
      }
    }
  }

  private async runHandler(
    envelope: MessageOf<C>,
    messageContext: MessageContext<Transaction>,
    topic: string,
    partition: number,
    offset: string,
  ) {
    const store = this.options.idempotency;
    if (!store) {
      await this.options.handler(envelope, messageContext);
      return true;
    }
    return store.runOnce(
      { consumerGroup: this.options.groupId, messageKey: envelope.messageId, topic, partition, offset },
      (transaction) => this.options.handler(envelope, { ...messageContext, transaction }),
    );
  }

  private decode(message: KafkaMessage): { envelope: MessageOf<C> } | { reason: DeadLetterReason; error: string } {
    let value: unknown;
    try {
      value = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch (error) {
      return { reason: 'invalid-json', error: `value is not JSON: ${(error as Error).message}` };
    }
    const problems = findProblems(this.options.topic.schema, value);
    if (problems.length > 0) {
      return {
        reason: 'invalid-message',
        error: `not a valid ${this.options.topic.messageType} v${this.options.topic.schemaVersion}: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`,
      };
    }
    return { envelope: value as MessageOf<C> };
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: DeadLetterReason,
    error: string,
    attempts: number,
  ) {
    const letter = deadLetterFor({ topic, partition, message }, this.options.groupId, reason, error, attempts);
    await this.publisher.sendRaw(letter.topic, [letter.message]);
    this.logger.error(
      { topic, partition, offset: message.offset, reason, error, deadLetterTopic: letter.topic },
      'message parked on the dead-letter topic',
    );
    this.options.onOutcome?.({ kind: 'dead-lettered', topic, reason, error, attempts });
  }

  /** Sleeps in heartbeat-sized steps so a long backoff does not cost the group membership. */
  private async sleepWithHeartbeats(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    const step = Math.max(50, Math.min(1_000, (this.options.heartbeatIntervalMs ?? 3_000) / 2));
    for (let waited = 0; waited < ms; waited += step) {
      if (this.stopping) return false;
      await new Promise((r) => setTimeout(r, Math.min(step, ms - waited)));
      await heartbeat().catch(() => undefined);
    }
    return !this.stopping;
  }
}
