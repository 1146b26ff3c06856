export { Bus } from './bus.js';
export { BUS, BUS_IDEMPOTENCY_STORE, BusModule, type BusModuleOptions, type TopicHandler } from './bus.module.js';
export { type BusConnectionOptions, type BusLogger, SILENT_LOGGER, createKafka } from './connection.js';
export { DLQ_HEADERS, type DeadLetterReason, deadLetterFor } from './dead-letter.js';
export { MESSAGE_HEADERS, type OutgoingMessage, Publisher } from './publisher.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy, backoffMs } from './retry-policy.js';
export { ensureTopics } from './topic-admin.js';
export {
  type ConsumeOutcome,
  type MessageContext,
  type MessageHandler,
  TopicConsumer,
  type TopicConsumerOptions,
} from './topic-consumer.js';
export { extractTraceContext, headerText, injectTraceHeaders } from './trace-headers.js';
