import type { AlignmentRunStatus, RunPhase, StagePhase, StageStatus } from '@xreason/contracts';
import { compileRecipe } from '../dag/compile-recipe.js';
import { DagError, type StageDag, type StageNode } from '../dag/stage-dag.js';
import type { StoredRun } from '../seams/run-store.js';
import type { ObservedWorkload } from '../seams/workload-runtime.js';
import { type ConditionInput, setConditions } from './conditions.js';

export interface RetryPolicy {
  /** Delay before the first retry; each later retry waits twice as long, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 10_000, maxDelayMs: 300_000 };

export interface PlannedEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface RunPlan {
  readonly status: AlignmentRunStatus;
  /** Stage attempts to start now. */
  readonly start: readonly { readonly stage: StageNode; readonly attempt: number }[];
  /** Look again after this long even if nothing changes (a retry waiting out its backoff). */
  readonly requeueAfterMs?: number;
  /** Events for transitions between the previous status and this one. */
  readonly events: readonly PlannedEvent[];
}

export function retryDelayMs(failedAttempts: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}

/**
 * The whole of the AlignmentRun controller's decision, as a pure function of what it observes: the
 * run (spec, generation, last status) and its workloads. Level-triggered: it never relies on having
 * seen an event, only on the current state, so it gives the same answer after an operator restart.
 *
 * Durable facts come from the status (a stage once Succeeded stays so even if its Job is gone; attempt
 * numbers only grow, so a retry never reuses the name of an earlier attempt); live facts come from the
 * workloads.
 */
