import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API_VERSION, type EvalSchedule, type ScheduledNightResult } from '@xreason/contracts';
import { type Database, openDatabase } from '@xreason/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalNightLauncher } from '../local/local-night-launcher.js';
import { makeStateDir, waitUntil } from '../local/local.test-helpers.js';
import { InvalidScheduleError } from './cron-schedule.js';
import { PostgresScheduleStore } from './postgres-schedule-store.js';
import { ScheduleRunner } from './schedule-runner.js';

const manifest = (name: string, schedule = '0 2 * * *', extra: Partial<EvalSchedule['spec']> = {}): EvalSchedule => ({
  apiVersion: API_VERSION,
  kind: 'EvalSchedule',
  metadata: { name },
  spec: {
    schedule,
    models: [{ name: 'candidate', uri: '/models/candidate' }],
    languages: ['ja'],
    evaluation: { suites: ['world'], samples: 1, k: [1] },
    ...extra,
  },
});

/** An eval "service" that honours the schedule contract: it writes a result (or fails) and exits. */
const FIXTURE_EVAL = `
import { writeFileSync } from 'node:fs';
const env = process.env;
const spec = JSON.parse(env.XREASON_EVAL_SCHEDULE_SPEC);
if (process.argv[2] !== 'schedule') process.exit(2);
if (spec.models[0].uri === '/fail') { console.error('no such model: /fail'); process.exit(1); }
const night = env.XREASON_EVAL_SCHEDULED_TIME.slice(0, 10);
await new Promise((r) => setTimeout(r, Number(spec.models[0].adapter ?? 0)));
writeFileSync(env.XREASON_EVAL_RESULT_FILE, JSON.stringify({
  schedule: env.XREASON_EVAL_SCHEDULE, night, scheduledTime: env.XREASON_EVAL_SCHEDULED_TIME,
  evaluations: [], regressions: 0, uid: env.XREASON_EVAL_SCHEDULE_UID, out: env.XREASON_EVAL_OUTPUT_DIR,
}));
`;

