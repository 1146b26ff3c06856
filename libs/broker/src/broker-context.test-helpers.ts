/** A BrokerContext over in-memory (or given-directory) stores, for driving handlers without sockets. */
import type { BrokerContext } from './broker-context.js';
import { GroupCoordinator } from './groups/group-coordinator.js';
import { OffsetStore } from './groups/offset-store.js';
import { TopicStore } from './log/topic-store.js';
import { silentLogger } from './logger.js';
import { BrokerMetrics } from './metrics.js';
import { ProducerIdAllocator } from './producers/producer-id-allocator.js';

export interface TestContext {
  readonly context: BrokerContext;
  close(): void;
}

export function createTestContext(dataDir: string | null = null): TestContext {
  const closing = new AbortController();
  const topics = new TopicStore({ dataDir, segmentBytes: 1024 * 1024, retentionBytes: -1, retentionMs: -1 });
  const groups = new GroupCoordinator(new OffsetStore(null), silentLogger, {
    minSessionTimeoutMs: 1,
    maxSessionTimeoutMs: 3_600_000,
    initialRebalanceDelayMs: 0,
  });
  const context: BrokerContext = {
    nodeId: 0,
    clusterId: 'test',
    advertisedHost: '127.0.0.1',
    advertisedPort: 9092,
    topics,
    groups,
    producerIds: new ProducerIdAllocator(null),
    metrics: new BrokerMetrics(),
    logger: silentLogger,
    settings: { autoCreateTopics: true, defaultPartitions: 2, maxMessageBytes: 1024 * 1024, syncBeforeAck: false },
    closed: closing.signal,
  };
  return {
    context,
    close() {
      closing.abort();
      groups.close();
      topics.close();
    },
  };
}
