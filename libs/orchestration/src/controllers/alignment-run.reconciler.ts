import type { AlignmentRunStatus } from '@xreason/contracts';
import type { RunRef, RunStore } from '../seams/run-store.js';
import type { EventSink, WorkloadRuntime } from '../seams/workload-runtime.js';
import { DEFAULT_RETRY_POLICY, planRun, type RetryPolicy } from './plan-run.js';

/** Held on every live run so that deleting it first removes its workloads (and anything else it owns). */
export const RUN_FINALIZER = 'xreason.io/cleanup';

export interface ReconcileResult {
  /** Reconcile this run again after this long, even without a change. */
  readonly requeueAfterMs?: number;
}

export interface AlignmentRunReconcilerOptions {
  readonly store: RunStore;
  readonly runtime: WorkloadRuntime;
  readonly events?: EventSink;
  readonly clock?: () => Date;
  readonly retry?: RetryPolicy;
  /** How soon to look again while a deleted run's workloads are going away. */
  readonly cleanupPollMs?: number;
}

/**
 * One reconcile of one AlignmentRun (kubebuilder's `Reconcile(ctx, req)`): read the run and its
 * workloads, decide with the pure `planRun`, then act — start workloads, write the status if it
 * changed, record events. Every step is idempotent, so running it twice, concurrently with a stale
 * cache, or after a crash half-way through, converges on the same state without duplicate workloads.
 * Errors propagate: the caller's work queue retries the key with backoff.
 */
export class AlignmentRunReconciler {
  private readonly clock: () => Date;

  constructor(private readonly options: AlignmentRunReconcilerOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async reconcile(ref: RunRef): Promise<ReconcileResult> {
    const { store, runtime, events } = this.options;
    const run = await store.get(ref);
    if (!run) return {}; // deleted and finalized: its workloads went with it
    if (run.deleting) {
      if (!run.finalizers.includes(RUN_FINALIZER)) return {};
      const remaining = await runtime.removeAll(ref);
      if (remaining > 0) return { requeueAfterMs: this.options.cleanupPollMs ?? 1_000 };
      await store.removeFinalizer(run, RUN_FINALIZER);
      return {};
    }
    if (!run.finalizers.includes(RUN_FINALIZER)) await store.addFinalizer(run, RUN_FINALIZER);

    const workloads = await runtime.list(ref);
    const plan = planRun(run, workloads, this.clock(), this.options.retry ?? DEFAULT_RETRY_POLICY);
    for (const { stage, attempt } of plan.start) {
      await runtime.start({ run: ref, runUid: run.uid, spec: run.spec, stage, attempt });
    }
    if (!sameStatus(run.status, plan.status)) await store.writeStatus(run, plan.status);
    for (const event of plan.events) await events?.record(ref, event.type, event.reason, event.message);
    return plan.requeueAfterMs === undefined ? {} : { requeueAfterMs: plan.requeueAfterMs };
  }
}

function sameStatus(a: AlignmentRunStatus | undefined, b: AlignmentRunStatus): boolean {
  return a !== undefined && canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}
