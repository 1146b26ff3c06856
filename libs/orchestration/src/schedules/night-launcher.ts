import type { ScheduledNightResult } from '@xreason/contracts';
import type { Firing, StoredSchedule } from './schedule-store.js';

/** What the launcher knows about one firing's worker. */
export type NightObservation =
  | { readonly state: 'Pending' | 'Running' }
  | { readonly state: 'Succeeded'; readonly result?: ScheduledNightResult; readonly finishedAt: Date }
  | { readonly state: 'Failed'; readonly message: string; readonly finishedAt: Date };

/**
 * How a firing's night runs: the eval worker's `schedule` command as a local child process (a CronJob's
 * pod in a cluster). `start` is idempotent per firing; `observe` reads the truth afresh each time, so a
 * restarted operator adopts a night that is still running and learns how one that ended meanwhile ended.
 */
export interface NightLauncher {
  start(schedule: StoredSchedule, firing: Firing): Promise<void>;
  observe(firing: Firing): Promise<NightObservation>;
  /** Firings whose worker is alive, by schedule uid (to stop those whose schedule was deleted). */
  running(): Promise<{ scheduleUid: string; firingId: string }[]>;
  /** SIGTERM, then SIGKILL after a grace period, on later calls. */
  stop(scheduleUid: string, firingId: string): Promise<void>;
}
