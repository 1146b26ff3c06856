import { describe, expect, it } from 'vitest';
import { MemoryRunStore, MemoryWorkloadRuntime } from '../memory/memory-seams.js';
import { runSpec } from '../specs.test-helpers.js';
import { AlignmentRunReconciler, RUN_FINALIZER } from './alignment-run.reconciler.js';

const ref = { namespace: 'default', name: 'ja-fr' };

function setup() {
  let now = new Date('2025-01-01T00:00:00Z');
  const store = new MemoryRunStore();
  const runtime = new MemoryWorkloadRuntime();
  const events: string[] = [];
  const reconciler = new AlignmentRunReconciler({
    store,
    runtime,
    events: { record: async (_r, _t, reason) => void events.push(reason) },
    clock: () => now,
    retry: { baseDelayMs: 1_000, maxDelayMs: 1_000 },
  });
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));
  return { store, runtime, reconciler, events, advance, at: () => now };
}

describe('AlignmentRunReconciler', () => {
  it('drives a run through its DAG to success, holding a finalizer', async () => {
    const { store, runtime, reconciler, at } = setup();
    store.create(ref, runSpec({ evaluation: undefined }));
    for (const stage of ['data', 'sft', 'grpo']) {
      await reconciler.reconcile(ref);
      runtime.set(ref, stage, 1, 'Succeeded', at());
    }
    await reconciler.reconcile(ref);
    const run = await store.get(ref);
    expect(run?.finalizers).toEqual([RUN_FINALIZER]);
    expect(run?.status?.phase).toBe('Succeeded');
    expect(runtime.created.map((id) => id.split('/').at(-1))).toEqual(['data#1', 'sft#1', 'grpo#1']);
  });

  it('does not write an unchanged status again', async () => {
    const { store, reconciler } = setup();
    store.create(ref, runSpec());
    await reconciler.reconcile(ref);
    const writes = store.statusWrites;
    await reconciler.reconcile(ref);
    await reconciler.reconcile(ref);
    expect(store.statusWrites).toBe(writes);
  });

  it('retries a failed stage after its backoff and fails the run when retries run out', async () => {
    const { store, runtime, reconciler, events, advance, at } = setup();
    store.create(ref, runSpec({ maxRetries: 1 }));
    await reconciler.reconcile(ref);
    runtime.set(ref, 'data', 1, 'Failed', at(), 'OOMKilled');
    expect(await reconciler.reconcile(ref)).toEqual({ requeueAfterMs: 1_000 });
    advance(1_000);
    await reconciler.reconcile(ref);
    runtime.set(ref, 'data', 2, 'Failed', at(), 'OOMKilled');
    await reconciler.reconcile(ref);
    const run = await store.get(ref);
    expect(run?.status?.phase).toBe('Failed');
    expect(run?.status?.conditions.find((c) => c.type === 'Degraded')).toMatchObject({
      reason: 'StageFailed',
      message: expect.stringContaining('OOMKilled'),
    });
    expect(events).toEqual(['StageStarted', 'StageRetried', 'StageFailed', 'RunFailed']);
  });

  it('removes every workload before releasing a deleted run', async () => {
    const { store, runtime, reconciler } = setup();
    store.create(ref, runSpec());
    await reconciler.reconcile(ref);
    store.delete(ref);
    expect(await store.get(ref)).toMatchObject({ deleting: true });
    await reconciler.reconcile(ref);
    expect(await store.get(ref)).toBeUndefined();
    expect(await runtime.list(ref)).toEqual([]);
  });
});
