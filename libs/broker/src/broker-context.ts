/** What request handlers may reach: the broker's stores, its identity and its settings. */
import type { GroupCoordinator } from './groups/group-coordinator.js';
import type { TopicStore } from './log/topic-store.js';
import type { BrokerLogger } from './logger.js';
import type { BrokerMetrics } from './metrics.js';
import type { ProducerIdAllocator } from './producers/producer-id-allocator.js';

export interface BrokerSettings {
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  /** Largest record batch accepted by Produce (Kafka's message.max.bytes). */
  readonly maxMessageBytes: number;
  /** fdatasync the partition before acknowledging (flushIntervalMs = 0). */
  readonly syncBeforeAck: boolean;
}

export interface BrokerContext {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly advertisedHost: string;
  readonly advertisedPort: number;
  readonly topics: TopicStore;
  readonly groups: GroupCoordinator;
  readonly producerIds: ProducerIdAllocator;
  readonly metrics: BrokerMetrics;
  readonly logger: BrokerLogger;
  readonly settings: BrokerSettings;
  /** Aborted when the broker starts closing: parked requests (long polls, joins) end at once. */
  readonly closed: AbortSignal;
}
