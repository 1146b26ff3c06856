import type { AlignmentRunSpec } from '@xreason/contracts';
import type { StageNode } from '../dag/stage-dag.js';
import type { RunRef } from './run-store.js';

/**
 * What the runtime reports about one attempt of one stage.
 * - `Suspended`: created but not admitted yet (Kueue holds it), or preempted (re-suspended) after it ran;
 * - `Pending`: admitted, no worker running yet.
 */
export const WORKLOAD_STATES = ['Suspended', 'Pending', 'Running', 'Succeeded', 'Failed'] as const;
export type WorkloadState = (typeof WORKLOAD_STATES)[number];

export interface ObservedWorkload {
  readonly stage: string;
  /** 1 for the first try; a retry is a new workload with the next attempt number. */
  readonly attempt: number;
  readonly state: WorkloadState;
  readonly message?: string;
  /** A failure retrying cannot help (the worker exited with STAGE_EXIT_CODES.permanentFailure): no retry. */
  readonly permanent?: boolean;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface WorkloadRequest {
  readonly run: RunRef;
  readonly runUid: string;
  readonly spec: AlignmentRunSpec;
  readonly stage: StageNode;
  readonly attempt: number;
}

/**
 * How a stage worker starts (DESIGN §3): a Kubernetes Job, or a local child process.
 * `start` must be idempotent for a given (run, stage, attempt) — a deterministic workload name makes a
 * second start (after an operator restart, or from a stale cache) a no-op instead of a duplicate.
 */
export interface WorkloadRuntime {
  list(run: RunRef): Promise<ObservedWorkload[]>;
  start(request: WorkloadRequest): Promise<void>;
  /** Removes every workload of the run; resolves to how many still exist (0 once cleanup is complete). */
  removeAll(run: RunRef): Promise<number>;
  /** Calls `listener` with the run whose workloads changed. */
  subscribe(listener: (ref: RunRef) => void): () => void;
}

/** Kubernetes Events in a cluster, log lines locally. */
export interface EventSink {
  record(run: RunRef, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}
