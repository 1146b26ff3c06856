import { chmodSync } from 'node:fs';
import { trace } from '@opentelemetry/api';
import { type Broker, startBroker } from '@xreason/broker';
import { Bus, type ConsumeOutcome, DLQ_HEADERS, headerText } from '@xreason/bus';
import { StageEventTopic, deadLetterTopic } from '@xreason/contracts';
import { type Database, openDatabase, postgresIdempotencyStore } from '@xreason/db';
import { InMemorySpanExporter, type Telemetry, setupTelemetry } from '@xreason/telemetry';
import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, tempDir, waitFor } from '../kafka/kafka-helpers.js';

/** libs/bus against the project's Kafka-protocol broker and a real embedded Postgres. */
describe('bus', () => {
  const state = tempDir('bus');
  let broker: Broker;
  let database: Database;
  let bus: Bus;
  let telemetry: Telemetry;
  const spans = new InMemorySpanExporter();
  let groupCounter = 0;
  const nextGroup = () => `bus-test-${++groupCounter}`;

  beforeAll(async () => {
    chmodSync(state.path, 0o755); // as root, embedded Postgres runs as the postgres user
    telemetry = setupTelemetry({ serviceName: 'bus-test', spanExporter: spans, logLevel: 'silent' });
    broker = await startBroker({ port: 0, memory: true });
    database = await openDatabase({ stateDir: state.path });
    await database.dataSource.query('CREATE TABLE IF NOT EXISTS bus_effects (message_id text NOT NULL, note text)');
    bus = await Bus.connect({ brokers: [broker.bootstrapServers], clientId: 'bus-test' });
    await bus.ensureTopics([StageEventTopic], { partitions: 2 });
  }, 120_000);

  afterAll(async () => {
    await bus?.close();
    await broker?.close();
    await database?.close();
    await telemetry?.shutdown();
    state.remove();
  });

  const event = (runId: string, stage = 'sft', messageId?: string) => ({
    runId,
    messageId,
    payload: { stage, attempt: 1, phase: 'Running' as const, progress: 0.5 },
  });

  /** Reads everything on a topic from the beginning until `count` messages have arrived. */
  async function readTopic(topic: string, count: number) {
    const consumer = kafkaClient(broker.bootstrapServers).consumer({ groupId: nextGroup(), maxWaitTimeInMs: 100 });
    const received: { headers: Record<string, string | undefined>; value: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.keys(message.headers ?? {}).map((k) => [k, headerText(message.headers, k)]),
        );
        received.push({ headers, value: message.value?.toString() ?? '' });
      },
    });
    try {
      await waitFor(`${count} messages on ${topic}`, () => received.length >= count, 30_000);
    } finally {
      await consumer.disconnect();
    }
    return received;
  }

  it('parks a poison message on the dead-letter topic with its reason, and keeps consuming', async () => {
    const outcomes: ConsumeOutcome[] = [];
    const handled: string[] = [];
    await bus.publisher.sendRaw(StageEventTopic.name, [
      { key: 'run-poison', value: '{not json' },
      { key: 'run-poison', value: JSON.stringify({ ...event('run-poison').payload, nonsense: true }) },
    ]);
    const good = await bus.publisher.publish(StageEventTopic, event('run-poison'));
    await bus.consume({
      topic: StageEventTopic,
      groupId: nextGroup(),
      handler: async (message) => void handled.push(message.messageId),
      onOutcome: (o) => outcomes.push(o),
    });
    await waitFor('the good message', () => handled.includes(good.messageId), 30_000);
    const parked = await readTopic(deadLetterTopic(StageEventTopic.name), 2);
    const reasons = parked.map((p) => p.headers[DLQ_HEADERS.reason]).sort();
    expect(reasons).toEqual(['invalid-json', 'invalid-message']);
    const invalid = parked.find((p) => p.headers[DLQ_HEADERS.reason] === 'invalid-message');
    expect(invalid?.headers[DLQ_HEADERS.error]).toMatch(/\/messageId: /);
    expect(invalid?.headers[DLQ_HEADERS.originalTopic]).toBe(StageEventTopic.name);
    expect(parked.find((p) => p.headers[DLQ_HEADERS.reason] === 'invalid-json')?.value).toBe('{not json');
    expect(outcomes.filter((o) => o.kind === 'dead-lettered')).toHaveLength(2);
  }, 60_000);

  it('retries a failing handler with backoff, then dead-letters it with the error and attempt count', async () => {
    const topic = { ...StageEventTopic, name: 'xreason.test-retry.events.v1' };
    await bus.ensureTopics([topic], { partitions: 1 });
    let calls = 0;
    await bus.publisher.publish(topic, event('run-fail'));
    await bus.consume({
      topic,
      groupId: nextGroup(),
      retry: { maxAttempts: 3, initialMs: 10, maxMs: 50 },
      handler: async () => {
        calls++;
        throw new Error('the stage store is down');
      },
    });
    const [parked] = await readTopic(deadLetterTopic(topic.name), 1);
    expect(calls).toBe(3);
    expect(parked?.headers[DLQ_HEADERS.reason]).toBe('handler-failed');
    expect(parked?.headers[DLQ_HEADERS.attempts]).toBe('3');
    expect(parked?.headers[DLQ_HEADERS.error]).toMatch(/the stage store is down/);
    expect(parked?.headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-/); // original headers kept
  }, 60_000);

  it('gives a redelivered message one effect, and rolls back the marker with a failed attempt', async () => {
    const topic = { ...StageEventTopic, name: 'xreason.test-idempotent.events.v1' };
    await bus.ensureTopics([topic], { partitions: 1 });
    const first = await bus.publisher.publish(topic, event('run-dup', 'sft', 'message-dup-1'));
    await bus.publisher.publish(topic, event('run-dup', 'sft', 'message-dup-1')); // the same logical message again
    await bus.publisher.publish(topic, event('run-dup', 'grpo', 'message-dup-2'));
    const outcomes: ConsumeOutcome[] = [];
    let failOnce = true;
    await bus.consume<typeof topic, EntityManager>({
      topic,
      groupId: nextGroup(),
      retry: { maxAttempts: 3, initialMs: 10, maxMs: 20 },
      idempotency: postgresIdempotencyStore(database.dataSource),
      handler: async (message, context) => {
        await context.transaction!.query('INSERT INTO bus_effects (message_id, note) VALUES ($1, $2)', [
          message.messageId,
          `attempt ${context.attempt}`,
        ]);
        if (message.messageId === 'message-dup-2' && failOnce) {
          failOnce = false;
          throw new Error('transient');
        }
      },
      onOutcome: (o) => outcomes.push(o),
    });
    await waitFor('three outcomes', () => outcomes.length >= 3, 30_000);
    const rows: { message_id: string; note: string }[] = await database.dataSource.query(
      "SELECT message_id, note FROM bus_effects WHERE message_id LIKE 'message-dup-%' ORDER BY message_id",
    );
    expect(rows).toEqual([
      { message_id: first.messageId, note: 'attempt 1' },
      { message_id: 'message-dup-2', note: 'attempt 2' }, // attempt 1's write rolled back with its marker
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['handled', 'duplicate', 'handled']);
  }, 60_000);

  it('carries the W3C trace context across a produce → consume hop', async () => {
    const topic = { ...StageEventTopic, name: 'xreason.test-trace.events.v1' };
    await bus.ensureTopics([topic], { partitions: 1 });
    const tracer = trace.getTracer('bus-test');
    const producedTraceId = await tracer.startActiveSpan('submit run', async (span) => {
      await bus.publisher.publish(topic, event('run-trace'));
      span.end();
      return span.spanContext().traceId;
    });
    let consumedTraceId: string | undefined;
    await bus.consume({
      topic,
      groupId: nextGroup(),
      handler: async () => {
        consumedTraceId = trace.getActiveSpan()?.spanContext().traceId;
      },
    });
    await waitFor('the traced message', () => consumedTraceId !== undefined, 30_000);
    expect(consumedTraceId).toBe(producedTraceId);
    await waitFor('the consumer span to end', () =>
      spans.getFinishedSpans().some((s) => s.name === `${topic.name} process`),
    );
    const names = spans
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === producedTraceId)
      .map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['submit run', `${topic.name} publish`, `${topic.name} process`]));
  }, 60_000);
});
