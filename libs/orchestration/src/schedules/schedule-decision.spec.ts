import { describe, expect, it } from 'vitest';
import { CronSchedule, InvalidScheduleError } from './cron-schedule.js';
import { decideFiring, type FiringDecisionInput } from './schedule-decision.js';

const at = (iso: string) => new Date(iso);
const nightly = new CronSchedule('0 2 * * *', 'UTC');

function decide(overrides: Partial<FiringDecisionInput> & Pick<FiringDecisionInput, 'now'>) {
  return decideFiring({
    cron: nightly,
    createdAt: at('2026-01-01T12:00:00Z'),
    startingDeadlineSeconds: 3600,
    suspended: false,
    active: false,
    ...overrides,
  });
}

describe('cron schedule', () => {
  it('finds the next and the latest scheduled time in the schedule’s time zone, DST included', () => {
    const paris = new CronSchedule('30 2 * * *', 'Europe/Paris');
    expect(paris.next(at('2026-01-10T00:00:00Z'))).toEqual(at('2026-01-10T01:30:00Z')); // CET = UTC+1
    expect(paris.next(at('2026-07-10T00:00:00Z'))).toEqual(at('2026-07-10T00:30:00Z')); // CEST = UTC+2
    // 2026-03-29 02:30 does not exist in Paris (clocks jump 02:00 → 03:00): it runs once, at 03:00 CEST.
    expect(paris.between(at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'), 10)).toEqual([
      at('2026-03-29T01:00:00Z'),
      at('2026-03-30T00:30:00Z'),
    ]);
    expect(nightly.latest(at('2026-01-05T02:00:00Z'))).toEqual(at('2026-01-05T02:00:00Z'));
    expect(nightly.latest(at('2026-01-05T01:59:59Z'))).toEqual(at('2026-01-04T02:00:00Z'));
    expect(new CronSchedule('0 23 * * *', 'Asia/Tokyo').dateOf(at('2026-01-05T14:00:00Z'))).toBe('2026-01-05');
    expect(new CronSchedule('0 1 * * *', 'Asia/Tokyo').dateOf(at('2026-01-05T16:00:00Z'))).toBe('2026-01-06');
  });

  it('matches either a restricted day of month or a restricted day of week, as cron and CronJobs do', () => {
    const friday13 = new CronSchedule('0 0 13 * 5', 'UTC');
    expect(friday13.between(at('2026-01-01T00:00:00Z'), at('2026-01-14T00:00:00Z'), 10)).toEqual([
      at('2026-01-02T00:00:00Z'), // a Friday
      at('2026-01-09T00:00:00Z'), // a Friday
      at('2026-01-13T00:00:00Z'), // the 13th
    ]);
  });

  it('rejects a bad expression or time zone, naming the field', () => {
    expect(() => new CronSchedule('0 2 * * * *')).toThrow(InvalidScheduleError);
    expect(() => new CronSchedule('0 2 * * * *')).toThrow(/^\/spec\/schedule: /);
    expect(() => new CronSchedule('61 2 * * *')).toThrow(/^\/spec\/schedule: /);
    expect(() => new CronSchedule('0 2 30 2 *')).toThrow(/never matches/);
    expect(() => new CronSchedule('0 2 * * *', 'Mars/Olympus')).toThrow(/^\/spec\/timeZone: unknown IANA time zone/);
  });
});

