// A kafkajs consumer in its own process, set up like libs/bus's TopicConsumer (eachBatch, offsets
// resolved and committed per message, a heartbeat after each), whose event loop the test can block:
// {type:'block', ms} busy-waits, as a long synchronous call in a worker would. Reports each message
// with the time it reached the handler, and each block with its start and end, over IPC.
// argv: bootstrapServers groupId topic sessionTimeoutMs heartbeatIntervalMs
import { Kafka, logLevel } from 'kafkajs';

const [bootstrapServers, groupId, topic, sessionTimeout, heartbeatInterval] = process.argv.slice(2);
const kafka = new Kafka({
  clientId: 'latency-blocked',
  brokers: [bootstrapServers],
  connectionTimeout: 3000,
  requestTimeout: 30000,
  logLevel: logLevel.NOTHING,
});
const consumer = kafka.consumer({
  groupId,
  sessionTimeout: Number(sessionTimeout),
  heartbeatInterval: Number(heartbeatInterval),
  allowAutoTopicCreation: false,
});
process.on('message', (command) => {
  if (command?.type !== 'block') return;
  const from = Date.now();
  while (Date.now() < from + command.ms);
  process.send?.({ type: 'blocked', from, to: Date.now() });
});
consumer.on(consumer.events.GROUP_JOIN, () => process.send?.({ type: 'joined', at: Date.now() }));
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      process.send?.({ type: 'message', value: message.value?.toString() ?? '', at: Date.now() });
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  },
});
process.send?.({ type: 'running', at: Date.now() });
