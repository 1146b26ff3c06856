import type { AlignmentRunSpec, AlignmentRunStatus } from '@xreason/contracts';

/** Identifies a run: a namespaced custom resource in a cluster; namespace `default` in local mode. */
export interface RunRef {
  readonly namespace: string;
  readonly name: string;
}

export const runKey = (ref: RunRef): string => `${ref.namespace}/${ref.name}`;

export function parseRunKey(key: string): RunRef {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1)
    throw new Error(`run key ${JSON.stringify(key)}: expected "namespace/name"`);
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** A run as its store last saw it. */
export interface StoredRun {
  readonly ref: RunRef;
  /** Stable identity across delete-and-recreate under the same name (Kubernetes `metadata.uid`). */
  readonly uid: string;
  /** Bumped by every spec change; status.observedGeneration follows it. */
  readonly generation: number;
  /** Deletion has been requested; the run stays until its finalizers are removed. */
  readonly deleting: boolean;
  readonly finalizers: readonly string[];
  readonly spec: AlignmentRunSpec;
  readonly status?: AlignmentRunStatus;
}

/**
 * Where runs live (DESIGN §3): AlignmentRun custom resources in a cluster, Postgres rows in local mode.
 * Reads may come from a cache that lags behind the truth: the reconciler is level-triggered and its
 * writes are idempotent, so a stale read costs one more reconcile, never a duplicate effect.
 */
export interface RunStore {
  get(ref: RunRef): Promise<StoredRun | undefined>;
  list(): Promise<StoredRun[]>;
  /** Replaces the run's status (the operator is its only writer). */
  writeStatus(run: StoredRun, status: AlignmentRunStatus): Promise<void>;
  /** Idempotent: adding a present finalizer or removing an absent one does nothing. */
  addFinalizer(run: StoredRun, finalizer: string): Promise<void>;
  removeFinalizer(run: StoredRun, finalizer: string): Promise<void>;
  /** Calls `listener` with the run that changed (created, spec or status updated, deleted). */
  subscribe(listener: (ref: RunRef) => void): () => void;
}
