/**
 * startBroker: the single-node Kafka-protocol broker, in-process. Opens (and recovers) the log in
 * `dataDir` or keeps it in memory, listens on host:port, and runs the background work: periodic
 * fdatasync of dirty logs, retention, group session expiry.
 *
 * Durability policy (`flushIntervalMs`): every batch is written to the log file with write(2)
 * before its Produce is answered, so an acknowledged message survives the broker process being
 * killed (SIGKILL included) — the kernel page cache holds it. Against a machine crash or power loss
 * the logs are fdatasync'ed every `flushIntervalMs` (default 1000 ms, Kafka's own default relies on
 * replication instead); `flushIntervalMs: 0` syncs before every acknowledgement.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { BrokerContext } from './broker-context.js';
import { GroupCoordinator } from './groups/group-coordinator.js';
import { OffsetStore } from './groups/offset-store.js';
import { TopicStore } from './log/topic-store.js';
import { silentLogger, type BrokerLogger } from './logger.js';
import { BrokerMetrics } from './metrics.js';
import { Connection } from './network/connection.js';
import { ProducerIdAllocator } from './producers/producer-id-allocator.js';

export interface BrokerOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 picks a free one (default 9092). */
  port?: number;
  /** Host name given to clients in Metadata; defaults to `host`, or 127.0.0.1 when listening on all interfaces. */
  advertisedHost?: string;
  /** Port given to clients in Metadata and FindCoordinator, when they reach the broker through a proxy or port mapping. */
  advertisedPort?: number;
  /** Directory of the durable log. Required unless `memory` is true. */
  dataDir?: string;
  /** Keep every log in memory: nothing survives close. */
  memory?: boolean;
  /** Create unknown topics on Metadata requests that allow it (default true). */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics with num_partitions -1 (default 1). */
  defaultPartitions?: number;
  /** Delete old segments past these limits (per partition bytes; ms since the newest record). */
  retention?: { bytes?: number; ms?: number };
  /** Segment size before rolling (default 64 MiB). */
  segmentBytes?: number;
  /** fdatasync period for dirty logs; 0 = before every acknowledgement (default 1000). */
  flushIntervalMs?: number;
  /** How often retention runs (default 60 s). */
  retentionCheckIntervalMs?: number;
  /** Largest accepted request frame (default 100 MiB, Kafka's socket.request.max.bytes). */
  maxFrameBytes?: number;
  /** Largest accepted record batch (default 8 MiB; Kafka's message.max.bytes is 1 MiB). */
  maxMessageBytes?: number;
  /** Bounds on consumers' session timeouts (default 1 s .. 30 min). */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** Kafka's group.initial.rebalance.delay.ms (default 0: quick dev and test loops). */
  initialRebalanceDelayMs?: number;
  logger?: BrokerLogger;
}

export interface Broker {
  readonly host: string;
  readonly port: number;
  /** `host:port`, ready for kafkajs `brokers: [..]`. */
  readonly bootstrapServers: string;
  metricsText(): string;
  close(): Promise<void>;
}

const DEFAULT_PORT = 9092;

/** Data directories held by brokers of this process (the pid file cannot tell them apart). */
const lockedHere = new Set<string>();

/**
 * One broker per data directory: a pid file, taken over only when its process is gone. A file
 * naming our own pid is stale unless this process holds it (a container restarts as pid 1 again).
 */
