/** Shared pieces of the kafkajs conformance suite: clients, temp dirs, polling, message collection. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Kafka,
  logLevel,
  Partitioners,
  type Consumer,
  type ConsumerConfig,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `xreason-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function kafkaClient(bootstrapServers: string, clientId = 'conformance'): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrapServers],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 8 },
  });
}

export function producerOf(kafka: Kafka, config: ProducerConfig = {}): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
}

/** Consumer settings that make group changes visible within a few seconds instead of 30. */
export function fastConsumerConfig(groupId: string): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: 3000,
    rebalanceTimeout: 6000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 100,
    retry: { retries: 20, initialRetryTime: 100 },
  };
}

export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Received {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: string;
}

/** Runs `consumer` on `topic`, appending every message it processes to `into`. */
export async function collect(
  consumer: Consumer,
  topic: string,
  into: Received[],
  fromBeginning = true,
): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      into.push({
        partition,
        offset: Number(message.offset),
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
      });
    },
  });
}

export function messages(prefix: string, count: number, start = 0): { key: string; value: string }[] {
  return Array.from({ length: count }, (_, i) => ({ key: `key-${(start + i) % 17}`, value: `${prefix}-${start + i}` }));
}
