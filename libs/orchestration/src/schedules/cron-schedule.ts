import { calendarDate } from '@xreason/contracts';
import { Cron } from 'croner';

/** A schedule the operator cannot evaluate (bad cron expression or time zone), naming the field. */
export class InvalidScheduleError extends Error {
  override name = 'InvalidScheduleError';
  constructor(
    readonly path: '/spec/schedule' | '/spec/timeZone',
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/**
 * An EvalSchedule's `schedule` in its `timeZone`, as a Kubernetes CronJob reads it: five fields
 * (minute hour day-of-month month day-of-week), Vixie cron's rule that a restricted day-of-month and
 * day-of-week match either one, and wall-clock times in the zone (a 02:30 that a DST change skips
 * runs at the first valid time after it; one it repeats runs once). Evaluated by croner.
 */
export class CronSchedule {
  private readonly cron: Cron;

  constructor(
    readonly expression: string,
    readonly timeZone = 'UTC',
  ) {
    if (!isTimeZone(timeZone))
      throw new InvalidScheduleError('/spec/timeZone', `unknown IANA time zone ${JSON.stringify(timeZone)}`);
    try {
      this.cron = new Cron(expression.trim(), { timezone: timeZone, paused: true, mode: '5-part' });
    } catch (error) {
      throw new InvalidScheduleError('/spec/schedule', (error as Error).message.replace(/^CronPattern: /, ''));
    }
    if (this.cron.nextRun(new Date(0)) === null)
      throw new InvalidScheduleError('/spec/schedule', `${JSON.stringify(expression)} never matches a date`);
  }

  /** The first scheduled time strictly after `after`. */
  next(after: Date): Date | null {
    return this.cron.nextRun(after);
  }

  /** The latest scheduled time at or before `at`. */
  latest(at: Date): Date | null {
    return this.cron.previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
  }

  /** Scheduled times in (after, until], oldest first, at most `limit`. */
  between(after: Date, until: Date, limit: number): Date[] {
    const out: Date[] = [];
    for (let t = this.next(after); t && t <= until && out.length < limit; t = this.next(t)) out.push(t);
    return out;
  }

  /** YYYY-MM-DD of an instant in the schedule's time zone: the `night` of a firing. */
  dateOf(instant: Date): string {
    return calendarDate(instant, this.timeZone);
  }
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