function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, '.lock');
  if (lockedHere.has(path))
    throw new Error(`data directory ${dataDir} is in use by broker process ${process.pid} (${path})`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      lockedHere.add(path);
      return () => {
        lockedHere.delete(path);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`data directory ${dataDir} is in use by broker process ${pid} (${path})`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock data directory ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const logger = options.logger ?? silentLogger;
  const memory = options.memory ?? false;
  const dataDir = memory ? null : (options.dataDir ?? null);
  if (!memory && dataDir === null) throw new Error('startBroker: dataDir is required unless memory is true');
  const host = options.host ?? '127.0.0.1';
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  const defaultPartitions = options.defaultPartitions ?? 1;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1)
    throw new Error(`startBroker: defaultPartitions must be a positive integer, got ${defaultPartitions}`);

  let unlock = () => {};
  if (dataDir !== null) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  const metaDir = dataDir === null ? null : join(dataDir, '__meta');
  const metrics = new BrokerMetrics();
  let topics: TopicStore;
  let groups: GroupCoordinator;
  try {
    const started = Date.now();
    topics = new TopicStore({
      dataDir,
      segmentBytes: options.segmentBytes ?? 64 * 1024 * 1024,
      retentionBytes: options.retention?.bytes ?? -1,
      retentionMs: options.retention?.ms ?? -1,
    });
    const truncatedBytes = topics.all().reduce((n, log) => n + log.recovery.truncatedBytes, 0);
    if (dataDir !== null) {
      logger.info(
        {
          dataDir,
          topics: topics.names().length,
          partitions: topics.all().length,
          truncatedBytes,
          ms: Date.now() - started,
        },
        'log recovered',
      );
    }
    groups = new GroupCoordinator(
      new OffsetStore(metaDir === null ? null : join(metaDir, 'consumer-offsets.log')),
      logger,
      {
        minSessionTimeoutMs: options.minSessionTimeoutMs ?? 1000,
        maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 30 * 60 * 1000,
        initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 0,
        onRebalance: (group) => metrics.rebalances.inc(1, { group }),
      },
    );
  } catch (error) {
    unlock();
    throw error;
  }

  const closing = new AbortController();
  const connections = new Set<Connection>();
  const server: Server = createServer();
  let advertisedPort = 0;
  const context: BrokerContext = {
    nodeId: 0,
    clusterId: 'xreason-local',
    advertisedHost: options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
    get advertisedPort() {
      return advertisedPort;
    },
    topics,
    groups,
    producerIds: new ProducerIdAllocator(metaDir === null ? null : join(metaDir, 'producer-ids')),
    metrics,
    logger,
    settings: {
      autoCreateTopics: options.autoCreateTopics ?? true,
      defaultPartitions,
      maxMessageBytes: options.maxMessageBytes ?? 8 * 1024 * 1024,
      syncBeforeAck: dataDir !== null && flushIntervalMs === 0,
    },
    closed: closing.signal,
  };
  metrics.gauge('kafka_broker_connections_open', 'Client connections currently open.', () => connections.size);
  metrics.gauge('kafka_broker_partitions', 'Partitions hosted.', () => topics.all().length);
  metrics.gauge('kafka_broker_log_bytes', 'Bytes held in partition logs.', () =>
    topics.all().reduce((n, log) => n + log.sizeBytes, 0),
  );

  const maxFrameBytes = options.maxFrameBytes ?? 100 * 1024 * 1024;
  server.on('connection', (socket: Socket) => {
    metrics.connections.inc();
    const connection = new Connection(socket, context, maxFrameBytes);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_PORT, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    groups.close();
    topics.close();
    unlock();
    throw error;
  }
  server.on('error', (error) => logger.error({ error: error.message }, 'listener error'));
  const port = (server.address() as AddressInfo).port;
  advertisedPort = options.advertisedPort ?? port;
  logger.info({ host, port, dataDir, memory }, 'broker listening');

  const timers: NodeJS.Timeout[] = [];
  if (dataDir !== null && flushIntervalMs > 0) {
    let flushing = false;
    timers.push(
      setInterval(() => {
        if (flushing) return;
        flushing = true;
        Promise.all([topics.flush(), groups.offsets.flush()])
          .catch((error: Error) => logger.error({ error: error.message }, 'log flush failed'))
          .finally(() => (flushing = false));
      }, flushIntervalMs),
    );
  }
  const retentionEnabled = (options.retention?.bytes ?? -1) >= 0 || (options.retention?.ms ?? -1) >= 0;
  if (retentionEnabled) {
    timers.push(
      setInterval(() => {
        const deleted = topics.enforceRetention(Date.now());
        if (deleted > 0) logger.info({ segments: deleted }, 'retention deleted segments');
      }, options.retentionCheckIntervalMs ?? 60_000),
    );
  }
  for (const timer of timers) timer.unref();

  let closed: Promise<void> | null = null;
  return {
    host,
    port,
    bootstrapServers: `${context.advertisedHost}:${advertisedPort}`,
    metricsText: () => metrics.render(),
    close() {
      closed ??= (async () => {
        closing.abort();
        for (const timer of timers) clearInterval(timer);
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const connection of connections) connection.close();
        await stopped;
        groups.close();
        topics.close();
        unlock();
        logger.info({ port }, 'broker closed');
      })();
      return closed;
    },
  };
}
