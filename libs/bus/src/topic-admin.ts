import { type TopicContract, deadLetterTopic } from '@xreason/contracts';
import type { Kafka } from 'kafkajs';

/** Creates each topic and its dead-letter topic if missing (idempotent; real clusters may pre-create them). */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly TopicContract[],
  options: { partitions?: number; replicationFactor?: number } = {},
) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = topics.flatMap((t) => [t.name, deadLetterTopic(t.name)]).filter((name) => !existing.has(name));
    if (wanted.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({
          topic,
          numPartitions: options.partitions ?? 3,
          replicationFactor: options.replicationFactor ?? 1,
        })),
      });
    }
    return wanted;
  } finally {
    await admin.disconnect();
  }
}
