import type { Static } from '@sinclair/typebox';
import type { EvalScheduleSpec, EvalScheduleStatusSchema, ScheduledNightResult } from '@xreason/contracts';
import type { RunRef } from '../seams/run-store.js';

export type EvalScheduleStatus = Static<typeof EvalScheduleStatusSchema>;

/** An EvalSchedule as local mode stores it (a `runs` row of kind EvalSchedule). */
export interface StoredSchedule {
  readonly ref: RunRef;
  readonly uid: string;
  readonly generation: number;
  readonly spec: EvalScheduleSpec;
  readonly status?: EvalScheduleStatus;
  readonly createdAt: string;
}

export const FIRING_PHASES = ['Running', 'Succeeded', 'Failed'] as const;
export type FiringPhase = (typeof FIRING_PHASES)[number];

/** One firing of a schedule (what a Job is to a CronJob). */
export interface Firing {
  readonly id: string;
  readonly scheduleUid: string;
  readonly scheduledTime: string;
  readonly night: string;
  readonly phase: FiringPhase;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly message?: string;
  readonly regressions: number;
  readonly result?: ScheduledNightResult;
}

export type ClaimOutcome =
  | { readonly claimed: Firing }
  /** This scheduled time has a firing already (started before a restart, say). */
  | { readonly exists: Firing }
  /** Another firing of the schedule is Running (Forbid). */
  | { readonly active: Firing };

export type ScheduleApplyAction = 'created' | 'configured' | 'unchanged';

/**
 * Where local mode keeps EvalSchedules and their firings. `claimFiring` is the only way a firing
 * starts, and it is atomic: one firing per scheduled time, and none while another is Running.
 */
export interface ScheduleStore {
  list(): Promise<StoredSchedule[]>;
  get(ref: RunRef): Promise<StoredSchedule | undefined>;
  writeStatus(schedule: StoredSchedule, status: EvalScheduleStatus): Promise<void>;
  activeFiring(scheduleUid: string): Promise<Firing | undefined>;
  /** The newest firings first. */
  firings(scheduleUid: string, limit: number): Promise<Firing[]>;
  claimFiring(scheduleUid: string, scheduledTime: Date, night: string): Promise<ClaimOutcome>;
  finishFiring(
    firingId: string,
    outcome: {
      phase: Exclude<FiringPhase, 'Running'>;
      message?: string;
      result?: ScheduledNightResult;
      finishedAt: Date;
    },
  ): Promise<void>;
}