describe('when a schedule fires', () => {
  it('owes nothing for times before it was created, then fires each scheduled time once', () => {
    expect(decide({ now: at('2026-01-01T23:00:00Z') })).toMatchObject({
      action: 'wait',
      reason: 'not-due',
      nextAt: at('2026-01-02T02:00:00Z'),
    });
    expect(decide({ now: at('2026-01-02T02:00:00Z') })).toEqual({
      action: 'fire',
      scheduledTime: at('2026-01-02T02:00:00Z'),
      skipped: 0,
      nextAt: at('2026-01-03T02:00:00Z'),
    });
    // Started (lastScheduleTime recorded): the same time is not owed again, at any later look that night.
    for (const now of ['2026-01-02T02:00:00Z', '2026-01-02T02:00:30Z', '2026-01-02T09:00:00Z'])
      expect(decide({ now: at(now), lastScheduleTime: at('2026-01-02T02:00:00Z') })).toMatchObject({
        action: 'wait',
        reason: 'not-due',
      });
  });

  it('Forbid: a due time waits while a firing runs, and starts late once it ends within the deadline', () => {
    const last = at('2026-01-02T02:00:00Z');
    // Yesterday's night is still running at 02:00: today's waits.
    expect(decide({ now: at('2026-01-03T02:00:00Z'), lastScheduleTime: last, active: true })).toMatchObject({
      action: 'wait',
      reason: 'forbid',
      scheduledTime: at('2026-01-03T02:00:00Z'),
    });
    // It ends at 02:40: today's starts then, late, once.
    expect(decide({ now: at('2026-01-03T02:40:00Z'), lastScheduleTime: last })).toMatchObject({
      action: 'fire',
      scheduledTime: at('2026-01-03T02:00:00Z'),
      skipped: 0,
    });
    // It ends at 03:30, past the one-hour deadline: today's is missed; tomorrow's is next.
    expect(decide({ now: at('2026-01-03T03:30:00Z'), lastScheduleTime: last })).toEqual({
      action: 'wait',
      reason: 'missed-deadline',
      scheduledTime: at('2026-01-03T02:00:00Z'),
      skipped: 1,
      nextAt: at('2026-01-04T02:00:00Z'),
    });
  });

  it('after an outage, catches up one run at most, and only within the starting deadline', () => {
    const last = at('2026-01-02T02:00:00Z');
    // Down from Jan 2 to Jan 9 02:20: the seven owed nights collapse into one catch-up, tonight's.
    const back = decide({ now: at('2026-01-09T02:20:00Z'), lastScheduleTime: last });
    expect(back).toEqual({
      action: 'fire',
      scheduledTime: at('2026-01-09T02:00:00Z'),
      skipped: 6,
      nextAt: at('2026-01-10T02:00:00Z'),
    });
    // Having started it, the next look owes nothing: no burst of the other six.
    expect(decide({ now: at('2026-01-09T02:20:01Z'), lastScheduleTime: at('2026-01-09T02:00:00Z') })).toMatchObject({
      action: 'wait',
      reason: 'not-due',
    });
    // Back at 05:00 instead: tonight's time is three hours late, nothing runs until tomorrow.
    expect(decide({ now: at('2026-01-09T05:00:00Z'), lastScheduleTime: last })).toMatchObject({
      action: 'wait',
      reason: 'missed-deadline',
      skipped: 7,
      nextAt: at('2026-01-10T02:00:00Z'),
    });
    // Exactly at the deadline is still in time (a CronJob is too late only after it).
    expect(decide({ now: at('2026-01-09T03:00:00Z'), lastScheduleTime: last })).toMatchObject({ action: 'fire' });
  });

  it('a minutely schedule down for a day still starts one run, not 1440', () => {
    const everyMinute = new CronSchedule('* * * * *', 'UTC');
    const decision = decide({
      cron: everyMinute,
      now: at('2026-01-03T12:00:30Z'),
      lastScheduleTime: at('2026-01-02T12:00:00Z'),
    });
    expect(decision).toMatchObject({ action: 'fire', scheduledTime: at('2026-01-03T12:00:00Z') });
    expect(decision.action === 'fire' && decision.skipped).toBe(100); // counted up to the limit, like a CronJob
  });

  it('a suspended schedule starts nothing', () => {
    expect(decide({ now: at('2026-01-02T02:00:00Z'), suspended: true })).toMatchObject({
      action: 'wait',
      reason: 'suspended',
    });
  });
});
