/**
 * Broker throughput with kafkajs: produce then consume 1 KiB messages through a broker running in
 * its own process (durable log in a temp dir), reporting messages/s, MB/s and the broker's CPU —
 * as a share of one core over the phase, and as its share of all CPU spent (broker + client).
 *
 *   npm run bench -w @xreason/broker            (MESSAGES=200000 PARTITIONS=6 to change the size)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { spawnBrokerProcess } from '../src/index.js';

const MESSAGES = Number(process.env.MESSAGES ?? 200_000);
const PARTITIONS = Number(process.env.PARTITIONS ?? 6);
const MESSAGE_BYTES = 1024;
const PER_SEND = Number(process.env.PER_SEND ?? 500);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 4);
const TOPIC = 'bench';

interface Phase {
  name: string;
  seconds: number;
  brokerCpuSeconds: number;
  clientCpuSeconds: number;
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

async function measure(
  name: string,
  broker: { cpuUsage(): Promise<NodeJS.CpuUsage> },
  run: () => Promise<void>,
): Promise<Phase> {
  const brokerBefore = cpuSeconds(await broker.cpuUsage());
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const clientCpuSeconds = cpuSeconds(process.cpuUsage(clientBefore));
  const brokerCpuSeconds = cpuSeconds(await broker.cpuUsage()) - brokerBefore;
  return { name, seconds, brokerCpuSeconds, clientCpuSeconds };
}

function report(phase: Phase): void {
  const rate = MESSAGES / phase.seconds;
  const mb = (MESSAGES * MESSAGE_BYTES) / 1e6 / phase.seconds;
  const brokerCore = (100 * phase.brokerCpuSeconds) / phase.seconds;
  const brokerShare = (100 * phase.brokerCpuSeconds) / (phase.brokerCpuSeconds + phase.clientCpuSeconds);
  console.log(
    `${phase.name.padEnd(8)} ${MESSAGES} msgs in ${phase.seconds.toFixed(2)} s: ${Math.round(rate).toLocaleString('en-US')} msg/s, ${mb.toFixed(1)} MB/s; ` +
      `broker CPU ${phase.brokerCpuSeconds.toFixed(2)} s = ${brokerCore.toFixed(0)}% of a core, ${brokerShare.toFixed(0)}% of all CPU (client ${phase.clientCpuSeconds.toFixed(2)} s)`,
  );
  // What one core of broker could sustain at this cost per message: the headroom over the clients.
  const capacity = MESSAGES / phase.brokerCpuSeconds;
  const clientCapacity = MESSAGES / phase.clientCpuSeconds;
  console.log(
    `${''.padEnd(8)} per CPU-second: broker ${Math.round(capacity).toLocaleString('en-US')} msg, kafkajs client ${Math.round(clientCapacity).toLocaleString('en-US')} msg ` +
      `(broker ${(capacity / clientCapacity).toFixed(1)}x the client)`,
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'broker-bench-'));
  const broker = await spawnBrokerProcess({ dataDir, quiet: true });
  try {
    const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    await admin.disconnect();

    const payload = Buffer.alloc(MESSAGE_BYTES, 'x');
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const produce = await measure('produce', broker, async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < MESSAGES) {
            const start = next;
            const count = Math.min(PER_SEND, MESSAGES - start);
            next += count;
            await producer.send({
              topic: TOPIC,
              acks: -1,
              messages: Array.from({ length: count }, (_, i) => ({ key: String(start + i), value: payload })),
            });
          }
        }),
      );
    });
    await producer.disconnect();

    const consumer = kafka.consumer({
      groupId: 'bench',
      maxBytes: 64 * 1024 * 1024,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const consume = await measure('consume', broker, async () => {
      let received = 0;
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachBatch: async ({ batch }) => {
              received += batch.messages.length;
              if (received >= MESSAGES) resolve();
            },
          })
          .catch(reject);
      });
    });
    await consumer.disconnect();

    console.log(
      `broker throughput, kafkajs 2.2.4, ${MESSAGE_BYTES} B messages, ${PARTITIONS} partitions, acks=-1, durable log, loopback, ${PER_SEND} msgs/send x ${IN_FLIGHT} in flight`,
    );
    report(produce);
    report(consume);
  } finally {
    await broker.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
