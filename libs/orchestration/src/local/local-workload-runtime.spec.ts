import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAGE_OUTPUTS_FILE, stageOutputDir } from '@xreason/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRecipe } from '../dag/compile-recipe.js';
import type { StageNode } from '../dag/stage-dag.js';
import type { RunRef } from '../seams/run-store.js';
import type { ObservedWorkload, WorkloadRuntime } from '../seams/workload-runtime.js';
import { runSpec } from '../specs.test-helpers.js';
import { LocalWorkloadRuntime, localArtifactRoot, stageLogFile } from './local-workload-runtime.js';
import { makeFixtureServices, makeStateDir, waitUntil } from './local.test-helpers.js';

const spec = runSpec({ languages: ['ja'] });
const dag = compileRecipe(spec);
const stage = (name: string): StageNode => {
  const node = dag.stages.find((s) => s.name === name);
  if (!node) throw new Error(`no stage ${name}`);
  return node;
};

describe('LocalWorkloadRuntime', () => {
  let state: { path: string; remove(): Promise<void> };
  let servicesDir: string;
  const runtimes: LocalWorkloadRuntime[] = [];
  let next = 0;

  beforeAll(async () => {
    state = await makeStateDir();
    servicesDir = await makeFixtureServices(join(state.path, 'services'));
  });
  afterAll(async () => {
    for (const r of runtimes) r.close();
    await state.remove();
  });

  const runtime = (env: Record<string, string> = {}, services = servicesDir) => {
    const r = new LocalWorkloadRuntime({ stateDir: state.path, servicesDir: services, env, pollMs: 100 });
    runtimes.push(r);
    return r;
  };
  const freshRun = (): RunRef => ({ namespace: 'default', name: `run-${++next}` });
  const start = (r: WorkloadRuntime, run: RunRef, name: string, attempt = 1) =>
    r.start({ run, runUid: `uid-${run.name}`, spec, stage: stage(name), attempt });
  const settled = (r: WorkloadRuntime, run: RunRef, name: string, attempt = 1) =>
    waitUntil(
      async () =>
        (await r.list(run)).find(
          (w): w is ObservedWorkload =>
            w.stage === name && w.attempt === attempt && (w.state === 'Succeeded' || w.state === 'Failed'),
        ),
      15_000,
      `${name}#${attempt} finished`,
    );
  const starts = () =>
    readFileSync(join(localArtifactRoot(state.path), 'starts.log'), 'utf8')
      .trim()
      .split('\n');

  it('runs a stage worker with the contract environment: upstream outputs as inputs, its log in its own file', async () => {
    const r = runtime();
    const run = freshRun();
    await start(r, run, 'data');
    expect((await settled(r, run, 'data')).state).toBe('Succeeded');
    await start(r, run, 'sft');
    const sft = await settled(r, run, 'sft');
    expect(sft).toMatchObject({ state: 'Succeeded', stage: 'sft', attempt: 1 });
    expect(Date.parse(sft.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(sft.startedAt ?? ''));
    const outputs = JSON.parse(
      readFileSync(join(stageOutputDir(localArtifactRoot(state.path), run, 'sft'), STAGE_OUTPUTS_FILE), 'utf8'),
    );
    expect(outputs).toEqual({ stage: 'sft', attempt: 1, recipe: 'budget-alignment', inputs: ['data'] });
    expect(readFileSync(stageLogFile(state.path, run, 'sft', 1), 'utf8')).toMatch(
      /stage sft \(sft\) attempt 1 of run-\d+, languages ja/,
    );
  });

  it('starts an attempt at most once, and a second runtime (a restarted operator) adopts it and learns its exit', async () => {
    const first = runtime({ FIXTURE_SLEEP_MS: '1500' });
    const run = freshRun();
    await start(first, run, 'data');
    await start(first, run, 'data');
    first.close(); // the operator goes away; the worker does not
    const second = runtime({ FIXTURE_SLEEP_MS: '1500' });
    await start(second, run, 'data');
    expect((await waitUntil(async () => (await second.list(run))[0])).state).toMatch(/Pending|Running/);
    expect((await settled(second, run, 'data')).state).toBe('Succeeded');
    expect(starts().filter((line) => line === `default/${run.name}/data#1`)).toHaveLength(1);
    expect(await second.list(run)).toHaveLength(1);
  });

  it('reports a failed worker as Failed with its exit code and the last error in its log (not a later warning); the next attempt is separate', async () => {
    const r = runtime({ FIXTURE_FAIL_ONCE: 'data' });
    const run = freshRun();
    await start(r, run, 'data');
    const failed = await settled(r, run, 'data');
    expect(failed).toMatchObject({ state: 'Failed', message: 'exited with code 1: simulated crash of data' });
    await start(r, run, 'data', 2);
    expect((await settled(r, run, 'data', 2)).state).toBe('Succeeded');
    expect((await r.list(run)).map((w) => `${w.stage}#${w.attempt}:${w.state}`)).toEqual([
      'data#1:Failed',
      'data#2:Succeeded',
    ]);
  });

  it('reports a worker that exits 64 (bad input) as a permanent failure', async () => {
    const r = runtime();
    const run = freshRun();
    await start(r, run, 'sft'); // before data ran: the fixture finds no upstream outputs
    const sft = await settled(r, run, 'sft');
    expect(sft).toMatchObject({ state: 'Failed', permanent: true });
    expect(sft.message).toMatch(/^failed permanently \(exit code 64\): input of data is missing/);
  });

  it('reports a stage whose service is not built as Failed, naming the missing file', async () => {
    const partial = await makeFixtureServices(join(state.path, 'partial-services'), ['data-prep']);
    const r = runtime({}, partial);
    const run = freshRun();
    await start(r, run, 'sft');
    const [sft] = await r.list(run);
    expect(sft?.state).toBe('Failed');
    expect(sft?.message).toMatch(/^service trainer is not built: .*trainer\/dist\/main\.js is missing/);
    expect(readFileSync(stageLogFile(state.path, run, 'sft', 1), 'utf8')).toMatch(/service trainer is not built/);
  });

  it('announces a run whose worker ended to its subscribers', async () => {
    const r = runtime();
    const run = freshRun();
    const seen: string[] = [];
    const off = r.subscribe((ref) => seen.push(ref.name));
    await start(r, run, 'data');
    await settled(r, run, 'data');
    await waitUntil(() => seen.filter((n) => n === run.name).length >= 2, 5_000, 'start and end announced');
    off();
  });

  it('reports an attempt whose process was killed together with its supervisor as Failed', async () => {
    const r = runtime({ FIXTURE_SLEEP_MS: '30000' });
    const run = freshRun();
    await start(r, run, 'data');
    await waitUntil(async () => (await r.list(run))[0]?.state === 'Running', 10_000, 'running');
    const pid = Number(readFileSync(join(state.path, 'workloads/default', run.name, 'data/1/pid'), 'utf8'));
    process.kill(-pid, 'SIGKILL');
    const lost = await settled(r, run, 'data');
    expect(lost.state).toBe('Failed');
    expect(lost.message).toMatch(/gone without an exit status/);
  });

  it('removeAll stops the live workers of a run and then forgets its attempts', async () => {
    const r = runtime({ FIXTURE_SLEEP_MS: '30000' });
    const run = freshRun();
    await start(r, run, 'data');
    await waitUntil(async () => (await r.list(run))[0]?.state === 'Running', 10_000, 'running');
    const pid = Number(readFileSync(join(state.path, 'workloads/default', run.name, 'data/1/pid'), 'utf8'));
    expect(await r.removeAll(run)).toBe(1);
    await waitUntil(async () => (await r.removeAll(run)) === 0, 10_000, 'workers gone');
    expect(await r.list(run)).toEqual([]);
    await waitUntil(() => !existsSync(`/proc/${pid}`), 5_000, 'worker reaped');
  });
});
