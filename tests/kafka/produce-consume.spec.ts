import { startBroker, type Broker } from '@xreason/broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, kafkaClient, messages, producerOf, tempDir, waitFor, type Received } from './kafka-helpers.js';

describe('kafkajs against the broker: topics, produce, consume', () => {
  const dir = tempDir('produce-consume');
  let broker: Broker;

  beforeAll(async () => {
    broker = await startBroker({ port: 0, dataDir: dir.path });
  });

  afterAll(async () => {
    await broker.close();
    dir.remove();
  });

  it('admin creates, lists, describes and deletes topics, and refuses a duplicate', async () => {
    const admin = kafkaClient(broker.bootstrapServers).admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 3 }, { topic: 'admin-b' }] })).toBe(
        true,
      );
      expect(await admin.listTopics()).toEqual(expect.arrayContaining(['admin-a', 'admin-b']));
      const { topics } = await admin.fetchTopicMetadata({ topics: ['admin-a'] });
      expect(topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      // kafkajs answers "false" when every topic already exists (TOPIC_ALREADY_EXISTS).
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 3 }] })).toBe(false);
      await expect(admin.createTopics({ topics: [{ topic: 'bad topic!' }] })).rejects.toThrow();
      await admin.deleteTopics({ topics: ['admin-a'] });
      const remaining = await admin.listTopics();
      expect(remaining).not.toContain('admin-a');
      expect(remaining).toContain('admin-b');
    } finally {
      await admin.disconnect();
    }
  });

  it('delivers every message of a multi-partition topic exactly once, in order within each partition', async () => {
    const kafka = kafkaClient(broker.bootstrapServers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'multi', numPartitions: 4 }] });
    await admin.disconnect();

    const producer = producerOf(kafka);
    await producer.connect();
    const sent = messages('multi', 400);
    for (let i = 0; i < sent.length; i += 50)
      await producer.send({ topic: 'multi', acks: -1, messages: sent.slice(i, i + 50) });
    await producer.send({ topic: 'multi', acks: 1, compression: 1 /* gzip */, messages: messages('gzip', 20, 400) });
    // acks=0 gets no answer at all; later requests on the connection are handled after it.
    await producer.send({ topic: 'multi', acks: 0, messages: messages('fire-and-forget', 10, 420) });
    await producer.disconnect();

    const received: Received[] = [];
    const consumer = kafka.consumer({ groupId: 'multi-reader', maxWaitTimeInMs: 100 });
    await collect(consumer, 'multi', received);
    await waitFor('430 messages', () => received.length >= 430);
    await consumer.disconnect();

    expect(received).toHaveLength(430);
    expect(new Set(received.map((m) => m.value)).size).toBe(430);
    expect(new Set(received.map((m) => m.partition))).toEqual(new Set([0, 1, 2, 3]));
    for (const partition of [0, 1, 2, 3]) {
      const offsets = received.filter((m) => m.partition === partition).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    // Same key → same partition, in send order.
    const byKey = new Map<string, Received[]>();
    for (const m of received.filter((r) => r.value.startsWith('multi-')))
      byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
    for (const group of byKey.values()) {
      expect(new Set(group.map((m) => m.partition)).size).toBe(1);
      const order = group.map((m) => Number(m.value.split('-')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('admin sets a group offset, reads it back, and a consumer of that group starts there', async () => {
    const kafka = kafkaClient(broker.bootstrapServers);
    const producer = producerOf(kafka);
    await producer.connect();
    await producer.send({ topic: 'seekable', messages: messages('seek', 10) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId: 'seeker', topic: 'seekable', partitions: [{ partition: 0, offset: '7' }] });
      expect(await admin.fetchOffsets({ groupId: 'seeker', topics: ['seekable'] })).toEqual([
        { topic: 'seekable', partitions: [expect.objectContaining({ partition: 0, offset: '7' })] },
      ]);
      const received: Received[] = [];
      const consumer = kafka.consumer({ groupId: 'seeker', maxWaitTimeInMs: 100 });
      await collect(consumer, 'seekable', received);
      await waitFor('3 messages', () => received.length >= 3);
      await consumer.disconnect();
      expect(received.map((m) => m.value)).toEqual(['seek-7', 'seek-8', 'seek-9']);
      const { groups } = await admin.listGroups();
      expect(groups.map((g) => g.groupId)).toContain('seeker');
    } finally {
      await admin.disconnect();
    }
  });

  it('answers ListOffsets for earliest, latest and a timestamp', async () => {
    const kafka = kafkaClient(broker.bootstrapServers);
    const producer = producerOf(kafka);
    await producer.connect();
    await producer.send({ topic: 'offsets-by-time', messages: [{ value: 'old', timestamp: '1000' }] });
    const cut = Date.now();
    await producer.send({ topic: 'offsets-by-time', messages: [{ value: 'new', timestamp: String(cut + 10) }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.fetchTopicOffsets('offsets-by-time')).toEqual([
        expect.objectContaining({ partition: 0, low: '0', high: '2' }),
      ]);
      expect(await admin.fetchTopicOffsetsByTimestamp('offsets-by-time', cut)).toEqual([{ partition: 0, offset: '1' }]);
    } finally {
      await admin.disconnect();
    }
  });
});
