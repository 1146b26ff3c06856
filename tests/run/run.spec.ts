import { type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXreason, xreason } from '../cli/run-cli.js';

const workspaceRoot = resolve(import.meta.dirname, '../..');
/** A stand-in stage worker honouring the stage-worker contract (libs/orchestration's test fixture). */
const fixtureWorker = join(workspaceRoot, 'libs/orchestration/test/fixtures/stage-worker.mjs');

interface StageRow {
  name: string;
  phase: string;
  attempts: number;
  message?: string;
}
interface RunJson {
  metadata: { name: string };
  status?: { phase: string; stages: StageRow[] };
}

function manifest(name: string, spec: string): string {
  return `apiVersion: xreason.io/v1alpha1\nkind: AlignmentRun\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
}

const DEMO = manifest(
  'demo',
  `  recipe: budget-alignment
  baseModel: { uri: file:///models/base }
  languages: [ja, fr]
  sft: { learningRate: 0.0001, batchSize: 4 }
  grpo: { steps: 2, promptsPerStep: 2 }
  merge: { method: linear }
  evaluation: { suites: [mgsm] }
`,
);

const SLOW = manifest(
  'restart',
  `  recipe: merge
  baseModel: { uri: file:///models/base }
  languages: [es]
  merge: { method: linear }
  evaluation: { suites: [mgsm] }
`,
);

describe('xreason run (local mode, end to end)', () => {
  // World-searchable: as root, embedded Postgres runs as the postgres user, who must reach its data dir.
  const root = mkdtempSync(join(tmpdir(), 'xreason-run-'));
  chmodSync(root, 0o755);
  const stateDir = join(root, 'state');
  const servicesDir = join(root, 'services');
  const platformEnv = {
    XREASON_SERVICES_DIR: servicesDir,
    XREASON_RETRY_BASE_DELAY_MS: '200',
    XREASON_LOCAL_POLL_MS: '200',
    XREASON_RESYNC_MS: '2000',
    FIXTURE_FAIL_ONCE: 'sft-ja',
    FIXTURE_SLEEP_MS: '200',
    FIXTURE_SLOW_RUNS: 'restart=3000',
  };
  let platform: ChildProcess | undefined;

  /** `xreason up` in the background, until it says it is up. */
  async function up(): Promise<ChildProcess> {
    const child = startXreason(['up', '--state-dir', stateDir, '--port', '0', '--broker-port', '0'], platformEnv);
    let stderr = '';
    await new Promise<void>((resolveUp, reject) => {
      const timer = setTimeout(() => reject(new Error(`xreason up did not come up:\n${stderr}`)), 90_000);
      child.stderr?.on('data', (d) => {
        stderr += d;
        if (stderr.includes('xreason is up')) {
          clearTimeout(timer);
          resolveUp();
        }
      });
      child.once('exit', (code) => reject(new Error(`xreason up exited with ${code}:\n${stderr}`)));
    });
    return child;
  }

  async function down(child: ChildProcess | undefined): Promise<void> {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }

  const run = (...args: string[]) => xreason(['run', ...args, '--state-dir', stateDir]);

  async function statusOf(name: string): Promise<RunJson> {
    const result = await run('status', name, '--json');
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as RunJson;
  }

  async function until(name: string, test: (r: RunJson) => boolean, what: string, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await statusOf(name);
      if (test(current)) return current;
      if (Date.now() > deadline) throw new Error(`${name}: ${what} not reached: ${JSON.stringify(current.status)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  const starts = () => readFileSync(join(stateDir, 'artifacts/starts.log'), 'utf8').trim().split('\n').filter(Boolean);

  beforeAll(async () => {
    mkdirSync(stateDir, { mode: 0o755 });
    chmodSync(stateDir, 0o755);
    mkdirSync(servicesDir);
    symlinkSync(join(workspaceRoot, 'services/operator'), join(servicesDir, 'operator'));
    for (const service of ['data-prep', 'trainer', 'merge', 'eval']) {
      mkdirSync(join(servicesDir, service, 'dist'), { recursive: true });
      writeFileSync(join(servicesDir, service, 'dist/main.js'), `import ${JSON.stringify(fixtureWorker)};\n`);
    }
    writeFileSync(join(root, 'demo.yaml'), DEMO);
    writeFileSync(join(root, 'restart.yaml'), SLOW);
    platform = await up();
  }, 120_000);

  afterAll(async () => {
    await down(platform);
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('refuses a manifest with every bad field listed, and creates nothing', async () => {
    writeFileSync(
      join(root, 'bad.yaml'),
      manifest('Bad_Name', '  recipe: budget-alignmnt\n  baseModel: { uri: file:///m }\n  languages: [xx]\n'),
    );
    const result = await run('apply', '-f', join(root, 'bad.yaml'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\/metadata\/name/);
    expect(result.stderr).toMatch(/\/spec\/recipe/);
    expect(result.stderr).toMatch(/\/spec\/languages\/0/);
    expect((await run('status')).stdout).toMatch(/no runs/);
  });

  it('runs the stages in DAG order, retries the one that fails once, and the run succeeds', async () => {
    const applied = await run('apply', '-f', join(root, 'demo.yaml'));
    expect(applied.stderr).toBe('');
    expect(applied.stdout.trim()).toBe('alignmentrun/demo created (generation 1)');
    expect((await run('apply', '-f', join(root, 'demo.yaml'))).stdout.trim()).toBe(
      'alignmentrun/demo unchanged (generation 1)',
    );

    const done = await until('demo', (r) => r.status?.phase === 'Succeeded' || r.status?.phase === 'Failed', 'an end');
    expect(done.status?.phase).toBe('Succeeded');
    const attempts = Object.fromEntries((done.status?.stages ?? []).map((s) => [s.name, s.attempts]));
    expect(attempts).toEqual({ data: 1, 'sft-ja': 2, 'grpo-ja': 1, 'sft-fr': 1, 'grpo-fr': 1, merge: 1, eval: 1 });
    // The fixture exits 64 (no retry) when an upstream output is missing: one attempt each proves the order.
    const demoStarts = starts().filter((l) => l.startsWith('default/demo/'));
    expect(new Set(demoStarts).size).toBe(demoStarts.length);
    const order = demoStarts.map((l) => l.slice('default/demo/'.length));
    expect(order.indexOf('data#1')).toBe(0);
    expect(order.indexOf('merge#1')).toBeGreaterThan(order.indexOf('grpo-ja#1'));
    expect(order.indexOf('merge#1')).toBeGreaterThan(order.indexOf('grpo-fr#1'));
    expect(order.at(-1)).toBe('eval#1');

    const table = await run('status', 'demo');
    expect(table.stdout).toMatch(/phase\s+Succeeded/);
    expect(table.stdout).toMatch(/sft-ja\s+sft\s+Succeeded\s+2/);
    expect((await run('status')).stdout).toMatch(/demo\s+budget-alignment\s+Succeeded\s+7\/7/);
  }, 90_000);

  it("shows a stage's latest log, and every stage's without --stage", async () => {
    const one = await run('logs', 'demo', '--stage', 'sft-ja');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/stage sft-ja \(sft\) attempt 2 of demo, languages ja/);
    expect(one.stdout).not.toMatch(/simulated crash/);
    const all = await run('logs', 'demo');
    expect(all.stdout).toMatch(/==> data \(attempt 1\) <==/);
    expect(all.stdout).toMatch(/==> eval \(attempt 1\) <==/);
    const unknown = await run('logs', 'demo', '--stage', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/run demo has no stage nope; its stages: data, sft-ja/);
  }, 30_000);

  it('applies an EvalSchedule from the same file as a run, shows its status, and deletes it', async () => {
    const schedule = `apiVersion: xreason.io/v1alpha1
kind: EvalSchedule
metadata: { name: nightly }
spec:
  schedule: '0 2 * * *'
  timeZone: Asia/Tokyo
  models: [{ name: candidate, uri: /models/candidate }]
  languages: [ja]
  evaluation: { suites: [world], samples: 2, k: [1] }
`;
    writeFileSync(join(root, 'both.yaml'), `${readFileSync(join(root, 'demo.yaml'), 'utf8')}\n---\n${schedule}`);
    const applied = await run('apply', '-f', join(root, 'both.yaml'));
    expect(applied.stderr).toBe('');
    expect(applied.stdout.trim().split('\n')).toEqual([
      'alignmentrun/demo unchanged (generation 1)',
      'evalschedule/nightly created (generation 1)',
    ]);
    const evalSchedule = (...args: string[]) => xreason(['eval', 'schedule', ...args, '--state-dir', stateDir]);
    expect((await evalSchedule('apply', '-f', join(root, 'both.yaml'))).stderr).toMatch(
      /only EvalSchedule resources are applied here \(the file has AlignmentRun demo\)/,
    );
    // The runner writes the status within a tick (XREASON_LOCAL_POLL_MS).
    const deadline = Date.now() + 15_000;
    let shown = await evalSchedule('status', 'nightly');
    while (!/conditions Available=True \(Scheduled\)/.test(shown.stdout) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      shown = await evalSchedule('status', 'nightly');
    }
    expect(shown.stdout).toMatch(/schedule\s+nightly: "0 2 \* \* \*" in Asia\/Tokyo/);
    expect(shown.stdout).toMatch(/conditions Available=True \(Scheduled\)\s+Progressing=False \(Idle\)/);
    expect(shown.stdout).toMatch(/next at \d{4}-\d{2}-\d{2}T17:00:00\.000Z/); // 02:00 in Tokyo
    expect(shown.stdout).toMatch(/no nights yet/);
    expect((await evalSchedule('status')).stdout).toMatch(/nightly\s+0 2 \* \* \*\s+Asia\/Tokyo\s+false\s+0\s+-\s+-/);
    const json = JSON.parse((await evalSchedule('status', 'nightly', '--json')).stdout) as { nights: unknown[] };
    expect(json.nights).toEqual([]);
    expect((await evalSchedule('delete', 'nightly')).stdout.trim()).toBe('evalschedule/nightly deleted');
    expect((await evalSchedule('status', 'nightly')).stderr).toMatch(/evalschedule nightly not found/);
  }, 60_000);

  it('deletes a run: the finalizer is released and the run is gone', async () => {
    const deleted = await run('delete', 'demo');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(/alignmentrun\/demo (deleted|deleting)/);
    const deadline = Date.now() + 15_000;
    let gone = await run('status', 'demo');
    while (gone.code === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      gone = await run('status', 'demo');
    }
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/run demo not found/);
    expect(existsSync(join(stateDir, 'workloads/default/demo'))).toBe(false);
  }, 30_000);

  it('adopts running stages after an operator restart: no attempt starts twice', async () => {
    expect((await run('apply', '-f', join(root, 'restart.yaml'))).code).toBe(0);
    await until(
      'restart',
      (r) => r.status?.stages.find((s) => s.name === 'merge')?.phase === 'Running',
      'merge running',
    );
    await down(platform);
    platform = undefined;
    // While the platform is down the merge worker keeps running and ends; the next operator learns how.
    expect((await run('status', 'restart')).stderr).toMatch(/not reachable .*start it with "xreason up"/);
    platform = await up();
    const done = await until('restart', (r) => r.status?.phase === 'Succeeded', 'success');
    expect(done.status?.stages.map((s) => [s.name, s.attempts])).toEqual([
      ['merge', 1],
      ['eval', 1],
    ]);
    expect(starts().filter((l) => l.startsWith('default/restart/'))).toEqual([
      'default/restart/merge#1',
      'default/restart/eval#1',
    ]);
  }, 150_000);
});
