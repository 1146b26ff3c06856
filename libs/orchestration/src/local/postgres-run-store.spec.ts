import { type AlignmentRun, parseResource } from '@xreason/contracts';
import { type Database, openDatabase } from '@xreason/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_FINALIZER } from '../controllers/alignment-run.reconciler.js';
import { MemoryWorkloadRuntime } from '../memory/memory-seams.js';
import type { RunRef } from '../seams/run-store.js';
import { ControlLoop } from './control-loop.js';
import { makeStateDir, waitUntil } from './local.test-helpers.js';
import { PostgresRunStore, RunConflictError } from './postgres-run-store.js';

function manifest(name: string, spec: Record<string, unknown> = {}): AlignmentRun {
  return parseResource({
    apiVersion: 'xreason.io/v1alpha1',
    kind: 'AlignmentRun',
    metadata: { name },
    spec: {
      recipe: 'budget-alignment',
      baseModel: { uri: 'file:///models/base' },
      languages: ['ja'],
      sft: { learningRate: 1e-4, batchSize: 4 },
      grpo: { steps: 10, promptsPerStep: 2 },
      ...spec,
    },
  }) as AlignmentRun;
}

const ref = (name: string): RunRef => ({ namespace: 'default', name });

describe('PostgresRunStore', () => {
  let state: { path: string; remove(): Promise<void> };
  let db: Database;
  let store: PostgresRunStore;

  beforeAll(async () => {
    state = await makeStateDir();
    db = await openDatabase({ stateDir: state.path });
    store = new PostgresRunStore(db.dataSource, { pollMs: 100 });
  });
  afterAll(async () => {
    await store?.close();
    await db?.close();
    await state?.remove();
  });

  it('creates a run at generation 1 and bumps the generation only when the spec changes', async () => {
    const created = await store.applyRun(manifest('gen'));
    expect(created.action).toBe('created');
    expect(created.run).toMatchObject({ ref: ref('gen'), generation: 1, deleting: false, finalizers: [] });
    expect(created.run.spec.maxRetries).toBe(2); // defaults are stored
    expect(created.run.status).toBeUndefined();
    expect((await store.applyRun(manifest('gen'))).action).toBe('unchanged');
    const changed = await store.applyRun(manifest('gen', { maxRetries: 5 }));
    expect(changed).toMatchObject({ action: 'configured', run: { generation: 2, uid: created.run.uid } });
    expect((await store.get(ref('gen')))?.spec.maxRetries).toBe(5);
  });

  it('writes the status with its phase and observed generation, and mirrors its stage table into stages', async () => {
    const { run } = await store.applyRun(manifest('status'));
    await store.writeStatus(run, {
      phase: 'Running',
      observedGeneration: 1,
      conditions: [],
      stages: [
        { name: 'data', kind: 'data-prep', phase: 'Succeeded', attempts: 2, message: 'ok' },
        { name: 'sft', kind: 'sft', phase: 'Pending', attempts: 0 },
      ],
    });
    expect((await store.get(run.ref))?.status?.phase).toBe('Running');
    const [row] = await db.dataSource.query(`SELECT phase, observed_generation FROM runs WHERE id = $1`, [run.uid]);
    expect(row).toEqual({ phase: 'Running', observed_generation: 1 });
    const stages = await db.dataSource.query(
      `SELECT name, phase, attempt, message FROM stages WHERE run_id = $1 ORDER BY name`,
      [run.uid],
    );
    expect(stages).toEqual([
      { name: 'data', phase: 'Succeeded', attempt: 2, message: 'ok' },
      { name: 'sft', phase: 'Pending', attempt: 1, message: null },
    ]);
  });

  it('does not write a status computed for a run that was deleted and re-created under the same name', async () => {
    const { run: old } = await store.applyRun(manifest('reborn'));
    expect(await store.deleteRun(old.ref)).toBe('deleted');
    await store.applyRun(manifest('reborn'));
    await store.writeStatus(old, { phase: 'Failed', conditions: [], stages: [] });
    expect((await store.get(old.ref))?.status).toBeUndefined();
  });

  it('keeps a deleted run that holds a finalizer until the finalizer goes, and refuses to change it meanwhile', async () => {
    const { run } = await store.applyRun(manifest('fin'));
    await store.addFinalizer(run, RUN_FINALIZER);
    await store.addFinalizer(run, RUN_FINALIZER);
    expect((await store.get(run.ref))?.finalizers).toEqual([RUN_FINALIZER]);
    expect(await store.deleteRun(run.ref)).toBe('deleting');
    expect((await store.get(run.ref))?.deleting).toBe(true);
    await expect(store.applyRun(manifest('fin', { maxRetries: 7 }))).rejects.toThrow(RunConflictError);
    await store.removeFinalizer(run, RUN_FINALIZER);
    expect(await store.get(run.ref)).toBeUndefined();
    expect(await store.deleteRun(run.ref)).toBe('not-found');
  });

  it("announces another writer's changes to subscribers by polling", async () => {
    const { run } = await store.applyRun(manifest('polled'));
    const seen: string[] = [];
    const off = store.subscribe((r) => seen.push(r.name));
    await waitUntil(() => seen.includes('polled'), 5_000, 'first poll');
    seen.length = 0;
    await db.dataSource.query(`UPDATE runs SET deleting = true WHERE id = $1`, [run.uid]); // not through the store
    await waitUntil(() => seen.includes('polled'), 5_000, 'change seen');
    await db.dataSource.query(`DELETE FROM runs WHERE id = $1`, [run.uid]);
    seen.length = 0;
    await waitUntil(() => seen.includes('polled'), 5_000, 'deletion seen');
    off();
  });

  it('drives runs through the reconciler: stages start in DAG order, deletion cleans up and releases the run', async () => {
    const runtime = new MemoryWorkloadRuntime();
    const loop = new ControlLoop({ store, runtime, resyncMs: 200 });
    await loop.start();
    try {
      const { run } = await store.applyRun(manifest('driven'));
      // Other runs of this file are reconciled too: look at this one's workloads only.
      const created = () => runtime.created.filter((id) => id.startsWith('default/driven/'));
      await waitUntil(() => created().length === 1, 5_000, 'first stage started');
      expect(created()).toEqual(['default/driven/data#1']);
      runtime.set(run.ref, 'data', 1, 'Succeeded', new Date());
      await waitUntil(() => created().length === 2, 5_000, 'second stage started');
      expect(created()).toEqual(['default/driven/data#1', 'default/driven/sft#1']);
      const stored = await waitUntil(async () => {
        const r = await store.get(run.ref);
        return r?.status?.stages.find((s) => s.name === 'sft')?.attempts === 1 ? r : undefined;
      });
      expect(stored.finalizers).toEqual([RUN_FINALIZER]);
      expect(stored.status?.phase).toBe('Running');
      expect(await store.deleteRun(run.ref)).toBe('deleting');
      await waitUntil(async () => (await store.get(run.ref)) === undefined, 5_000, 'run released');
      expect(await runtime.list(run.ref)).toEqual([]);
    } finally {
      await loop.stop();
    }
  });
});
