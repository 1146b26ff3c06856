import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type Broker } from './index.js';

/** Sends raw bytes; resolves with the first response frame, or null when the broker closes instead. */
function exchange(port: number, bytes: Buffer): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        socket.destroy();
        resolve(received.subarray(4, 4 + received.readInt32BE(0)));
      }
    });
    socket.on('close', () => resolve(null));
    socket.on('error', reject);
    setTimeout(() => reject(new Error('no answer and no close within 5 s')), 5000).unref();
  });
}

function request(apiKey: number, apiVersion: number, body = Buffer.alloc(0), correlationId = 42): Buffer {
  const header = Buffer.alloc(14);
  header.writeInt32BE(10 + body.length, 0);
  header.writeInt16BE(apiKey, 4);
  header.writeInt16BE(apiVersion, 6);
  header.writeInt32BE(correlationId, 8);
  header.writeInt16BE(-1, 12);
  return Buffer.concat([header, body]);
}

describe('broker', () => {
  let broker: Broker;
  let dataDir: string;
  let kafka: Kafka;
  const warnings: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'broker-spec-'));
    broker = await startBroker({
      port: 0,
      dataDir,
      logger: { info() {}, warn: (_o, msg) => warnings.push(msg ?? ''), error: (_o, msg) => warnings.push(msg ?? '') },
    });
    kafka = new Kafka({ brokers: [broker.bootstrapServers], clientId: 'spec', logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('round-trips messages through produce and a consumer group', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: 'smoke',
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'smoke-group', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'smoke', fromBeginning: true });
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) =>
            void (seen.add(message.value?.toString() ?? '') && seen.size === 30 && resolve()),
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(seen.size).toBe(30);
  });

  it('answers ApiVersions of an unknown version in the v0 layout with UNSUPPORTED_VERSION and its list', async () => {
    const response = (await exchange(broker.port, request(18, 9))) as Buffer;
    expect(response.readInt32BE(0)).toBe(42);
    expect(response.readInt16BE(4)).toBe(35);
    const count = response.readInt32BE(6);
    const apis = Array.from({ length: count }, (_, i) => response.readInt16BE(10 + i * 6));
    expect(apis).toEqual(expect.arrayContaining([0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 22]));
  });

  it.each([
    ['an unknown API key', request(999, 0)],
    ['a version the broker does not implement', request(3, 99)],
    ['a truncated body', request(19, 0, Buffer.from([0, 0, 0, 5]))],
    ['an oversized frame', Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3])],
    ['a negative frame size', Buffer.from([0xff, 0xff, 0xff, 0xfe])],
    ['random bytes', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
  ])('closes the connection on %s and keeps serving other clients', async (_name, bytes) => {
    expect(await exchange(broker.port, bytes)).toBeNull();
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.listTopics()).toBeInstanceOf(Array);
    await admin.disconnect();
  });

  /** Fetch v4 of one partition from `offset`, willing to wait 20 s for one byte. */
  function fetchRequest(topic: string, offset: bigint): Buffer {
    const name = Buffer.from(topic);
    const body = Buffer.alloc(4 + 4 + 4 + 4 + 1 + 4 + 2 + name.length + 4 + 4 + 8 + 4);
    let at = body.writeInt32BE(-1, 0); // replica_id
    at = body.writeInt32BE(20_000, at); // max_wait_ms: longer than exchange() waits for an answer
    at = body.writeInt32BE(1, at); // min_bytes
    at = body.writeInt32BE(1 << 20, at);
    at = body.writeInt8(0, at); // isolation_level
    at = body.writeInt32BE(1, at);
    at = body.writeInt16BE(name.length, at);
    at += name.copy(body, at);
    at = body.writeInt32BE(1, at);
    at = body.writeInt32BE(0, at); // partition
    at = body.writeBigInt64BE(offset, at);
    body.writeInt32BE(1 << 20, at);
    return request(1, 4, body);
  }

  /** The error code of the only partition of a Fetch v4 response. */
  const partitionError = (response: Buffer) => response.readInt16BE(4 + 4 + 4 + 2 + response.readInt16BE(12) + 4 + 4);

  it.each([
    ['UNKNOWN_TOPIC_OR_PARTITION', 3, 'no-such-topic', 0n],
    ['OFFSET_OUT_OF_RANGE', 1, 'fetch-errors', 1_000_000n],
  ])(
    'answers a long-polling Fetch with %s at once instead of after max_wait_ms',
    async (_name, code, topic, offset) => {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'fetch-errors', numPartitions: 1 }] });
      await admin.disconnect();
      const response = await exchange(broker.port, fetchRequest(topic, offset));
      expect(response).not.toBeNull();
      expect(partitionError(response!)).toBe(code);
    },
  );

  it('logs why it closed a connection', () => {
    expect(warnings).toContain('closing connection');
  });

  it('exposes Prometheus metrics: requests by API, bytes, rebalances', () => {
    const text = broker.metricsText();
    expect(text).toMatch(/^kafka_broker_requests_total\{api="Produce",version="7"\} \d+$/m);
    expect(text).toMatch(/^kafka_broker_requests_total\{api="JoinGroup",version="5"\} \d+$/m);
    expect(text).toMatch(/^kafka_broker_network_bytes_in_total [1-9]\d*$/m);
    expect(text).toMatch(/^kafka_broker_record_bytes_out_total [1-9]\d*$/m);
    expect(text).toMatch(/^kafka_broker_group_rebalances_total\{group="smoke-group"\} [1-9]$/m);
    expect(text).toMatch(/^kafka_broker_request_errors_total [1-9]\d*$/m);
    expect(text).toMatch(/^# TYPE kafka_broker_connections_open gauge$/m);
  });

  it('refuses a second broker on the same data directory', async () => {
    await expect(startBroker({ port: 0, dataDir })).rejects.toThrow(/in use by broker process/);
  });

  it('keeps nothing after close in memory mode', async () => {
    const memory = await startBroker({ port: 0, memory: true });
    const client = new Kafka({ brokers: [memory.bootstrapServers], logLevel: logLevel.NOTHING });
    const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'ephemeral', messages: [{ value: 'x' }] });
    await producer.disconnect();
    await memory.close();
    const again = await startBroker({ port: 0, memory: true, autoCreateTopics: false });
    const admin = new Kafka({ brokers: [again.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    expect(await admin.listTopics()).toEqual([]);
    await admin.disconnect();
    await again.close();
  });
});
