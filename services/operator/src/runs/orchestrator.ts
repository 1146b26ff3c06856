import type { AlignmentRun } from '@xreason/contracts';
import type { ApplyAction, DeleteOutcome, RunRef, StoredRun } from '@xreason/orchestration';

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
}

export const ORCHESTRATOR = Symbol.for('@xreason/operator:orchestrator');

/** A request the current mode cannot serve (e.g. writing runs through the API in cluster mode). */
export class UnsupportedInModeError extends Error {
  override name = 'UnsupportedInModeError';
}
