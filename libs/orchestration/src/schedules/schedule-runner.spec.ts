import { describe, expect, it } from 'vitest';
import type { ScheduledNightResult } from '@xreason/contracts';
import { ScheduleRunner } from './schedule-runner.js';
import { MemoryScheduleStore, ScriptedLauncher } from './schedules.test-helpers.js';

/** A runner on a clock the test moves. */
function setup(createdAt = '2026-01-01T12:00:00Z') {
  const store = new MemoryScheduleStore();
  const launcher = new ScriptedLauncher();
  let now = new Date(createdAt);
  const runner = new ScheduleRunner({ store, launcher, clock: () => now });
  const schedule = store.add('nightly', {}, createdAt);
  const at = async (iso: string) => {
    now = new Date(iso);
    await runner.tick();
  };
  const status = () => store.schedules.get(schedule.uid)?.status;
  const condition = (type: string) => status()?.conditions.find((c) => c.type === type);
  return { store, launcher, runner, schedule, at, status, condition };
}

const result = (night: string, regressions: number): ScheduledNightResult => ({
  schedule: 'nightly',
  night,
  scheduledTime: `${night}T02:00:00.000Z`,
  evaluations: [
    {
      model: 'candidate',
      suite: 'world-test-iid',
      evalRunId: 'e1',
      reportPath: '/r/report.html',
      resultsPath: '/r/results.json',
      comparisons: 6,
      regressions: Array.from({ length: regressions }, () => ({
        language: 'ja',
        metric: 'language_consistency',
        comparedWith: 'previous' as const,
        previous: 0.8,
        current: 0.1,
        pValue: 0.0001,
        adjustedPValue: 0.0006,
      })),
    },
  ],
  regressions,
});

