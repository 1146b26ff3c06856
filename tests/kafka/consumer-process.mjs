// A kafkajs group consumer in its own process, so a test can SIGKILL it: no LeaveGroup is sent and
// the broker only notices through the session timeout. Reports each message over IPC.
// argv: bootstrapServers groupId topic
import { Kafka, logLevel } from 'kafkajs';

const [bootstrapServers, groupId, topic] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'killable', brokers: [bootstrapServers], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({
  groupId,
  sessionTimeout: 3000,
  rebalanceTimeout: 6000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
});
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
  process.send?.({ type: 'assigned', assignment: payload.memberAssignment }),
);
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    process.send?.({
      type: 'message',
      partition,
      offset: Number(message.offset),
      value: message.value?.toString() ?? '',
    });
  },
});
process.send?.({ type: 'running' });