describe('EvalSchedules in Postgres', () => {
  let state: Awaited<ReturnType<typeof makeStateDir>>;
  let db: Database;
  let store: PostgresScheduleStore;

  beforeAll(async () => {
    state = await makeStateDir();
    db = await openDatabase({ stateDir: state.path });
    store = new PostgresScheduleStore(db.dataSource);
    await mkdir(join(state.path, 'services', 'eval', 'dist'), { recursive: true });
    await writeFile(join(state.path, 'services', 'eval', 'dist', 'main.js'), FIXTURE_EVAL);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await state?.remove();
  });

  it('applies like a run (created, unchanged, configured with a new generation) and refuses a bad cron or zone', async () => {
    expect((await store.applySchedule(manifest('apply'))).action).toBe('created');
    expect((await store.applySchedule(manifest('apply'))).action).toBe('unchanged');
    const changed = await store.applySchedule(manifest('apply', '0 3 * * *'));
    expect(changed).toMatchObject({
      action: 'configured',
      schedule: { generation: 2, spec: { schedule: '0 3 * * *' } },
    });
    await expect(store.applySchedule(manifest('bad', '0 25 * * *'))).rejects.toThrow(InvalidScheduleError);
    await expect(store.applySchedule(manifest('bad', '0 2 * * *', { timeZone: 'Mars/Base' }))).rejects.toThrow(
      /\/spec\/timeZone/,
    );
    expect((await store.list()).map((s) => s.ref.name)).toEqual(['apply']);
    // Schedules and runs share the table but not the listing.
    const runs: { kind: string }[] = await db.dataSource.query(`SELECT kind FROM runs`);
    expect(runs).toEqual([{ kind: 'EvalSchedule' }]);
  });

  it('claims a scheduled time once, refuses any firing beside a running one, and deletes firings with the schedule', async () => {
    const { schedule } = await store.applySchedule(manifest('claims'));
    const first = await store.claimFiring(schedule.uid, new Date('2026-01-02T02:00:00Z'), '2026-01-02');
    expect('claimed' in first).toBe(true);
    // Two looks racing for the next time while the first runs: the partial unique index refuses both.
    const racing = await Promise.all([
      store.claimFiring(schedule.uid, new Date('2026-01-03T02:00:00Z'), '2026-01-03'),
      store.claimFiring(schedule.uid, new Date('2026-01-03T02:00:00Z'), '2026-01-03'),
    ]);
    expect(racing.every((r) => 'active' in r)).toBe(true);
    const id = 'claimed' in first ? first.claimed.id : '';
    const result = { schedule: 'claims', night: '2026-01-02', scheduledTime: '', evaluations: [], regressions: 2 };
    await store.finishFiring(id, { phase: 'Succeeded', result, finishedAt: new Date('2026-01-02T02:30:00Z') });
    expect(await store.claimFiring(schedule.uid, new Date('2026-01-02T02:00:00Z'), '2026-01-02')).toMatchObject({
      exists: { id, phase: 'Succeeded', regressions: 2, night: '2026-01-02', result },
    });
    const racingAgain = await Promise.all([
      store.claimFiring(schedule.uid, new Date('2026-01-03T02:00:00Z'), '2026-01-03'),
      store.claimFiring(schedule.uid, new Date('2026-01-03T02:00:00Z'), '2026-01-03'),
    ]);
    expect(racingAgain.filter((r) => 'claimed' in r)).toHaveLength(1);
    expect((await store.firings(schedule.uid, 10)).map((f) => f.night)).toEqual(['2026-01-03', '2026-01-02']);
    expect(await store.deleteSchedule(schedule.ref)).toBe('deleted');
    expect(await store.deleteSchedule(schedule.ref)).toBe('not-found');
    const left: unknown[] = await db.dataSource.query(`SELECT id FROM eval_schedule_firings WHERE schedule_id = $1`, [
      schedule.uid,
    ]);
    expect(left).toEqual([]);
  });

  it('runs nights as eval-worker child processes, records their outcome, and a restarted runner adopts a running night', async () => {
    const { schedule } = await store.applySchedule(
      manifest('nights', '0 2 * * *', { models: [{ name: 'slow', uri: '/models/slow', adapter: '1500' }] }),
    );
    // Created "yesterday" so that 02:00 today is owed.
    await db.dataSource.query(`UPDATE runs SET created_at = '2026-01-01T00:00:00Z' WHERE id = $1`, [schedule.uid]);
    const launcher = () => new LocalNightLauncher({ stateDir: state.path, servicesDir: join(state.path, 'services') });
    const clock = () => new Date('2026-01-02T02:00:10Z');
    const runner = new ScheduleRunner({ store, launcher: launcher(), clock });
    await runner.tick();
    const [firing] = await store.firings(schedule.uid, 5);
    expect(firing).toMatchObject({ phase: 'Running', night: '2026-01-02' });
    // The operator restarts while the night runs: the new runner starts nothing new and adopts it.
    const restarted = new ScheduleRunner({ store, launcher: launcher(), clock });
    await restarted.tick();
    expect(await store.firings(schedule.uid, 5)).toHaveLength(1);
    const done = await waitUntil(
      async () => {
        await restarted.tick();
        const [f] = await store.firings(schedule.uid, 5);
        return f?.phase === 'Succeeded' ? f : undefined;
      },
      20_000,
      'the night to succeed',
    );
    const result = done.result as ScheduledNightResult & { uid: string; out: string };
    expect(result).toMatchObject({ schedule: 'nights', night: '2026-01-02', uid: schedule.uid });
    expect(result.out).toBe(join(state.path, 'artifacts', 'schedules', 'default', 'nights'));
    const status = (await store.get(schedule.ref))?.status;
    expect(status).toMatchObject({ lastScheduleTime: '2026-01-02T02:00:00.000Z' });
    expect(status?.lastSuccessfulTime).toBeDefined();
    expect(status?.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'Available=True/Scheduled',
      'Progressing=False/Idle',
      'Degraded=False/AsExpected',
    ]);
    const logs = join(state.path, 'logs', 'schedules', 'nights');
    expect(await readFile(join(logs, `2026-01-02-${done.id.slice(0, 8)}.log`), 'utf8')).toContain('night 2026-01-02');
  }, 60_000);

  it('a night whose worker fails marks the schedule Degraded with the worker’s last words', async () => {
    const { schedule } = await store.applySchedule(
      manifest('failing', '0 2 * * *', { models: [{ name: 'x', uri: '/fail' }] }),
    );
    await db.dataSource.query(`UPDATE runs SET created_at = '2026-01-01T00:00:00Z' WHERE id = $1`, [schedule.uid]);
    const runner = new ScheduleRunner({
      store,
      launcher: new LocalNightLauncher({ stateDir: state.path, servicesDir: join(state.path, 'services') }),
      clock: () => new Date('2026-01-02T02:00:10Z'),
    });
    const failed = await waitUntil(async () => {
      await runner.tick();
      const [f] = await store.firings(schedule.uid, 5);
      return f?.phase === 'Failed' ? f : undefined;
    });
    expect(failed.message).toBe('exited with code 1: no such model: /fail');
    const degraded = (await store.get(schedule.ref))?.status?.conditions.find((c) => c.type === 'Degraded');
    expect(degraded).toMatchObject({ status: 'True', reason: 'NightFailed' });
  }, 30_000);
});
