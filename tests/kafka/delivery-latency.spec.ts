import { fork, type ChildProcess } from 'node:child_process';
import { startBroker, type Broker } from '@xreason/broker';
import { Bus } from '@xreason/bus';
import { PolicyVersionTopic } from '@xreason/contracts';
import type { Consumer, ConsumerConfig, Kafka, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, producerOf, tempDir, waitFor } from './kafka-helpers.js';

/**
 * How long a message takes from `send` to a consumer's handler, under the conditions that could stall
 * a consumer (the GRPO rollout worker once seemed to go quiet for minutes): groups joining from the
 * beginning at different times, members leaving and being killed, a group joining while another is
 * mid-rebalance, a topic created while consumers run, and a consumer whose event loop is blocked for
 * seconds at a time, past its session timeout too. A healthy Kafka delivers within milliseconds; the
 * bound is a few seconds so a loaded 2-core machine does not make it flaky, yet far below "minutes".
 *
 * The kafkajs consumers long-poll for MAX_WAIT_MS (longer than the bound): a Fetch that is not woken
 * by an append would show up here as a message about that late.
 */
const BOUND_MS = 3_000;
const MAX_WAIT_MS = 10_000;
const hash = 'c'.repeat(64);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One consumer's (or one group's) view: when each message reached a handler. */
class Probe {
  readonly received = new Map<number, number>();
  /** Intervals in which the consumer could not run at all: their length is added to its allowance. */
  readonly blocks: [number, number][] = [];
  constructor(
    readonly name: string,
    readonly joinedAt: number,
    readonly boundMs = BOUND_MS,
  ) {}

  record(seq: number, at: number): void {
    if (!this.received.has(seq)) this.received.set(seq, at);
  }
}

/** Messages of one topic, numbered, with the time each `send` started. */
class Stream {
  readonly sent = new Map<number, number>();
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  constructor(private readonly publish: (seq: number) => Promise<void>) {}

  /** Publishes one message every 100–500 ms until stop(). */
  start(firstSeq: number): void {
    this.running = (async () => {
      for (let seq = firstSeq; !this.stopped; seq++) {
        this.sent.set(seq, Date.now());
        await this.publish(seq);
        await sleep(100 + Math.random() * 400);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}

/** A message is due `boundMs` after it was sent or the consumer joined, plus any time the consumer was blocked. */
function deadline(probe: Probe, sentAt: number): { from: number; due: number } {
  const from = Math.max(sentAt, probe.joinedAt);
  let due = from + probe.boundMs;
  for (const [start, end] of [...probe.blocks].sort((a, b) => a[0] - b[0]))
    if (start <= due && end > from) due += end - Math.max(start, from);
  return { from, due };
}

function lateDeliveries(stream: Stream, probe: Probe): string[] {
  const late: string[] = [];
  for (const [seq, sentAt] of stream.sent) {
    const { from, due } = deadline(probe, sentAt);
    const at = probe.received.get(seq);
    if (at === undefined) late.push(`${probe.name}: #${seq} never arrived`);
    else if (at > due) late.push(`${probe.name}: #${seq} took ${at - from} ms (allowed ${due - from})`);
  }
  return late;
}

function summary(stream: Stream, probe: Probe): string {
  const latencies = [...stream.sent]
    .filter(([seq]) => probe.received.has(seq))
    .map(([seq, sentAt]) => (probe.received.get(seq) as number) - deadline(probe, sentAt).from)
    .sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return `${probe.name}: ${latencies.length}/${stream.sent.size} received, median ${at(0.5)} ms, max ${at(1)} ms`;
}

/** Waits until every probe has every message (or the allowance has passed), then checks the latencies. */
async function expectTimely(stream: Stream, probes: Probe[]): Promise<void> {
  const allowance = Math.max(...probes.map((p) => p.boundMs)) + 2_000;
  await waitFor(
    'every message at every consumer',
    () => probes.every((p) => [...stream.sent.keys()].every((seq) => p.received.has(seq))),
    allowance,
  ).catch(() => undefined);
  console.log(probes.map((p) => summary(stream, p)).join('\n'));
  expect(probes.flatMap((p) => lateDeliveries(stream, p))).toEqual([]);
}

function seqOf(value: Buffer | null): number {
  const parsed = JSON.parse(value?.toString() ?? '{}') as { seq?: number; payload?: { version?: number } };
  return parsed.seq ?? (parsed.payload?.version as number);
}

/** Consumer settings of libs/bus (session 30 s, heartbeat 3 s), with the long poll longer than the bound. */
function busLikeConfig(groupId: string, overrides: Partial<ConsumerConfig> = {}): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: MAX_WAIT_MS,
    allowAutoTopicCreation: false,
    ...overrides,
  };
}

/** Runs a consumer the way libs/bus's TopicConsumer does: eachBatch, resolve + commit + heartbeat per message. */
async function consumeInto(consumer: Consumer, topic: string, probes: Probe[]): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        const at = Date.now();
        for (const probe of probes) probe.record(seqOf(message.value), at);
        resolveOffset(message.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    },
  });
}

