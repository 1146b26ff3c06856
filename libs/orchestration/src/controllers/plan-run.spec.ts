import { describe, expect, it } from 'vitest';
import type { StoredRun } from '../seams/run-store.js';
import type { ObservedWorkload } from '../seams/workload-runtime.js';
import { runSpec } from '../specs.test-helpers.js';
import { planRun, retryDelayMs } from './plan-run.js';

const ref = { namespace: 'ml', name: 'r' };
const now = new Date('2025-01-01T01:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
const run = (overrides: Partial<StoredRun> = {}): StoredRun => ({
  ref,
  uid: 'u1',
  generation: 1,
  deleting: false,
  finalizers: [],
  spec: runSpec({ maxRetries: 1 }),
  ...overrides,
});
const w = (
  stage: string,
  attempt: number,
  state: ObservedWorkload['state'],
  finishedSecondsAgo?: number,
): ObservedWorkload => ({
  stage,
  attempt,
  state,
  ...(finishedSecondsAgo !== undefined ? { finishedAt: ago(finishedSecondsAgo) } : {}),
});
const cond = (plan: ReturnType<typeof planRun>, type: string) => plan.status.conditions.find((c) => c.type === type);
const phases = (plan: ReturnType<typeof planRun>) =>
  Object.fromEntries(plan.status.stages.map((s) => [s.name, `${s.phase}/${s.attempts}`]));

describe('planRun', () => {
  it('starts only the root stage of a new run and reports it Progressing', () => {
    const plan = planRun(run(), [], now);
    expect(plan.start.map((s) => `${s.stage.name}#${s.attempt}`)).toEqual(['data#1']);
    expect(plan.status.phase).toBe('Running');
    expect(cond(plan, 'Progressing')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(plan.events.map((e) => e.reason)).toEqual(['StageStarted']);
  });

  it('starts a stage once its dependency succeeded, and nothing while it runs', () => {
    expect(planRun(run(), [w('data', 1, 'Running')], now).start).toEqual([]);
    const plan = planRun(run(), [w('data', 1, 'Succeeded', 5)], now);
    expect(plan.start.map((s) => s.stage.name)).toEqual(['sft']);
    expect(phases(plan)).toMatchObject({ data: 'Succeeded/1', sft: 'Pending/1', grpo: 'Pending/0' });
  });

  it('waits out the backoff before retrying a failed attempt, then starts the next attempt', () => {
    const delay = retryDelayMs(1, { baseDelayMs: 10_000, maxDelayMs: 300_000 });
    const waiting = planRun(run(), [w('data', 1, 'Failed', 3)], now);
    expect(waiting.start).toEqual([]);
    expect(waiting.requeueAfterMs).toBe(delay - 3_000);
    expect(cond(waiting, 'Degraded')).toMatchObject({ status: 'True', reason: 'StageRetrying' });
    const due = planRun(run(), [w('data', 1, 'Failed', 10)], now);
    expect(due.start.map((s) => `${s.stage.name}#${s.attempt}`)).toEqual(['data#2']);
    expect(due.events.map((e) => e.reason)).toEqual(['StageRetried']);
  });

  it('doubles the backoff per failure up to the cap', () => {
    const policy = { baseDelayMs: 1_000, maxDelayMs: 5_000 };
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy))).toEqual([1_000, 2_000, 4_000, 5_000]);
  });

  it('fails the run with a StageFailed condition once a stage fails after maxRetries retries, and skips its dependents', () => {
    const plan = planRun(run(), [w('data', 1, 'Failed', 100), w('data', 2, 'Failed', 1)], now);
    expect(plan.start).toEqual([]);
    expect(plan.status.phase).toBe('Failed');
    expect(phases(plan)).toMatchObject({ data: 'Failed/2', sft: 'Skipped/0', eval: 'Skipped/0' });
    expect(cond(plan, 'Degraded')).toMatchObject({ status: 'True', reason: 'StageFailed' });
    expect(cond(plan, 'Progressing')).toMatchObject({ status: 'False', reason: 'RunFailed' });
    expect(plan.events.map((e) => e.reason)).toEqual(['StageFailed', 'RunFailed']);
  });

  it('fails a stage at once, without retries left unused, when its worker reports a permanent failure', () => {
    const plan = planRun(run(), [{ ...w('data', 1, 'Failed', 100), permanent: true, message: 'bad data' }], now);
    expect(plan.start).toEqual([]);
    expect(plan.status.phase).toBe('Failed');
    expect(phases(plan)).toMatchObject({ data: 'Failed/1', sft: 'Skipped/0' });
  });

  it('is a fixed point: planning again from its own status changes nothing and starts nothing new', () => {
    const workloads = [w('data', 1, 'Succeeded', 50), w('sft', 1, 'Running')];
    const first = planRun(run(), workloads, now);
    const second = planRun(run({ status: first.status }), workloads, new Date(now.getTime() + 60_000));
    expect(second.status).toEqual(first.status);
    expect(second.start).toEqual([]);
    expect(second.events).toEqual([]);
  });

  it('keeps a succeeded stage succeeded after its workload is gone and never reuses an attempt number', () => {
    const before = planRun(run(), [w('data', 1, 'Failed', 100), w('data', 2, 'Succeeded', 50)], now).status;
    const plan = planRun(run({ status: before }), [], now);
    expect(phases(plan)).toMatchObject({ data: 'Succeeded/2' });
    expect(plan.start.map((s) => `${s.stage.name}#${s.attempt}`)).toEqual(['sft#1']);
  });

  it('restarts the same attempt when the status counts it but its workload is not seen (idempotent by name)', () => {
    const status = planRun(run(), [], now).status; // data#1 was started, then the operator died
    const plan = planRun(run({ status }), [], now);
    expect(plan.start.map((s) => `${s.stage.name}#${s.attempt}`)).toEqual(['data#1']);
    expect(plan.events).toEqual([]);
  });

  it('reports a suspended workload as waiting for admission', () => {
    const plan = planRun(run(), [w('data', 1, 'Suspended')], now);
    expect(cond(plan, 'Progressing')).toMatchObject({ status: 'True', reason: 'WaitingForAdmission' });
    expect(phases(plan)).toMatchObject({ data: 'Pending/1' });
  });

  it('records the new generation in observedGeneration and in every condition', () => {
    const plan = planRun(run({ generation: 4 }), [], now);
    expect(plan.status.observedGeneration).toBe(4);
    expect(plan.status.conditions.every((c) => c.observedGeneration === 4)).toBe(true);
  });

  it('succeeds when every stage succeeded', () => {
    const names = ['data', 'sft', 'grpo', 'eval'];
    const plan = planRun(
      run(),
      names.map((n) => w(n, 1, 'Succeeded', 1)),
      now,
    );
    expect(plan.status.phase).toBe('Succeeded');
    expect(cond(plan, 'Available')).toMatchObject({ status: 'True', reason: 'RunSucceeded' });
    expect(plan.status.finishedAt).toBe(now.toISOString());
  });

  it('fails a run whose recipe misses a section with an InvalidSpec condition naming the field', () => {
    const plan = planRun(run({ spec: runSpec({ sft: undefined }) }), [], now);
    expect(plan.status.phase).toBe('Failed');
    expect(cond(plan, 'Degraded')).toMatchObject({
      reason: 'InvalidSpec',
      message: expect.stringContaining('/spec/sft'),
    });
  });
});

describe('planRun while a retry runs', () => {
  it('stays Degraded until the retried stage succeeds', () => {
    const plan = planRun(run(), [w('data', 1, 'Failed', 100), w('data', 2, 'Running')], now);
    expect(cond(plan, 'Degraded')).toMatchObject({ status: 'True', reason: 'StageRetrying' });
    expect(cond(plan, 'Progressing')).toMatchObject({ status: 'True', reason: 'StagesRunning' });
  });
});