export function planRun(
  run: StoredRun,
  workloads: readonly ObservedWorkload[],
  now: Date,
  retry = DEFAULT_RETRY_POLICY,
): RunPlan {
  const previous = run.status;
  let dag: StageDag;
  try {
    dag = compileRecipe(run.spec);
  } catch (error) {
    if (!(error instanceof DagError)) throw error;
    return invalidSpecPlan(run, error, now);
  }
  const previousStages = new Map((previous?.stages ?? []).map((s) => [s.name, s]));
  const byStage = groupByStage(workloads);
  const stages: StageStatus[] = [];
  const start: { stage: StageNode; attempt: number }[] = [];
  const phases = new Map<string, StagePhase>();
  let requeueAfterMs: number | undefined;
  let retrying = false;
  let degraded = false;
  let waitingForAdmission = false;
  const nowIso = now.toISOString();

  for (const stage of dag.stages) {
    const before = previousStages.get(stage.name);
    const attemptsSeen = byStage.get(stage.name) ?? [];
    const latest = attemptsSeen.at(-1);
    const attempts = Math.max(before?.attempts ?? 0, latest?.attempt ?? 0);
    const current = latest && latest.attempt === attempts ? latest : undefined;
    const base = { name: stage.name, kind: stage.kind, attempts };
    const startedAt = before?.startedAt ?? attemptsSeen.find((w) => w.startedAt)?.startedAt;
    const withTimes = (s: StageStatus): StageStatus => ({ ...s, ...(startedAt && !s.startedAt ? { startedAt } : {}) });

    if (before?.phase === 'Succeeded' || attemptsSeen.some((w) => w.state === 'Succeeded')) {
      const done = attemptsSeen.find((w) => w.state === 'Succeeded');
      phases.set(stage.name, 'Succeeded');
      stages.push(
        withTimes({ ...base, phase: 'Succeeded', finishedAt: before?.finishedAt ?? done?.finishedAt ?? nowIso }),
      );
      continue;
    }
    const blocked = stage.dependsOn.some((d) => phases.get(d) === 'Failed' || phases.get(d) === 'Skipped');
    if (blocked) {
      phases.set(stage.name, 'Skipped');
      stages.push(withTimes({ ...base, phase: 'Skipped', message: 'a stage it depends on failed' }));
      continue;
    }
    const ready = stage.dependsOn.every((d) => phases.get(d) === 'Succeeded');
    if (current && current.state !== 'Failed') {
      const phase: StagePhase = current.state === 'Running' ? 'Running' : 'Pending';
      if (current.state === 'Suspended') waitingForAdmission = true;
      if (attempts > 1) degraded = true; // a retry is running: the run is still degraded until it succeeds
      phases.set(stage.name, phase);
      stages.push(withTimes({ ...base, phase, ...(current.message ? { message: current.message } : {}) }));
      continue;
    }
    if (current?.state === 'Failed') {
      const message = `attempt ${attempts} failed${current.message ? `: ${current.message}` : ''}`;
      if (attempts > run.spec.maxRetries || current.permanent) {
        phases.set(stage.name, 'Failed');
        stages.push(
          withTimes({
            ...base,
            phase: 'Failed',
            message,
            finishedAt: before?.finishedAt ?? current.finishedAt ?? nowIso,
          }),
        );
        continue;
      }
      retrying = true;
      const failedAt = Date.parse(current.finishedAt ?? nowIso);
      const dueAt = failedAt + retryDelayMs(attempts, retry);
      phases.set(stage.name, 'Pending');
      if (dueAt <= now.getTime()) {
        start.push({ stage, attempt: attempts + 1 });
        stages.push(
          withTimes({ ...base, attempts: attempts + 1, phase: 'Pending', message: `retrying after ${message}` }),
        );
      } else {
        requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, Math.max(0, dueAt - now.getTime()));
        stages.push(
          withTimes({
            ...base,
            phase: 'Pending',
            message: `retry due at ${new Date(dueAt).toISOString()} after ${message}`,
          }),
        );
      }
      continue;
    }
    // No live workload for the latest attempt: start it once the dependencies are done. When the
    // status already counts an attempt whose workload is missing (created, then the operator died
    // before the informer saw it, or it was deleted by hand), the same attempt is started again:
    // the same name, so a workload that does exist makes this a no-op.
    phases.set(stage.name, 'Pending');
    if (ready) {
      const attempt = Math.max(attempts, 1);
      start.push({ stage, attempt });
      stages.push(withTimes({ ...base, attempts: attempt, phase: 'Pending' }));
    } else {
      stages.push(withTimes({ ...base, phase: 'Pending' }));
    }
  }

  const anyFailed = stages.some((s) => s.phase === 'Failed');
  const phase: RunPhase = anyFailed
    ? 'Failed'
    : stages.every((s) => s.phase === 'Succeeded')
      ? 'Succeeded'
      : stages.some((s) => s.phase !== 'Pending' || s.attempts > 0)
        ? 'Running'
        : 'Pending';
  // Once failed, nothing new starts (stages already running are left to finish and are recorded).
  const starts = anyFailed ? [] : start;
  const failedStage = stages.find((s) => s.phase === 'Failed');
  const conditions = setConditions(
    previous?.conditions ?? [],
    runConditions(phase, { retrying, degraded: degraded || retrying, waitingForAdmission, failedStage }),
    run.generation,
    now,
  );
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const status: AlignmentRunStatus = {
    phase,
    observedGeneration: run.generation,
    conditions,
    stages,
    ...(previous?.startedAt || phase !== 'Pending' ? { startedAt: previous?.startedAt ?? nowIso } : {}),
    ...(terminal ? { finishedAt: previous?.finishedAt ?? nowIso } : {}),
  };
  return {
    status,
    start: starts,
    ...(requeueAfterMs !== undefined && !anyFailed ? { requeueAfterMs } : {}),
    events: transitions(previous?.stages ?? [], stages, previous?.phase, phase, starts),
  };
}

function groupByStage(workloads: readonly ObservedWorkload[]): Map<string, ObservedWorkload[]> {
  const map = new Map<string, ObservedWorkload[]>();
  for (const w of workloads) map.set(w.stage, [...(map.get(w.stage) ?? []), w]);
  for (const list of map.values()) list.sort((a, b) => a.attempt - b.attempt);
  return map;
}