/** latency-consumer-process.mjs: a bus-like consumer in its own process, whose event loop the test can block. */
function blockableConsumer(
  bootstrapServers: string,
  groupId: string,
  topic: string,
  probe: Probe,
  session: { timeoutMs: number; heartbeatMs: number },
): { child: ChildProcess; joined: Promise<void>; block(ms: number): Promise<void> } {
  const child = fork(
    new URL('./latency-consumer-process.mjs', import.meta.url),
    [bootstrapServers, groupId, topic, String(session.timeoutMs), String(session.heartbeatMs)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  let unblocked: () => void = () => undefined;
  const joined = new Promise<void>((resolve) => {
    child.on('message', (m: { type: string; value?: string; at?: number; from?: number; to?: number }) => {
      if (m.type === 'joined') resolve();
      else if (m.type === 'message') probe.record(seqOf(Buffer.from(m.value ?? '{}')), m.at as number);
      else if (m.type === 'blocked') {
        probe.blocks.push([m.from as number, m.to as number]);
        unblocked();
      }
    });
  });
  return {
    child,
    joined,
    block: (ms) =>
      new Promise<void>((resolve) => {
        unblocked = resolve;
        child.send({ type: 'block', ms });
      }),
  };
}

describe('delivery latency: a consumer gets each message within seconds of its production', () => {
  const dir = tempDir('latency');
  let broker: Broker;
  let kafka: Kafka;
  let producer: Producer;
  let nextSeq = 0;
  const cleanups: (() => Promise<unknown> | void)[] = [];

  beforeAll(async () => {
    broker = await startBroker({ port: 0, dataDir: dir.path, defaultPartitions: 3 });
    kafka = kafkaClient(broker.bootstrapServers, 'latency');
    // As libs/bus publishes: idempotent, one request in flight, acks = all.
    producer = producerOf(kafka, { idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  // In parallel: a consumer's disconnect waits for its long poll to end.
  afterEach(async () => {
    await Promise.allSettled(cleanups.splice(0).map(async (cleanup) => cleanup()));
  });

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.close();
    dir.remove();
  });

  /** A topic of 3 partitions fed by `producer`; each message is keyed by one of 3 "runs". */
  async function plainStream(topic: string): Promise<Stream> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    return new Stream(async (seq) => {
      await producer.send({ topic, acks: -1, messages: [{ key: `run-${seq % 3}`, value: JSON.stringify({ seq }) }] });
    });
  }

  function consumer(config: ConsumerConfig): Consumer {
    const c = kafka.consumer(config);
    cleanups.push(() => c.disconnect());
    return c;
  }

  it('groups joining at different times from the beginning, through libs/bus too, while members leave and a topic is created', async () => {
    // The rollout worker's path: libs/bus publishing PolicyVersions, a TopicConsumer in a fresh group.
    const bus = await Bus.connect({ brokers: [broker.bootstrapServers], clientId: 'latency-bus' });
    cleanups.push(() => bus.close());
    await bus.ensureTopics([PolicyVersionTopic]);
    const versions = new Stream(async (seq) => {
      await bus.publisher.publish(PolicyVersionTopic, {
        runId: `run-${seq % 3}`,
        payload: { version: seq, adapterUri: `/policy/${seq}`, contentHash: hash },
      });
    });
    const probes: Probe[] = [];
    const join = async (name: string, start: (probe: Probe) => Promise<unknown>) => {
      const probe = new Probe(name, Date.now());
      probes.push(probe);
      await start(probe);
      return probe;
    };

    versions.start(nextSeq);
    await join('libs/bus TopicConsumer', (probe) =>
      bus.consume({
        topic: PolicyVersionTopic,
        groupId: `latency-bus-${Date.now()}`,
        handler: async (message) => probe.record(message.payload.version, Date.now()),
      }),
    );
    const leaver = consumer(busLikeConfig('latency-leaver'));
    await join('group that leaves', (probe) => consumeInto(leaver, PolicyVersionTopic.name, [probe]));
    await sleep(3_000);
    await join('joined after 3 s', (probe) =>
      consumeInto(consumer(busLikeConfig('latency-3s')), PolicyVersionTopic.name, [probe]),
    );
    await sleep(2_000);

    // A topic created (and fed, and consumed) while the consumers above are running.
    const other = await plainStream('latency-created-meanwhile');
    other.start(0);
    const otherProbe = new Probe('consumer of the new topic', Date.now());
    await consumeInto(consumer(busLikeConfig('latency-new-topic')), 'latency-created-meanwhile', [otherProbe]);
    await sleep(2_000);

    // Two members of one group; one leaves (LeaveGroup) and the other takes its partitions over.
    const pairProbe = await join('group of two, one leaves', async () => undefined);
    const pair = [consumer(busLikeConfig('latency-pair')), consumer(busLikeConfig('latency-pair'))];
    for (const member of pair) await consumeInto(member, PolicyVersionTopic.name, [pairProbe]);
    await sleep(3_000);
    await leaver.disconnect();
    await (pair[1] as Consumer).disconnect();
    probes.splice(
      probes.findIndex((p) => p.name === 'group that leaves'),
      1,
    );
    await join('joined after 12 s', (probe) =>
      consumeInto(consumer(busLikeConfig('latency-12s')), PolicyVersionTopic.name, [probe]),
    );
    await sleep(3_000);

    await Promise.all([versions.stop(), other.stop()]);
    nextSeq += versions.sent.size;
    await expectTimely(versions, probes);
    await expectTimely(other, [otherProbe]);
  }, 90_000);

  it('a consumer whose event loop is blocked for seconds at a time, and past its session timeout, catches up as soon as it runs', async () => {
    const stream = await plainStream('latency-blocked');
    stream.start(0);
    const steady = new Probe('in-process consumer beside it', Date.now());
    await consumeInto(consumer(busLikeConfig('latency-beside-blocked')), 'latency-blocked', [steady]);

    const blocked = new Probe('blocked consumer (session 6 s)', Date.now());
    const session = { timeoutMs: 6_000, heartbeatMs: 1_000 };
    const child = blockableConsumer(
      broker.bootstrapServers,
      'latency-blocked-group',
      'latency-blocked',
      blocked,
      session,
    );
    cleanups.push(() => void child.child.kill('SIGKILL'));
    await child.joined;
    await sleep(2_000);
    // Blocked for most of the time, then for longer than the session timeout: the broker drops the
    // member, and the consumer must rejoin and catch up once it runs again.
    for (const ms of [3_000, 3_000, 3_000, 9_000]) {
      await child.block(ms);
      await sleep(1_500);
    }
    await sleep(2_000);
    await stream.stop();
    await expectTimely(stream, [steady, blocked]);
    child.child.kill('SIGKILL');
  }, 90_000);

  it('a killed member and a group joining mid-rebalance do not hold up the other groups', async () => {
    const stream = await plainStream('latency-rebalance');
    stream.start(0);
    const session = { timeoutMs: 6_000, heartbeatMs: 1_000 };
    const fast = (groupId: string) =>
      busLikeConfig(groupId, { sessionTimeout: session.timeoutMs, heartbeatInterval: session.heartbeatMs });
    const bystander = new Probe('fresh group beside it', Date.now());
    await consumeInto(consumer(fast('latency-bystander')), 'latency-rebalance', [bystander]);

    // Group "shared": one member here, one in a child process that is SIGKILLed (no LeaveGroup).
    // Its partitions wait for the session timeout, as in Kafka; nothing else may.
    const shared = new Probe('group with a killed member', Date.now(), session.timeoutMs + BOUND_MS + 2_000);
    await consumeInto(consumer(fast('latency-shared')), 'latency-rebalance', [shared]);
    const doomed = blockableConsumer(broker.bootstrapServers, 'latency-shared', 'latency-rebalance', shared, session);
    cleanups.push(() => void doomed.child.kill('SIGKILL'));
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const stableWith = async (n: number) => {
      const { groups } = await admin.describeGroups(['latency-shared']);
      return groups[0]?.state === 'Stable' && groups[0].members.length === n;
    };
    await waitFor('two stable members', () => stableWith(2));
    await sleep(2_000);

    doomed.child.kill('SIGKILL');
    // A third member joins at once: the group now waits for the dead one (rebalance in progress)...
    await consumeInto(consumer(fast('latency-shared')), 'latency-rebalance', [shared]);
    // ...while a new group joins and must be served as if nothing were going on.
    const newcomer = new Probe('group joining mid-rebalance', Date.now());
    await consumeInto(consumer(fast('latency-newcomer')), 'latency-rebalance', [newcomer]);
    await waitFor('the dead member dropped', () => stableWith(2), 20_000);
    await sleep(3_000);
    await stream.stop();
    await expectTimely(stream, [bystander, shared, newcomer]);
  }, 90_000);
});
