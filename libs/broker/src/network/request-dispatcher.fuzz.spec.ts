/**
 * Fuzz of the request decoder: real kafkajs request frames (captured through a tap in front of a
 * broker) are mutated — bytes flipped, lengths and counts overwritten with extreme values, frames
 * cut short or extended — and random frames are built on valid headers. Every one must either be
 * answered with a well-formed response or be refused with RequestRejected (the connection closes);
 * nothing else may escape, and the durable log must recover afterwards without a single bad byte.
 */
import { seededRandom } from '@xreason/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TABLE } from '../apis/api-table.js';
import { startBroker } from '../broker.js';
import { createTestContext } from '../broker-context.test-helpers.js';
import { TopicStore } from '../log/topic-store.js';
import { dispatchRequest, RequestRejected } from './request-dispatcher.js';

/** Deterministic PRNG: a failure names its seed and iteration and replays exactly. */
const prng = seededRandom;

/** Records every request frame (body without the size prefix) kafkajs sends through it. */
async function captureKafkajsFrames(): Promise<Buffer[]> {
  const broker = await startBroker({ port: 0, memory: true });
  const frames: Buffer[] = [];
  const tap = createServer((client) => {
    const upstream = connect(broker.port, '127.0.0.1');
    let pending = Buffer.alloc(0);
    client.on('data', (data: Buffer) => {
      upstream.write(data);
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        frames.push(Buffer.from(pending.subarray(4, 4 + pending.readInt32BE(0))));
        pending = pending.subarray(4 + pending.readInt32BE(0));
      }
    });
    upstream.on('data', (data: Buffer) => client.write(data));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => tap.listen(0, '127.0.0.1', resolve));
  // kafkajs learns the broker's own address from Metadata; the tap must be what it advertises.
  const tapPort = (tap.address() as AddressInfo).port;
  await broker.close();
  const advertised = await startBroker({ port: broker.port, memory: true, advertisedPort: tapPort });
  try {
    const kafka = new Kafka({ brokers: [`127.0.0.1:${tapPort}`], clientId: 'fuzz-seed', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'seed', numPartitions: 2 }] });
    const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: 'seed',
      acks: -1,
      messages: [{ key: 'k', value: 'v', headers: { h: 'x' } }, { value: 'w' }],
    });
    await producer.send({ topic: 'seed', acks: -1, compression: 1, messages: [{ value: 'gz'.repeat(50) }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'fuzz-group', maxWaitTimeInMs: 50, heartbeatInterval: 1 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'seed', fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ heartbeat }) => {
          await new Promise((r) => setTimeout(r, 2));
          await heartbeat();
          if (++seen >= 3) resolve();
        },
      });
    });
    await consumer.disconnect();
    await admin.fetchTopicOffsets('seed');
    await admin.describeGroups(['fuzz-group']);
    await admin.listGroups();
    await admin.deleteTopics({ topics: ['seed'] });
    await admin.disconnect();
  } finally {
    await advertised.close();
    await new Promise((resolve) => tap.close(resolve));
  }
  return frames;
}

function mutate(frame: Buffer, random: () => number): Buffer {
  let out = Buffer.from(frame);
  const mutations = 1 + Math.floor(random() * 4);
  for (let m = 0; m < mutations; m++) {
    // Mutate the body mostly: the 8-byte header decides which decoder runs at all.
    const at = () => Math.min(out.length - 1, 8 + Math.floor(random() * Math.max(1, out.length - 8)));
    const kind = Math.floor(random() * 6);
    if (out.length === 0) break;
    if (kind === 0) out[at()] = Math.floor(random() * 256);
    else if (kind === 1) {
      const pos = at();
      out[pos] = (out[pos] as number) ^ (1 << Math.floor(random() * 8));
    } else if (kind === 2 && out.length >= 4) {
      const pos = Math.min(at(), out.length - 4);
      const extremes = [0, -1, -2, 0x7fffffff, -0x80000000, 1_000_000, 65_535];
      out.writeInt32BE(extremes[Math.floor(random() * extremes.length)] as number, pos);
    } else if (kind === 3 && out.length >= 2) {
      out.writeInt16BE([0, -1, 0x7fff, -0x8000][Math.floor(random() * 4)] as number, Math.min(at(), out.length - 2));
    } else if (kind === 4) out = out.subarray(0, Math.floor(random() * out.length));
    else
      out = Buffer.concat([
        out,
        Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256))),
      ]);
  }
  return out;
}