function runConditions(
  phase: RunPhase,
  facts: { retrying: boolean; degraded: boolean; waitingForAdmission: boolean; failedStage: StageStatus | undefined },
): ConditionInput[] {
  if (phase === 'Succeeded') {
    return [
      { type: 'Available', status: 'True', reason: 'RunSucceeded', message: 'every stage succeeded' },
      { type: 'Progressing', status: 'False', reason: 'RunSucceeded', message: 'every stage succeeded' },
      { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '' },
    ];
  }
  if (phase === 'Failed') {
    const message = `stage ${facts.failedStage?.name ?? '?'} failed: ${facts.failedStage?.message ?? ''}`.trim();
    return [
      { type: 'Available', status: 'False', reason: 'RunFailed', message },
      { type: 'Progressing', status: 'False', reason: 'RunFailed', message },
      { type: 'Degraded', status: 'True', reason: 'StageFailed', message },
    ];
  }
  const progressing = facts.retrying
    ? { reason: 'RetryingStage', message: 'a failed stage is being retried' }
    : facts.waitingForAdmission
      ? { reason: 'WaitingForAdmission', message: 'a stage waits for its queue to admit it' }
      : phase === 'Pending'
        ? { reason: 'RunPending', message: 'no stage has started yet' }
        : { reason: 'StagesRunning', message: 'stages are running' };
  return [
    { type: 'Available', status: 'False', reason: 'RunIncomplete', message: 'not every stage has succeeded yet' },
    { type: 'Progressing', status: 'True', ...progressing },
    facts.degraded
      ? { type: 'Degraded', status: 'True', reason: 'StageRetrying', message: 'a stage failed and is being retried' }
      : { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '' },
  ];
}

function invalidSpecPlan(run: StoredRun, error: DagError, now: Date): RunPlan {
  const message = error.message;
  const conditions = setConditions(
    run.status?.conditions ?? [],
    [
      { type: 'Available', status: 'False', reason: 'InvalidSpec', message },
      { type: 'Progressing', status: 'False', reason: 'InvalidSpec', message },
      { type: 'Degraded', status: 'True', reason: 'InvalidSpec', message },
    ],
    run.generation,
    now,
  );
  const status: AlignmentRunStatus = {
    phase: 'Failed',
    observedGeneration: run.generation,
    conditions,
    stages: run.status?.stages ?? [],
    finishedAt: run.status?.finishedAt ?? now.toISOString(),
    ...(run.status?.startedAt ? { startedAt: run.status.startedAt } : {}),
  };
  const events: PlannedEvent[] =
    run.status?.phase === 'Failed' ? [] : [{ type: 'Warning', reason: 'InvalidSpec', message }];
  return { status, start: [], events };
}

function transitions(
  before: readonly StageStatus[],
  after: readonly StageStatus[],
  runBefore: RunPhase | undefined,
  runAfter: RunPhase,
  starts: readonly { stage: StageNode; attempt: number }[],
): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const previous = new Map(before.map((s) => [s.name, s]));
  for (const { stage, attempt } of starts) {
    if ((previous.get(stage.name)?.attempts ?? 0) >= attempt) continue; // restarting a known attempt is not news
    events.push(
      attempt === 1
        ? { type: 'Normal', reason: 'StageStarted', message: `stage ${stage.name} started` }
        : { type: 'Warning', reason: 'StageRetried', message: `stage ${stage.name} attempt ${attempt} started` },
    );
  }
  for (const s of after) {
    const was = previous.get(s.name)?.phase;
    if (was === s.phase) continue;
    if (s.phase === 'Succeeded')
      events.push({ type: 'Normal', reason: 'StageSucceeded', message: `stage ${s.name} succeeded` });
    if (s.phase === 'Failed')
      events.push({ type: 'Warning', reason: 'StageFailed', message: `stage ${s.name} failed: ${s.message ?? ''}` });
  }
  if (runBefore !== runAfter && runAfter === 'Succeeded')
    events.push({ type: 'Normal', reason: 'RunSucceeded', message: 'every stage succeeded' });
  if (runBefore !== runAfter && runAfter === 'Failed')
    events.push({ type: 'Warning', reason: 'RunFailed', message: 'a stage failed after its last retry' });
  return events;
}
