import { fork, type ChildProcess } from 'node:child_process';
import { startBroker, type Broker } from '@xreason/broker';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  fastConsumerConfig,
  kafkaClient,
  messages,
  producerOf,
  tempDir,
  waitFor,
  type Received,
} from './kafka-helpers.js';

const TOPIC = 'group-work';
const PARTITIONS = 6;

function rebalances(broker: Broker, group: string): number {
  const line = broker
    .metricsText()
    .split('\n')
    .find((l) => l.startsWith(`kafka_broker_group_rebalances_total{group="${group}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('consumer groups against the broker', () => {
  const dir = tempDir('groups');
  let broker: Broker;

  beforeAll(async () => {
    broker = await startBroker({ port: 0, dataDir: dir.path, defaultPartitions: PARTITIONS });
  });

  afterAll(async () => {
    await broker.close();
    dir.remove();
  });

  it('a group of 3 rebalances when a consumer joins, leaves, or is killed, and every message is processed', async () => {
    const kafka = kafkaClient(broker.bootstrapServers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    const group = 'rebalancing';
    const processed: Received[] = [];
    const membersAre = async (n: number) => {
      const { groups } = await admin.describeGroups([group]);
      return groups[0]?.state === 'Stable' && groups[0].members.length === n;
    };

    // Two in-process consumers and one in a child process that will be SIGKILLed.
    const a = kafka.consumer(fastConsumerConfig(group));
    let b: Consumer = kafka.consumer(fastConsumerConfig(group));
    await collect(a, TOPIC, processed);
    await collect(b, TOPIC, processed);
    const killable: ChildProcess = fork(
      new URL('./consumer-process.mjs', import.meta.url),
      [broker.bootstrapServers, group, TOPIC],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    killable.on('message', (m: { type: string; partition: number; offset: number; value: string }) => {
      if (m.type === 'message') processed.push({ partition: m.partition, offset: m.offset, key: '', value: m.value });
    });
    try {
      await waitFor('3 stable members', () => membersAre(3));
      const producer = producerOf(kafka);
      await producer.connect();
      let sent = 0;
      const produce = async (count: number) => {
        await producer.send({ topic: TOPIC, acks: -1, messages: messages('work', count, sent) });
        sent += count;
      };
      await produce(150);

      await b.disconnect(); // leaves: LeaveGroup
      await waitFor('2 stable members after a leave', () => membersAre(2));
      await produce(150);

      b = kafka.consumer(fastConsumerConfig(group));
      await collect(b, TOPIC, processed); // joins
      await waitFor('3 stable members after a join', () => membersAre(3));
      await produce(150);

      killable.kill('SIGKILL'); // no LeaveGroup: only the session timeout can tell
      await produce(150);
      await waitFor('2 stable members after the session timeout', () => membersAre(2), 15_000);
      await produce(150);
      await producer.disconnect();

      const expected = Array.from({ length: sent }, (_, i) => `work-${i}`);
      await waitFor('every message processed', () => new Set(processed.map((m) => m.value)).size >= sent, 20_000);
      expect([...new Set(processed.map((m) => m.value))].sort()).toEqual(expected.sort());
      expect(rebalances(broker, group)).toBeGreaterThanOrEqual(4);
    } finally {
      killable.kill('SIGKILL');
      await Promise.all([a.disconnect(), b.disconnect()]);
      await admin.disconnect();
    }
  }, 90_000);

  it('a restarted consumer resumes from its committed offset, across a broker restart too', async () => {
    let kafka = kafkaClient(broker.bootstrapServers);
    const topic = 'resume';
    const group = 'resumer';
    let producer = producerOf(kafka);
    await producer.connect();
    await producer.send({ topic, messages: messages('first', 50) });
    await producer.disconnect();

    const firstRun: Received[] = [];
    let consumer = kafka.consumer(fastConsumerConfig(group));
    await collect(consumer, topic, firstRun);
    await waitFor('first 50', () => firstRun.length >= 50);
    await consumer.disconnect(); // commits on the way out

    // Broker restart on the same data directory: offsets come back from __meta/consumer-offsets.log.
    await broker.close();
    broker = await startBroker({ port: 0, dataDir: dir.path, defaultPartitions: PARTITIONS });
    kafka = kafkaClient(broker.bootstrapServers);

    producer = producerOf(kafka);
    await producer.connect();
    await producer.send({ topic, messages: messages('second', 30, 50) });
    await producer.disconnect();

    const secondRun: Received[] = [];
    consumer = kafka.consumer(fastConsumerConfig(group));
    await collect(consumer, topic, secondRun);
    await waitFor('next 30', () => secondRun.length >= 30);
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything re-delivered would show up by now
    await consumer.disconnect();

    const values = (run: Received[]) => run.map((m) => m.value).sort();
    expect(values(firstRun)).toEqual(values(messages('first', 50) as Received[]));
    // Nothing from the first run comes again: the group resumed where it committed.
    expect(values(secondRun)).toEqual(values(messages('second', 30, 50) as Received[]));
  }, 60_000);
});
