import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Broker, startBroker } from '@xreason/broker';
import { Bus } from '@xreason/bus';
import {
  API_VERSION,
  EvalRegressionTopic,
  STAGE_WORKER_ENV,
  type EvalSchedule,
  type MessageOf,
  type ScheduledNightResult,
} from '@xreason/contracts';
import { EvalRunEntity, openDatabase, type Database } from '@xreason/db';
import {
  LocalNightLauncher,
  PostgresScheduleStore,
  ScheduleRunner,
  localArtifactRoot,
  type Firing,
} from '@xreason/orchestration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptBiasedModel, trainMixedTokenizer } from './script-biased-model.js';

const SERVICES = resolve(import.meta.dirname, '../../services');

/**
 * The local schedule runner end to end, on real parts: EvalSchedules in the embedded Postgres, the
 * runner on a clock the test moves, each night the eval service's `main.js schedule` as a child
 * process evaluating a real checkpoint with the engine on the world suite, regressions published to
 * the local Kafka-protocol broker. Night 1: a model that reasons in Japanese script. Night 2: the
 * schedule now points at a model that writes French words — a regression of language consistency.
 */
describe('a local EvalSchedule', () => {
  const root = mkdtempSync(join(tmpdir(), 'xreason-schedule-e2e-'));
  chmodSync(root, 0o755); // as root, the embedded Postgres runs as the postgres user
  let database: Database;
  let broker: Broker;
  let bus: Bus;
  let store: PostgresScheduleStore;
  let runner: ScheduleRunner;
  let now = new Date('2026-03-01T00:00:00Z');
  const received: MessageOf<typeof EvalRegressionTopic>[] = [];

  const manifest = (modelDir: string): EvalSchedule => ({
    apiVersion: API_VERSION,
    kind: 'EvalSchedule',
    metadata: { name: 'nightly-world' },
    spec: {
      schedule: '0 2 * * *',
      timeZone: 'Europe/Paris',
      models: [{ name: 'candidate', uri: modelDir }],
      languages: ['ja'],
      evaluation: {
        suites: ['world=synthetic://world?split=test-iid&count=10'],
        samples: 2,
        k: [1],
        temperature: 0.8,
        maxNewTokens: 16,
      },
      regression: { threshold: 0.02, alpha: 0.05 },
    },
  });

  beforeAll(async () => {
    [database, broker] = await Promise.all([
      openDatabase({ stateDir: join(root, 'state') }),
      startBroker({ port: 0, memory: true }),
    ]);
    bus = await Bus.connect({ brokers: [broker.bootstrapServers], clientId: 'schedule-e2e' });
    await bus.ensureTopics([EvalRegressionTopic]);
    await bus.consume({
      topic: EvalRegressionTopic,
      groupId: 'schedule-e2e',
      fromBeginning: true,
      handler: async (m) => void received.push(m),
    });
    await trainMixedTokenizer(join(root, 'tokenizer'));
    await scriptBiasedModel(join(root, 'japanese'), join(root, 'tokenizer'), 'kana', 3);
    await scriptBiasedModel(join(root, 'french'), join(root, 'tokenizer'), 'latin', 3);
    const stateDir = join(root, 'state');
    store = new PostgresScheduleStore(database.dataSource);
    runner = new ScheduleRunner({
      store,
      launcher: new LocalNightLauncher({
        stateDir,
        servicesDir: SERVICES,
        env: {
          DATABASE_URL: database.url,
          KAFKA_BROKERS: broker.bootstrapServers,
          XREASON_STATE_DIR: stateDir,
          [STAGE_WORKER_ENV.artifactRoot]: localArtifactRoot(stateDir),
          XREASON_LOG_LEVEL: 'info',
        },
      }),
      clock: () => now,
    });
  }, 120_000);

  afterAll(async () => {
    await runner?.stop();
    await bus?.close();
    await broker?.close();
    await database?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Moves the clock, then ticks until the night of `night` has ended. */
  async function night(at: string, night: string): Promise<Firing> {
    now = new Date(at);
    const deadline = Date.now() + 120_000;
    for (;;) {
      await runner.tick();
      const schedule = (await store.list())[0]!;
      const firing = (await store.firings(schedule.uid, 5)).find((f) => f.night === night);
      if (firing && firing.phase !== 'Running') return firing;
      if (Date.now() > deadline) throw new Error(`night ${night} did not end`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('fires on its cron in its time zone, runs each night once, and a worse model raises eval.regression', async () => {
    const { schedule } = await store.applySchedule(manifest(join(root, 'japanese')));
    await database.dataSource.query(`UPDATE runs SET created_at = '2026-03-01T00:00:00Z' WHERE id = $1`, [
      schedule.uid,
    ]);
    // 00:59 UTC is 01:59 in Paris: not yet.
    now = new Date('2026-03-02T00:59:00Z');
    await runner.tick();
    expect(await store.firings(schedule.uid, 5)).toEqual([]);

    const first = await night('2026-03-02T01:00:00Z', '2026-03-02');
    expect(first.phase, first.message).toBe('Succeeded');
    const firstResult = first.result as ScheduledNightResult;
    expect(firstResult).toMatchObject({ schedule: 'nightly-world', night: '2026-03-02', regressions: 0 });
    expect(firstResult.evaluations).toEqual([
      expect.objectContaining({ model: 'candidate', suite: 'world-test-iid', comparisons: 0, regressions: [] }),
    ]);

    // Night 2: the candidate is now a model that writes French words when asked in Japanese.
    await store.applySchedule(manifest(join(root, 'french')));
    const second = await night('2026-03-03T01:00:30Z', '2026-03-03');
    expect(second.phase, second.message).toBe('Succeeded');
    const result = second.result as ScheduledNightResult;
    const [evaluation] = result.evaluations;
    expect(evaluation!.comparisons).toBe(3); // ja × {pass@1, language_consistency, correct_and_consistent} vs previous
    const consistency = evaluation!.regressions.find((r) => r.metric === 'language_consistency');
    expect(consistency).toMatchObject({ language: 'ja', comparedWith: 'previous' });
    expect(consistency!.previous - consistency!.current).toBeGreaterThan(0.5);
    expect(consistency!.adjustedPValue).toBeLessThan(0.05);
    expect(consistency!.adjustedPValue).toBeGreaterThanOrEqual(consistency!.pValue);
    expect(second.regressions).toBe(result.regressions);

    // The event on the bus, keyed by the schedule's row, with raw and adjusted p.
    await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(result.regressions);
    const event = received.find((m) => m.payload.metric === 'language_consistency');
    expect(event).toMatchObject({
      type: 'EvalRegression',
      runId: schedule.uid,
      payload: {
        schedule: 'nightly-world',
        model: 'candidate',
        suite: 'world-test-iid',
        language: 'ja',
        comparedWith: 'previous',
        pValue: consistency!.pValue,
        adjustedPValue: consistency!.adjustedPValue,
      },
    });
    // The night's report marks it.
    const report = readFileSync(evaluation!.reportPath, 'utf8');
    expect(report).toContain('data-regression="true"');
    expect(report).toContain('p (Holm)');

    // The schedule's status, stored: last schedule time, last success, the regression.
    const stored = (await store.get(schedule.ref))!;
    expect(stored.status).toMatchObject({
      observedGeneration: 2,
      lastScheduleTime: '2026-03-03T01:00:00.000Z',
      lastRegression: expect.stringMatching(
        /^2026-03-03: \d+ regressions? — candidate on world-test-iid: ja language_consistency/,
      ),
    });
    expect(Date.parse(stored.status!.lastSuccessfulTime!)).toBeGreaterThanOrEqual(Date.parse(first.finishedAt!));
    // Both nights' evaluations in Postgres, linked to the schedule.
    const evaluations = await database.dataSource
      .getRepository(EvalRunEntity)
      .find({ where: { schedule: 'nightly-world' }, order: { night: 'ASC' } });
    expect(evaluations.map((e) => [e.night, e.status, e.runId])).toEqual([
      ['2026-03-02', 'succeeded', schedule.uid],
      ['2026-03-03', 'succeeded', schedule.uid],
    ]);
    // Ticking on later that night starts nothing more.
    now = new Date('2026-03-03T05:00:00Z');
    await runner.tick();
    expect(await store.firings(schedule.uid, 10)).toHaveLength(2);
  }, 300_000);
});
