import { Kafka, type KafkaConfig, logLevel as KafkaLogLevel, type SASLOptions } from 'kafkajs';

/** How to reach Kafka: the local broker or a real cluster (Strimzi, MSK, Confluent, Redpanda). */
export interface BusConnectionOptions {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  logger?: BusLogger;
}

/** The subset of a pino logger the bus uses; kafkajs's own logs are routed into it. */
export interface BusLogger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export const SILENT_LOGGER: BusLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function createKafka(options: BusConnectionOptions): Kafka {
  if (options.brokers.length === 0) throw new Error('bus: at least one broker address is required');
  const logger = options.logger ?? SILENT_LOGGER;
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl ?? false,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    // kafkajs logs every retry at ERROR; ours decide what deserves a level above debug.
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...rest } = log;
        const fields = { component: 'kafkajs', ...rest };
        if (level <= KafkaLogLevel.ERROR) logger.warn(fields, message);
        else if (level === KafkaLogLevel.WARN) logger.warn(fields, message);
        else logger.debug(fields, message);
      },
  };
  if (options.sasl) config.sasl = options.sasl as SASLOptions;
  return new Kafka(config);
}
