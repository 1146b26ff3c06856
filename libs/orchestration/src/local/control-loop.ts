import { AlignmentRunReconciler } from '../controllers/alignment-run.reconciler.js';
import type { RetryPolicy } from '../controllers/plan-run.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { type RunRef, type RunStore, parseRunKey, runKey } from '../seams/run-store.js';
import type { EventSink, WorkloadRuntime } from '../seams/workload-runtime.js';

export interface ControlLoopOptions {
  readonly store: RunStore;
  readonly runtime: WorkloadRuntime;
  readonly events?: EventSink;
  readonly retry?: RetryPolicy;
  readonly clock?: () => Date;
  /** Reconciles running at once (never two for the same run). */
  readonly workers?: number;
  /** Every run is reconciled again this often, whatever was announced (the level-triggered safety net). */
  readonly resyncMs?: number;
  readonly log?: (message: string) => void;
}

/**
 * The operator's loop without leader election (local mode has one operator): changes announced by
 * the RunStore and the WorkloadRuntime become run keys in a work queue; workers reconcile one key at
 * a time with the AlignmentRunReconciler, requeue a failed key with backoff and honour `requeueAfter`.
 */
export class ControlLoop {
  private readonly queue = new WorkQueue();
  private readonly reconciler: AlignmentRunReconciler;
  private readonly unsubscribe: (() => void)[] = [];
  private workers: Promise<void>[] = [];
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly log: (message: string) => void;
  private started = false;

  constructor(private readonly options: ControlLoopOptions) {
    this.log = options.log ?? (() => undefined);
    this.reconciler = new AlignmentRunReconciler({
      store: options.store,
      runtime: options.runtime,
      ...(options.events ? { events: options.events } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const enqueue = (ref: RunRef) => this.queue.add(runKey(ref));
    this.unsubscribe.push(this.options.store.subscribe(enqueue), this.options.runtime.subscribe(enqueue));
    await this.resync();
    this.workers = Array.from({ length: this.options.workers ?? 2 }, () => this.work());
    this.resyncTimer = setInterval(() => void this.resync(), this.options.resyncMs ?? 30_000);
    this.resyncTimer.unref();
  }

  /** Stops taking work and waits for the reconciles in flight; stage workers keep running. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const off of this.unsubscribe.splice(0)) off();
    this.queue.shutdown();
    await Promise.all(this.workers);
    this.workers = [];
  }

  private async resync(): Promise<void> {
    try {
      for (const run of await this.options.store.list()) this.queue.add(runKey(run.ref));
    } catch (error) {
      this.log(`listing runs failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const result = await this.reconciler.reconcile(parseRunKey(key));
        if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
        this.queue.forget(key);
      } catch (error) {
        const delay = this.queue.addRateLimited(key);
        this.log(
          `reconcile ${key} failed (retry in ${delay} ms): ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        this.queue.done(key);
      }
    }
  }
}

/** Events as log lines (Kubernetes Events in a cluster). */
export class LogEventSink implements EventSink {
  constructor(private readonly log: (message: string) => void) {}

  async record(run: RunRef, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    this.log(`${runKey(run)} ${type} ${reason}: ${message}`);
  }
}
