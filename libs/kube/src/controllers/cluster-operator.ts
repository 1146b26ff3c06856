import {
  AlignmentRunReconciler,
  type RetryPolicy,
  type RunRef,
  WorkQueue,
  parseRunKey,
  runKey,
} from '@xreason/orchestration';
import type { KubeApis } from '../kube-client.js';
import { LeaderElector } from '../runtime/leader-election.js';
import { KubeRunStore } from '../stores/kube-run-store.js';
import { KubeWorkloadRuntime } from '../stores/kube-workload-runtime.js';
import type { StageJobOptions } from '../workloads/worker-pod.js';
import { EvalScheduleReconciler } from './eval-schedule.reconciler.js';
import { KubeEventSink } from './kube-event-sink.js';

export interface ClusterOperatorOptions {
  readonly apis: KubeApis;
  readonly jobs: StageJobOptions;
  /** Watch only this namespace (Role), or all namespaces (ClusterRole) when undefined. */
  readonly namespace?: string;
  /** This replica's name in the Lease (the pod name). */
  readonly identity: string;
  readonly leaseNamespace: string;
  readonly leaseName?: string;
  readonly leaseDurationMs?: number;
  readonly retryPeriodMs?: number;
  readonly workers?: number;
  /** Every key is reconciled again this often, whatever the watches said (level-triggered safety net). */
  readonly resyncMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: () => Date;
  readonly log?: (message: string) => void;
}

const RUN = 'AlignmentRun';
const SCHEDULE = 'EvalSchedule';

/**
 * The cluster-mode control loop: leader election on a Lease gates everything; the leader runs
 * informers (runs, their Jobs, schedules) that feed object keys into one work queue, and workers that
 * reconcile a key at a time (never the same key twice at once). A failed reconcile is retried with
 * per-key backoff; a reconcile may ask to be looked at again later (a retry's backoff). Losing the
 * Lease stops the workers and the informers; the process keeps running and campaigns again.
 */
export class ClusterOperator {
  readonly store: KubeRunStore;
  readonly runtime: KubeWorkloadRuntime;
  readonly schedules: EvalScheduleReconciler;
  readonly elector: LeaderElector;
  private readonly reconciler: AlignmentRunReconciler;
  private queue = new WorkQueue();
  private workers: Promise<void>[] = [];
  private resyncTimer: NodeJS.Timeout | undefined;
  private transition: Promise<void> = Promise.resolve();
  private readonly log: (message: string) => void;

  constructor(private readonly options: ClusterOperatorOptions) {
    this.log = options.log ?? (() => undefined);
    const { apis, namespace } = options;
    this.store = new KubeRunStore(apis, namespace, this.log);
    this.runtime = new KubeWorkloadRuntime(apis, options.jobs, namespace, this.log);
    this.schedules = new EvalScheduleReconciler(
      apis,
      options.jobs,
      (ref) => this.enqueue(SCHEDULE, ref),
      namespace,
      options.clock,
      this.log,
    );
    this.store.subscribe((ref) => this.enqueue(RUN, ref));
    this.runtime.subscribe((ref) => this.enqueue(RUN, ref));
    const events = new KubeEventSink(
      apis,
      (ref) => this.store.informer.get(ref.name, ref.namespace)?.metadata.uid,
      options.identity,
      this.log,
    );
    this.reconciler = new AlignmentRunReconciler({
      store: this.store,
      runtime: this.runtime,
      events,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
    this.elector = new LeaderElector({
      api: apis.coordination,
      namespace: options.leaseNamespace,
      name: options.leaseName ?? 'xreason-operator',
      identity: options.identity,
      ...(options.leaseDurationMs
        ? { leaseDurationMs: options.leaseDurationMs, renewDeadlineMs: (options.leaseDurationMs * 2) / 3 }
        : {}),
      ...(options.retryPeriodMs ? { retryPeriodMs: options.retryPeriodMs } : {}),
      onStartedLeading: () => this.serially(() => this.lead()),
      onStoppedLeading: () => this.serially(() => this.follow()),
      log: this.log,
    });
  }

  /** Starts campaigning for the Lease; the control loop runs while this replica leads. */
  start(): void {
    this.elector.start();
  }

  async stop(): Promise<void> {
    await this.elector.stop();
    await this.serially(() => this.follow());
  }

  /** Leading and following never interleave: a lost Lease waits for a start-up in progress. */
  private serially(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step, step);
    return this.transition;
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  private enqueue(kind: string, ref: RunRef): void {
    this.queue.add(`${kind}:${runKey(ref)}`);
  }

  private async lead(): Promise<void> {
    this.queue = new WorkQueue();
    await Promise.all([this.store.informer.start(), this.runtime.informer.start(), this.schedules.informer.start()]);
    for (const run of this.store.informer.list())
      this.enqueue(RUN, { namespace: run.metadata.namespace ?? 'default', name: run.metadata.name });
    for (const s of this.schedules.informer.list())
      this.enqueue(SCHEDULE, { namespace: s.metadata.namespace ?? 'default', name: s.metadata.name });
    const queue = this.queue;
    this.workers = Array.from({ length: this.options.workers ?? 2 }, () => this.work(queue));
    this.resyncTimer = setInterval(() => {
      for (const run of this.store.informer.list())
        this.enqueue(RUN, { namespace: run.metadata.namespace ?? 'default', name: run.metadata.name });
      for (const s of this.schedules.informer.list())
        this.enqueue(SCHEDULE, { namespace: s.metadata.namespace ?? 'default', name: s.metadata.name });
    }, this.options.resyncMs ?? 300_000);
    this.resyncTimer.unref();
  }

  private async follow(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.queue.shutdown();
    await Promise.all(this.workers);
    this.workers = [];
    await Promise.all([this.store.informer.stop(), this.runtime.informer.stop(), this.schedules.informer.stop()]);
  }

  private async work(queue: WorkQueue): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      const colon = key.indexOf(':');
      const kind = key.slice(0, colon);
      const ref = parseRunKey(key.slice(colon + 1));
      try {
        if (kind === RUN) {
          const result = await this.reconciler.reconcile(ref);
          if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
        } else await this.schedules.reconcile(ref);
        queue.forget(key);
      } catch (error) {
        const delay = queue.addRateLimited(key);
        this.log(
          `reconcile ${key} failed (retry in ${delay} ms): ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        queue.done(key);
      }
    }
  }
}
