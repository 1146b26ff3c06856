import { spawnBrokerProcess, startBroker } from '@xreason/broker';
import { describe, expect, it } from 'vitest';
import { collect, kafkaClient, producerOf, tempDir, waitFor, type Received } from './kafka-helpers.js';
import { ResponseDroppingProxy } from './response-dropping-proxy.js';

describe('durability and exactly-once append', () => {
  it('a SIGKILLed broker loses no acknowledged message', async () => {
    const dir = tempDir('sigkill');
    const topic = 'survives';
    let broker = await spawnBrokerProcess({ dataDir: dir.path, partitions: 3, quiet: true });
    try {
      const producer = producerOf(kafkaClient(broker.bootstrapServers), { retry: { retries: 0 } });
      await producer.connect();
      const acknowledged: string[] = [];
      let batch = 0;
      let killed = false;
      // Several producers' worth of sends in flight when the kill lands.
      const senders = Array.from({ length: 4 }, async (_, lane) => {
        while (!killed) {
          const values = Array.from({ length: 25 }, (_, i) => `lane${lane}-batch${batch}-${i}`);
          batch++;
          try {
            await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: value, value })) });
            if (!killed) acknowledged.push(...values);
          } catch {
            return;
          }
        }
      });
      await waitFor('some acknowledged messages', () => acknowledged.length >= 2000);
      await broker.kill('SIGKILL');
      killed = true;
      const ackedAtKill = [...acknowledged];
      await Promise.all(senders);
      await producer.disconnect().catch(() => {});

      broker = await spawnBrokerProcess({ dataDir: dir.path, quiet: true });
      const received: Received[] = [];
      const consumer = kafkaClient(broker.bootstrapServers).consumer({ groupId: 'after-kill', maxWaitTimeInMs: 100 });
      await collect(consumer, topic, received);
      const present = () => new Set(received.map((m) => m.value));
      await waitFor(
        'every acknowledged message after restart',
        () => ackedAtKill.every((v) => present().has(v)),
        20_000,
      );
      await consumer.disconnect();
      expect(ackedAtKill.filter((v) => !present().has(v))).toEqual([]);
      expect(received.length).toBe(present().size); // nothing stored twice
    } finally {
      await broker.kill('SIGKILL');
      dir.remove();
    }
  }, 60_000);

  it('an idempotent producer retrying a batch whose answer was lost stores it once', async () => {
    const proxy = await ResponseDroppingProxy.start();
    const broker = await startBroker({ port: 0, memory: true, advertisedPort: proxy.port });
    proxy.forwardTo(broker.port);
    try {
      const kafka = kafkaClient(`127.0.0.1:${proxy.port}`);
      const producer = producerOf(kafka, { idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({ topic: 'once', acks: -1, messages: [{ value: 'warm-up' }] });
      proxy.dropProduceResponses = 1;
      await producer.send({ topic: 'once', acks: -1, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
      await producer.send({ topic: 'once', acks: -1, messages: [{ value: 'after' }] });
      await producer.disconnect();

      expect(proxy.droppedResponses).toBe(1);
      expect(proxy.produceRequests).toBeGreaterThanOrEqual(4); // the lost one was sent again
      const received: Received[] = [];
      const consumer = kafka.consumer({ groupId: 'once-reader', maxWaitTimeInMs: 100 });
      await collect(consumer, 'once', received);
      await waitFor('5 messages', () => received.length >= 5);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await consumer.disconnect();
      expect(received.map((m) => m.value)).toEqual(['warm-up', 'a', 'b', 'c', 'after']);
      expect(received.map((m) => m.offset)).toEqual([0, 1, 2, 3, 4]);
      expect(broker.metricsText()).toMatch(/^kafka_broker_duplicate_batches_total 1$/m);
    } finally {
      await broker.close();
      await proxy.close();
    }
  }, 30_000);
});