function randomFrame(random: () => number): Buffer {
  const api = API_TABLE[Math.floor(random() * API_TABLE.length)] ?? API_TABLE[0];
  const body = Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
  const header = Buffer.alloc(10);
  header.writeInt16BE(api?.key ?? 0, 0);
  header.writeInt16BE(
    (api?.minVersion ?? 0) + Math.floor(random() * ((api?.maxVersion ?? 0) - (api?.minVersion ?? 0) + 1)),
    2,
  );
  header.writeInt32BE(Math.floor(random() * 1e6), 4);
  header.writeInt16BE(-1, 8); // null client id
  return Buffer.concat([header, body]);
}

/** Runs one frame; returns a description of any violation, or null. */
async function check(
  frame: Buffer,
  run: (frame: Buffer) => Promise<Buffer[] | null>,
  pending: Promise<unknown>[],
): Promise<string | null> {
  let outcome: Promise<string | null>;
  try {
    outcome = run(frame).then(
      (response) => {
        if (response === null) return null;
        const bytes = Buffer.concat(response);
        if (bytes.readInt32BE(0) !== bytes.length - 4)
          return `response size prefix ${bytes.readInt32BE(0)} != ${bytes.length - 4}`;
        if (frame.length >= 8 && bytes.readInt32BE(4) !== frame.readInt32BE(4))
          return 'response correlation id differs from the request';
        return null;
      },
      (error: unknown) =>
        error instanceof RequestRejected ? null : `escaped ${(error as Error)?.stack ?? String(error)}`,
    );
  } catch (error) {
    return `threw synchronously: ${(error as Error).stack}`;
  }
  // Handlers that park (long-poll Fetch, JoinGroup waiting for others) finish when the context closes.
  const settled = await Promise.race([
    outcome,
    new Promise<'parked'>((resolve) => setTimeout(() => resolve('parked'), 5)),
  ]);
  if (settled === 'parked') {
    pending.push(outcome);
    return null;
  }
  return settled;
}

describe('request decoder fuzz', () => {
  let seeds: Buffer[];
  const dataDir = mkdtempSync(join(tmpdir(), 'fuzz-log-'));

  beforeAll(async () => {
    seeds = await captureKafkajsFrames();
  }, 60_000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('captured seeds cover every API kafkajs used, and none of them is refused', async () => {
    const keys = new Set(seeds.map((f) => f.readInt16BE(0)));
    for (const key of [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22]) expect(keys).toContain(key);
    const { context, close } = createTestContext();
    context.topics.create('seed', 2);
    const refused: string[] = [];
    const pending = seeds.map((frame) =>
      dispatchRequest(frame, context, '127.0.0.1').catch((error: Error) =>
        refused.push(`api ${frame.readInt16BE(0)}: ${error.message}`),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    close();
    await Promise.all(pending);
    expect(refused).toEqual([]);
  });

  it.each([
    ['mutated kafkajs frames', 0x5eed, 3000, true],
    ['random frames on valid headers', 0xfaded, 1500, false],
  ])(
    '%s get an answer or a closed connection, never anything else',
    async (_name, seed, iterations, mutated) => {
      const random = prng(seed);
      const { context, close } = createTestContext();
      const pending: Promise<unknown>[] = [];
      const problems: string[] = [];
      for (let i = 0; i < iterations; i++) {
        const frame = mutated
          ? mutate(seeds[Math.floor(random() * seeds.length)] as Buffer, random)
          : randomFrame(random);
        const problem = await check(frame, (f) => dispatchRequest(f, context, '127.0.0.1'), pending);
        if (problem !== null) problems.push(`seed ${seed} iteration ${i}: ${problem}`);
      }
      close();
      for (const outcome of await Promise.all(pending)) if (typeof outcome === 'string') problems.push(outcome);
      expect(problems.slice(0, 5)).toEqual([]);
    },
    60_000,
  );

  it('mutated Produce frames never leave a bad byte in the durable log', async () => {
    const produceSeeds = seeds.filter((f) => f.readInt16BE(0) === 0 || f.readInt16BE(0) === 3);
    const random = prng(0xd15c);
    const { context, close } = createTestContext(dataDir);
    context.topics.create('seed', 2);
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 1500; i++) {
      const base = produceSeeds[Math.floor(random() * produceSeeds.length)] as Buffer;
      await check(
        random() < 0.2 ? base : mutate(base, random),
        (f) => dispatchRequest(f, context, '127.0.0.1'),
        pending,
      );
    }
    const appended = context.topics.all().reduce((n, log) => n + log.nextOffset, 0);
    close();
    await Promise.all(pending);
    expect(appended).toBeGreaterThan(0);
    const reopened = new TopicStore({ dataDir, segmentBytes: 1024 * 1024, retentionBytes: -1, retentionMs: -1 });
    expect(reopened.all().map((log) => log.recovery.truncatedBytes)).toEqual(reopened.all().map(() => 0));
    expect(reopened.all().reduce((n, log) => n + log.nextOffset, 0)).toBe(appended);
    reopened.close();
  }, 60_000);
});
