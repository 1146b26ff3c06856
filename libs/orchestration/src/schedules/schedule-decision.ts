import type { CronSchedule } from './cron-schedule.js';

/**
 * How late a missed scheduled time may still start, as `startingDeadlineSeconds` on the CronJob that
 * cluster mode builds for the same EvalSchedule (libs/kube eval-cron-job.builder.ts uses 3600 too).
 */
export const DEFAULT_STARTING_DEADLINE_SECONDS = 3600;

/** Beyond this many missed times Kubernetes stops counting (and warns); so do we. */
const MISSED_COUNT_LIMIT = 100;

export interface FiringDecisionInput {
  readonly cron: CronSchedule;
  readonly now: Date;
  /** The last scheduled time that was started (status.lastScheduleTime), if any. */
  readonly lastScheduleTime?: Date | undefined;
  /** When the schedule was created: times before it were never owed. */
  readonly createdAt: Date;
  readonly startingDeadlineSeconds: number;
  readonly suspended: boolean;
  /** A firing of this schedule is still running (concurrencyPolicy Forbid). */
  readonly active: boolean;
}

export type FiringDecision =
  | {
      readonly action: 'fire';
      readonly scheduledTime: Date;
      /** Older owed times passed over in favour of this one (0 on time). */
      readonly skipped: number;
      readonly nextAt: Date | null;
    }
  | {
      readonly action: 'wait';
      readonly reason: 'not-due' | 'suspended' | 'forbid' | 'missed-deadline';
      /** The due time held back (forbid) or missed for good (missed-deadline). */
      readonly scheduledTime?: Date;
      /** Owed times that can no longer start. */
      readonly skipped?: number;
      readonly nextAt: Date | null;
    };

/**
 * What a CronJob controller decides at `now` (kubernetes/pkg/controller/cronjob, v2): of the times
 * owed since the last start (or creation), only the most recent may start, and only while it is at
 * most `startingDeadlineSeconds` late — so an operator that was down for a week starts one catch-up
 * run if it comes back within the window after a scheduled time, and none otherwise; never a burst.
 * With a firing still running, the due time waits (Forbid); lastScheduleTime is then not advanced,
 * so when the running one ends within the window, the held-back time starts late, once.
 */
export function decideFiring(input: FiringDecisionInput): FiringDecision {
  const { cron, now } = input;
  const nextAt = cron.next(now);
  if (input.suspended) return { action: 'wait', reason: 'suspended', nextAt };
  const owedSince = input.lastScheduleTime ?? input.createdAt;
  const latest = cron.latest(now);
  if (!latest || latest <= owedSince) return { action: 'wait', reason: 'not-due', nextAt };
  const owed = cron.between(owedSince, now, MISSED_COUNT_LIMIT + 1).length;
  if (latest.getTime() + input.startingDeadlineSeconds * 1000 < now.getTime())
    return { action: 'wait', reason: 'missed-deadline', scheduledTime: latest, skipped: owed, nextAt };
  if (input.active) return { action: 'wait', reason: 'forbid', scheduledTime: latest, nextAt };
  return { action: 'fire', scheduledTime: latest, skipped: Math.max(0, owed - 1), nextAt };
}
