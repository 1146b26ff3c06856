import type { AlignmentRun, EvalSchedule } from '@xreason/contracts';
import type {
  ApplyAction,
  DeleteOutcome,
  Firing,
  RunRef,
  ScheduleApplyAction,
  StoredRun,
  StoredSchedule,
} from '@xreason/orchestration';

/** A run as the REST API shows it. */
export interface RunView extends StoredRun {
  readonly createdAt?: string;
}

/** One stage attempt's log. */
export interface StageLog {
  readonly stage: string;
  readonly attempt: number;
  readonly text: string;
}

/**
 * What the REST API needs from the operator's mode: the control loop's life cycle and access to runs.
 * Local mode keeps runs in Postgres; cluster mode reads the AlignmentRun resources (users apply them
 * with kubectl, so writes through this API are refused there).
 */
export interface Orchestrator {
  readonly mode: 'local' | 'cluster';
  start(): Promise<void>;
  stop(): Promise<void>;
  apply(resource: AlignmentRun): Promise<{ run: RunView; action: ApplyAction }>;
  list(): Promise<RunView[]>;
  get(ref: RunRef): Promise<RunView | undefined>;
  delete(ref: RunRef): Promise<DeleteOutcome>;
  /** The latest attempt's log of each stage asked for (every stage that has one when `stage` is absent). */
  logs(run: RunView, stage?: string): Promise<StageLog[]>;
  applySchedule(resource: EvalSchedule): Promise<{ schedule: StoredSchedule; action: ScheduleApplyAction }>;
  listSchedules(): Promise<ScheduleView[]>;
  getSchedule(ref: RunRef): Promise<ScheduleView | undefined>;
  deleteSchedule(ref: RunRef): Promise<'deleted' | 'not-found'>;
}

/** An EvalSchedule as the REST API shows it: the resource and its latest firings, newest first. */
export interface ScheduleView {
  readonly schedule: StoredSchedule;
  readonly nights: readonly Firing[];
}

export const ORCHESTRATOR = Symbol.for('@xreason/operator:orchestrator');

/** A request the current mode cannot serve (e.g. writing runs through the API in cluster mode). */
export class UnsupportedInModeError extends Error {
  override name = 'UnsupportedInModeError';
}
