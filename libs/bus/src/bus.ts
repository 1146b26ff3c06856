import type { TopicContract } from '@xreason/contracts';
import type { Kafka } from 'kafkajs';
import { type BusConnectionOptions, createKafka } from './connection.js';
import { Publisher } from './publisher.js';
import { ensureTopics } from './topic-admin.js';
import { TopicConsumer, type TopicConsumerOptions } from './topic-consumer.js';

/** One connection's publisher and consumers; close() stops consumers before the publisher they dead-letter through. */
export class Bus {
  readonly kafka: Kafka;
  readonly publisher: Publisher;
  private readonly consumers: TopicConsumer<TopicContract, unknown>[] = [];

  private constructor(readonly options: BusConnectionOptions) {
    this.kafka = createKafka(options);
    this.publisher = new Publisher(this.kafka);
  }

  static async connect(options: BusConnectionOptions): Promise<Bus> {
    const bus = new Bus(options);
    await bus.publisher.connect();
    return bus;
  }

  ensureTopics(topics: readonly TopicContract[], options?: { partitions?: number }): Promise<string[]> {
    return ensureTopics(this.kafka, topics, options);
  }

  async consume<C extends TopicContract, Transaction = unknown>(
    options: TopicConsumerOptions<C, Transaction>,
  ): Promise<TopicConsumer<C, Transaction>> {
    const consumer = new TopicConsumer(this.kafka, this.publisher, { logger: this.options.logger, ...options });
    this.consumers.push(consumer as unknown as TopicConsumer<TopicContract, unknown>);
    await consumer.start();
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
    this.consumers.length = 0;
    await this.publisher.disconnect();
  }
}
