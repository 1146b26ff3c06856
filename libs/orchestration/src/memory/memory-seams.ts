import type { AlignmentRunSpec, AlignmentRunStatus } from '@xreason/contracts';
import { type RunRef, type RunStore, type StoredRun, runKey } from '../seams/run-store.js';
import type { ObservedWorkload, WorkloadRequest, WorkloadRuntime, WorkloadState } from '../seams/workload-runtime.js';

type Listener = (ref: RunRef) => void;

/**
 * In-process RunStore: the reference behaviour of the seam (generation bumps on spec changes only,
 * deletion waits for finalizers) for tests and dry runs.
 */
export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, StoredRun>();
  private readonly listeners = new Set<Listener>();
  private nextUid = 1;
  statusWrites = 0;

  create(ref: RunRef, spec: AlignmentRunSpec): StoredRun {
    const run: StoredRun = { ref, uid: `uid-${this.nextUid++}`, generation: 1, deleting: false, finalizers: [], spec };
    this.put(run);
    return run;
  }

  updateSpec(ref: RunRef, spec: AlignmentRunSpec): void {
    const run = this.require(ref);
    this.put({ ...run, spec, generation: run.generation + 1 });
  }

  delete(ref: RunRef): void {
    const run = this.require(ref);
    if (run.finalizers.length === 0) this.remove(ref);
    else this.put({ ...run, deleting: true });
  }

  async get(ref: RunRef): Promise<StoredRun | undefined> {
    return this.runs.get(runKey(ref));
  }

  async list(): Promise<StoredRun[]> {
    return [...this.runs.values()];
  }

  async writeStatus(run: StoredRun, status: AlignmentRunStatus): Promise<void> {
    this.statusWrites++;
    this.put({ ...this.require(run.ref), status: structuredClone(status) });
  }

  async addFinalizer(run: StoredRun, finalizer: string): Promise<void> {
    const current = this.require(run.ref);
    if (!current.finalizers.includes(finalizer))
      this.put({ ...current, finalizers: [...current.finalizers, finalizer] });
  }

  async removeFinalizer(run: StoredRun, finalizer: string): Promise<void> {
    const current = this.runs.get(runKey(run.ref));
    if (!current) return;
    const finalizers = current.finalizers.filter((f) => f !== finalizer);
    if (current.deleting && finalizers.length === 0) this.remove(run.ref);
    else this.put({ ...current, finalizers });
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private require(ref: RunRef): StoredRun {
    const run = this.runs.get(runKey(ref));
    if (!run) throw new Error(`run ${runKey(ref)} not found`);
    return run;
  }

  private put(run: StoredRun): void {
    this.runs.set(runKey(run.ref), run);
    for (const l of this.listeners) l(run.ref);
  }

  private remove(ref: RunRef): void {
    this.runs.delete(runKey(ref));
    for (const l of this.listeners) l(ref);
  }
}

interface MemoryWorkload extends ObservedWorkload {
  readonly run: string;
  readonly request: WorkloadRequest;
}

/** In-process WorkloadRuntime whose workloads change state only when told to (the test is the worker). */
export class MemoryWorkloadRuntime implements WorkloadRuntime {
  private readonly workloads = new Map<string, MemoryWorkload>();
  private readonly listeners = new Set<Listener>();
  /** Every start call that created a workload, in order. */
  readonly created: string[] = [];

  async list(run: RunRef): Promise<ObservedWorkload[]> {
    return [...this.workloads.values()].filter((w) => w.run === runKey(run));
  }

  async start(request: WorkloadRequest): Promise<void> {
    const id = MemoryWorkloadRuntime.id(request.run, request.stage.name, request.attempt);
    if (this.workloads.has(id)) return;
    this.created.push(id);
    this.workloads.set(id, {
      run: runKey(request.run),
      stage: request.stage.name,
      attempt: request.attempt,
      state: 'Pending',
      request,
    });
    this.notify(request.run);
  }

  async removeAll(run: RunRef): Promise<number> {
    for (const [id, w] of this.workloads) if (w.run === runKey(run)) this.workloads.delete(id);
    return 0;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(run: RunRef, stage: string, attempt: number, state: WorkloadState, at: Date, message?: string): void {
    const id = MemoryWorkloadRuntime.id(run, stage, attempt);
    const w = this.workloads.get(id);
    if (!w) throw new Error(`no workload ${id}`);
    const terminal = state === 'Succeeded' || state === 'Failed';
    this.workloads.set(id, {
      ...w,
      state,
      ...(message ? { message } : {}),
      ...(state === 'Running' ? { startedAt: at.toISOString() } : {}),
      ...(terminal ? { finishedAt: at.toISOString() } : {}),
    });
    this.notify(run);
  }

  static id(run: RunRef, stage: string, attempt: number): string {
    return `${runKey(run)}/${stage}#${attempt}`;
  }

  private notify(ref: RunRef): void {
    for (const l of this.listeners) l(ref);
  }
}