describe('the local schedule runner', () => {
  it('fires at each scheduled time once, and records schedule time, success and regressions in the status', async () => {
    const { launcher, at, status, condition } = setup();
    await at('2026-01-02T01:59:59Z');
    expect(launcher.started).toHaveLength(0);
    expect(condition('Available')).toMatchObject({ status: 'True', reason: 'Scheduled' });
    expect(condition('Available')?.message).toContain('next at 2026-01-02T02:00:00.000Z');

    await at('2026-01-02T02:00:00Z');
    await at('2026-01-02T02:00:01Z');
    expect(launcher.started.map((f) => [f.night, f.scheduledTime])).toEqual([
      ['2026-01-02', '2026-01-02T02:00:00.000Z'],
    ]);
    expect(status()?.lastScheduleTime).toBe('2026-01-02T02:00:00.000Z');
    expect(condition('Progressing')).toMatchObject({ status: 'True', reason: 'NightRunning' });

    launcher.finish({
      state: 'Succeeded',
      result: result('2026-01-02', 0),
      finishedAt: new Date('2026-01-02T02:10:00Z'),
    });
    await at('2026-01-02T02:10:01Z');
    expect(status()?.lastSuccessfulTime).toBe('2026-01-02T02:10:00.000Z');
    expect(condition('Progressing')).toMatchObject({ status: 'False', reason: 'Idle' });
    expect(status()?.lastRegression).toBeUndefined();

    await at('2026-01-03T02:00:00Z');
    launcher.finish({
      state: 'Succeeded',
      result: result('2026-01-03', 1),
      finishedAt: new Date('2026-01-03T02:10:00Z'),
    });
    await at('2026-01-03T02:10:00Z');
    expect(launcher.started).toHaveLength(2);
    expect(status()?.lastRegression).toMatch(
      /^2026-01-03: 1 regression — candidate on world-test-iid: ja language_consistency 80\.0% → 10\.0% vs previous \(p 0\.00010, Holm 0\.00060\)$/,
    );
  });

  it('Forbid: never a second night beside a running one; the held-back time starts late once, within the deadline', async () => {
    const { launcher, store, at, status } = setup();
    await at('2026-01-02T02:00:00Z');
    // The night of Jan 2 is still running at the next scheduled time.
    await at('2026-01-03T02:00:00Z');
    await at('2026-01-03T02:30:00Z');
    expect(launcher.started).toHaveLength(1);
    expect(store.all.filter((f) => f.phase === 'Running')).toHaveLength(1);
    expect(status()?.lastScheduleTime).toBe('2026-01-02T02:00:00.000Z');
    // It ends at 02:40: Jan 3's night starts then, once.
    launcher.finish({
      state: 'Succeeded',
      result: result('2026-01-02', 0),
      finishedAt: new Date('2026-01-03T02:40:00Z'),
    });
    await at('2026-01-03T02:40:00Z');
    await at('2026-01-03T02:41:00Z');
    expect(launcher.started.map((f) => f.scheduledTime)).toEqual([
      '2026-01-02T02:00:00.000Z',
      '2026-01-03T02:00:00.000Z',
    ]);
    // That one runs past 03:00 + Jan 4's deadline: Jan 4 is skipped, Jan 5 fires on time.
    await at('2026-01-04T02:00:00Z');
    launcher.finish({ state: 'Succeeded', finishedAt: new Date('2026-01-04T03:30:00Z') });
    await at('2026-01-04T03:30:00Z');
    await at('2026-01-05T01:00:00Z');
    expect(launcher.started).toHaveLength(2);
    await at('2026-01-05T02:00:00Z');
    expect(launcher.started.map((f) => f.night)).toEqual(['2026-01-02', '2026-01-03', '2026-01-05']);
  });

  it('after a long outage, starts one catch-up night if back within the starting deadline, never a burst', async () => {
    const { launcher, at, store, schedule } = setup();
    await at('2026-01-02T02:00:00Z');
    launcher.finish({ state: 'Succeeded', finishedAt: new Date('2026-01-02T02:05:00Z') });
    await at('2026-01-02T02:05:00Z');
    // The operator is down until Jan 9, 02:30 (a fresh runner on the same store: state is in the store).
    const again = new ScheduleRunner({ store, launcher, clock: () => new Date('2026-01-09T02:30:00Z') });
    await again.tick();
    await again.tick();
    expect(launcher.started.map((f) => f.night)).toEqual(['2026-01-02', '2026-01-09']);
    expect(store.schedules.get(schedule.uid)?.status?.lastScheduleTime).toBe('2026-01-09T02:00:00.000Z');
  });

  it('after an outage ending past the deadline, starts nothing until the next scheduled time', async () => {
    const { launcher, at } = setup();
    await at('2026-01-02T02:00:00Z');
    launcher.finish({ state: 'Succeeded', finishedAt: new Date('2026-01-02T02:05:00Z') });
    await at('2026-01-02T02:05:00Z');
    await at('2026-01-09T05:00:00Z');
    await at('2026-01-09T23:00:00Z');
    expect(launcher.started).toHaveLength(1);
    await at('2026-01-10T02:00:30Z');
    expect(launcher.started.map((f) => f.night)).toEqual(['2026-01-02', '2026-01-10']);
  });

  it('a failed night marks the schedule Degraded and does not count as a success', async () => {
    const { launcher, at, status, condition } = setup();
    await at('2026-01-02T02:00:00Z');
    launcher.finish({
      state: 'Failed',
      message: 'exited with code 1: model not found',
      finishedAt: new Date('2026-01-02T02:01:00Z'),
    });
    await at('2026-01-02T02:01:00Z');
    expect(condition('Degraded')).toMatchObject({ status: 'True', reason: 'NightFailed' });
    expect(condition('Degraded')?.message).toContain('model not found');
    expect(status()?.lastSuccessfulTime).toBeUndefined();
    expect(status()?.lastScheduleTime).toBe('2026-01-02T02:00:00.000Z');
  });

  it('honours the time zone and suspend, and reports an invalid schedule instead of firing', async () => {
    const { store, launcher, at } = setup();
    const tokyo = store.add('tokyo', { schedule: '0 2 * * *', timeZone: 'Asia/Tokyo' }, '2026-01-01T12:00:00Z');
    const paused = store.add('paused', { suspend: true }, '2026-01-01T12:00:00Z');
    const broken = store.add('broken', { schedule: '0 2 * * *', timeZone: 'Nowhere/Special' }, '2026-01-01T12:00:00Z');
    await at('2026-01-01T17:00:00Z'); // 02:00 on Jan 2 in Tokyo
    expect(launcher.started.map((f) => [f.scheduleUid, f.night])).toEqual([[tokyo.uid, '2026-01-02']]);
    await at('2026-01-02T02:00:00Z');
    expect(launcher.started.some((f) => f.scheduleUid === paused.uid || f.scheduleUid === broken.uid)).toBe(false);
    expect(store.schedules.get(paused.uid)?.status?.conditions[0]).toMatchObject({ reason: 'Suspended' });
    expect(store.schedules.get(broken.uid)?.status?.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'InvalidSchedule',
    });
  });

  it('stops the running night of a deleted schedule', async () => {
    const { store, launcher, at, schedule } = setup();
    await at('2026-01-02T02:00:00Z');
    store.schedules.delete(schedule.uid);
    await at('2026-01-02T02:00:05Z');
    expect(launcher.stopped).toEqual([launcher.started[0]!.id]);
  });
});
