import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type Broker } from './index.js';

describe('broker with kafkajs', () => {
  let broker: Broker;
  let dataDir: string;
  let kafka: Kafka;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'broker-spec-'));
    broker = await startBroker({ port: 0, dataDir });
    kafka = new Kafka({ brokers: [broker.bootstrapServers], clientId: 'spec', logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('round-trips messages through produce and a consumer group', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'smoke', numPartitions: 3 }] });
    expect(await admin.listTopics()).toContain('smoke');
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'smoke', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'smoke-group', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'smoke', fromBeginning: true });
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.add(message.value?.toString() ?? '');
            if (seen.size === 30) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(seen.size).toBe(30);
  });
});
