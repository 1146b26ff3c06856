import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { STAGE_EXIT_CODES, STAGE_WORKER_ENV, stageOutputDir } from '@xreason/contracts';
import { type RunRef, runKey } from '../seams/run-store.js';
import { SUPERVISOR_SCRIPT, lastLogLine, liveSupervisorPid, readOrUndefined } from './supervised-process.js';
import type { ObservedWorkload, WorkloadRequest, WorkloadRuntime } from '../seams/workload-runtime.js';

export interface LocalWorkloadRuntimeOptions {
  /** Local state: attempt records under `workloads/`, logs under `logs/runs/`, artifacts under `artifacts/`. */
  readonly stateDir: string;
  /** Holds `<service>/dist/main.js` for every stage service (the checkout's `services/`). */
  readonly servicesDir: string;
  /** Passed to every worker on top of the contract's variables (DATABASE_URL, KAFKA_BROKERS, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** The Node.js binary workers run on; the operator's own by default. */
  readonly nodePath?: string;
  /** How often attempts adopted from an earlier operator process are looked at. */
  readonly pollMs?: number;
  /** An attempt recorded but without a process after this long was lost while starting. */
  readonly startGraceMs?: number;
  /** Between SIGTERM and SIGKILL when a run's workers are removed. */
  readonly killGraceMs?: number;
  readonly log?: (message: string) => void;
}

/** The log of one attempt of one stage: `<stateDir>/logs/runs/[<namespace>/]<run>/<stage>-<attempt>.log`. */
export function stageLogFile(stateDir: string, run: RunRef, stage: string, attempt: number): string {
  const runDir = run.namespace === 'default' ? run.name : join(run.namespace, run.name);
  return join(stateDir, 'logs', 'runs', runDir, `${stage}-${attempt}.log`);
}

export function localArtifactRoot(stateDir: string): string {
  return join(stateDir, 'artifacts');
}

/**
 * The local WorkloadRuntime: each stage attempt is a child process `node services/<service>/dist/main.js
 * stage` with the stage-worker environment (STAGE_WORKER_ENV), logging to its own file.
 *
 * Each attempt has a directory `<stateDir>/workloads/<namespace>/<run>/<stage>/<attempt>/`, created
 * with an exclusive mkdir before anything starts — the deterministic name that makes `start`
 * idempotent across calls and operator restarts — holding `pid` and, once the worker ended, `exit`.
 */
export class LocalWorkloadRuntime implements WorkloadRuntime {
  private readonly listeners = new Set<(ref: RunRef) => void>();
  private readonly fingerprints = new Map<string, string>();
  private readonly terminating = new Map<string, number>();
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly log: (message: string) => void;

  constructor(private readonly options: LocalWorkloadRuntimeOptions) {
    this.log = options.log ?? (() => undefined);
  }

  async list(run: RunRef): Promise<ObservedWorkload[]> {
    const root = this.runDir(run);
    const workloads: ObservedWorkload[] = [];
    for (const stage of safeReaddir(root)) {
      for (const attemptName of safeReaddir(join(root, stage))) {
        const attempt = Number(attemptName);
        if (!Number.isInteger(attempt) || attempt < 1) continue;
        workloads.push(this.observe(run, stage, attempt));
      }
    }
    return workloads.sort((a, b) => (a.stage === b.stage ? a.attempt - b.attempt : a.stage < b.stage ? -1 : 1));
  }

  async start(request: WorkloadRequest): Promise<void> {
    const { run, stage, attempt } = request;
    const dir = this.attemptDir(run, stage.name, attempt);
    mkdirSync(join(dir, '..'), { recursive: true });
    try {
      mkdirSync(dir); // exclusive: the attempt exists at most once, whoever asks and however often
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw error;
    }
    writeFileSync(
      join(dir, 'workload.json'),
      `${JSON.stringify({ run: runKey(run), runUid: request.runUid, stage: stage.name, kind: stage.kind, service: stage.service, attempt, createdAt: new Date().toISOString() })}\n`,
    );
    const logFile = stageLogFile(this.options.stateDir, run, stage.name, attempt);
    mkdirSync(join(logFile, '..'), { recursive: true });
    const entry = join(this.options.servicesDir, stage.service, 'dist', 'main.js');
    if (!existsSync(entry)) {
      this.fail(
        dir,
        logFile,
        `service ${stage.service} is not built: ${entry} is missing (run "npx nx build @xreason/${stage.service}")`,
      );
      this.notify(run);
      return;
    }
    const env = this.workerEnv(request);
    const log = openSync(logFile, 'w');
    try {
      writeSync(log, `[xreason] stage ${stage.name} attempt ${attempt}: ${entry} stage\n`);
      const child = spawn(
        '/bin/sh',
        [
          '-c',
          SUPERVISOR_SCRIPT,
          'xreason-stage',
          dir,
          this.options.nodePath ?? process.execPath,
          '--enable-source-maps',
          entry,
          'stage',
        ],
        { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...env } },
      );
      child.once('error', (error) => {
        this.fail(dir, logFile, `could not start the worker: ${error.message}`);
        this.notify(run);
      });
      child.once('exit', () => this.notify(run));
      child.unref(); // the worker outlives this operator process; a restarted operator adopts it
      this.log(`started ${runKey(run)} stage ${stage.name} attempt ${attempt} (pid ${child.pid ?? '?'})`);
    } finally {
      closeSync(log);
    }
    this.notify(run);
  }

  /**
   * Stops every live worker of the run (SIGTERM to its process group, SIGKILL after the grace period)
   * and, once none is left, forgets its attempts. Logs and artifacts stay.
   */
  async removeAll(run: RunRef): Promise<number> {
    let remaining = 0;
    for (const w of await this.list(run)) {
      const dir = this.attemptDir(run, w.stage, w.attempt);
      const pid = this.livePid(dir);
      if (pid === undefined) continue;
      remaining++;
      const since = this.terminating.get(dir);
      const now = Date.now();
      const signal = since !== undefined && now - since > (this.options.killGraceMs ?? 10_000) ? 'SIGKILL' : 'SIGTERM';
      if (since === undefined) this.terminating.set(dir, now);
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
    }
    if (remaining === 0) {
      rmSync(this.runDir(run), { recursive: true, force: true });
      for (const dir of this.terminating.keys()) if (dir.startsWith(this.runDir(run))) this.terminating.delete(dir);
      this.fingerprints.delete(runKey(run));
    }
    return remaining;
  }

  subscribe(listener: (ref: RunRef) => void): () => void {
    this.listeners.add(listener);
    if (!this.pollTimer) {
      this.pollTimer = setInterval(() => void this.poll(), this.options.pollMs ?? 1_000);
      this.pollTimer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  /** Stops watching; running workers keep running (an operator restart adopts them). */
  close(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private workerEnv(request: WorkloadRequest): Record<string, string> {
    const { run, stage, attempt, spec } = request;
    const artifactRoot = localArtifactRoot(this.options.stateDir);
    const inputs = Object.fromEntries(stage.dependsOn.map((d) => [d, stageOutputDir(artifactRoot, run, d)]));
    return {
      ...this.options.env,
      [STAGE_WORKER_ENV.run]: run.name,
      [STAGE_WORKER_ENV.runNamespace]: run.namespace,
      [STAGE_WORKER_ENV.runUid]: request.runUid,
      [STAGE_WORKER_ENV.stage]: stage.name,
      [STAGE_WORKER_ENV.stageKind]: stage.kind,
      ...(stage.role ? { [STAGE_WORKER_ENV.stageRole]: stage.role } : {}),
      [STAGE_WORKER_ENV.attempt]: String(attempt),
      [STAGE_WORKER_ENV.languages]: stage.languages.join(','),
      [STAGE_WORKER_ENV.runSpec]: JSON.stringify(spec),
      [STAGE_WORKER_ENV.stageInputs]: JSON.stringify(inputs),
      [STAGE_WORKER_ENV.artifactRoot]: artifactRoot,
    };
  }

  /** What the attempt's files say, read fresh every time (the files are the truth, not this process). */
  private observe(run: RunRef, stage: string, attempt: number): ObservedWorkload {
    const dir = this.attemptDir(run, stage, attempt);
    const base = { stage, attempt };
    const started = mtimeOf(join(dir, 'pid'));
    const startedAt = started ? { startedAt: started } : {};
    const ended = this.ending(run, dir, stage, attempt);
    if (ended) return { ...base, ...startedAt, ...ended };
    if (started) {
      if (this.livePid(dir) !== undefined) return { ...base, state: 'Running', ...startedAt };
      const late = this.ending(run, dir, stage, attempt); // it may have ended between the two looks
      if (late) return { ...base, ...startedAt, ...late };
      return {
        ...base,
        ...startedAt,
        state: 'Failed',
        message: 'the worker process is gone without an exit status (killed together with its supervisor?)',
      };
    }
    const created = statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (Date.now() - created < (this.options.startGraceMs ?? 30_000)) return { ...base, state: 'Pending' };
    return { ...base, state: 'Failed', message: 'the worker never started (the operator stopped while starting it)' };
  }

  private ending(
    run: RunRef,
    dir: string,
    stage: string,
    attempt: number,
  ): Pick<ObservedWorkload, 'state' | 'message' | 'finishedAt' | 'permanent'> | undefined {
    const exitFile = join(dir, 'exit');
    const text = readOrUndefined(exitFile);
    if (text === undefined) return undefined;
    const code = Number(text.trim());
    const finishedAt = mtimeOf(exitFile) ?? new Date().toISOString();
    if (code === STAGE_EXIT_CODES.succeeded) return { state: 'Succeeded', finishedAt };
    const recorded = readOrUndefined(join(dir, 'message'))?.trim();
    const reason = recorded ?? describeExit(code);
    const lastLine = recorded ? undefined : lastLogLine(stageLogFile(this.options.stateDir, run, stage, attempt));
    return {
      state: 'Failed',
      finishedAt,
      message: lastLine ? `${reason}: ${lastLine}` : reason,
      ...(code === STAGE_EXIT_CODES.permanentFailure ? { permanent: true } : {}),
    };
  }

  /** The supervisor's pid if it is still alive and still ours (pids are reused). */
  private livePid(dir: string): number | undefined {
    return liveSupervisorPid(dir);
  }

  private fail(dir: string, logFile: string, message: string): void {
    writeFileSync(logFile, `[xreason] ${message}\n`);
    writeFileSync(join(dir, 'message'), `${message}\n`);
    writeFileSync(join(dir, 'exit.tmp'), `${STAGE_EXIT_CODES.failed}\n`);
    renameSync(join(dir, 'exit.tmp'), join(dir, 'exit'));
    this.log(message);
  }

  /** Announces every run whose attempts changed state since the last look (workers adopted after a restart). */
  private async poll(): Promise<void> {
    const root = join(this.options.stateDir, 'workloads');
    for (const namespace of safeReaddir(root)) {
      for (const name of safeReaddir(join(root, namespace))) {
        const ref = { namespace, name };
        try {
          const fingerprint = (await this.list(ref)).map((w) => `${w.stage}#${w.attempt}=${w.state}`).join(',');
          if (this.fingerprints.get(runKey(ref)) === fingerprint) continue;
          this.fingerprints.set(runKey(ref), fingerprint);
          this.notify(ref);
        } catch (error) {
          this.log(`looking at ${runKey(ref)}'s workers failed: ${(error as Error).message}`);
        }
      }
    }
  }

  private notify(ref: RunRef): void {
    for (const listener of this.listeners) listener({ namespace: ref.namespace, name: ref.name });
  }

  private runDir(run: RunRef): string {
    return join(this.options.stateDir, 'workloads', run.namespace, run.name);
  }

  private attemptDir(run: RunRef, stage: string, attempt: number): string {
    return join(this.runDir(run), stage, String(attempt));
  }
}

function describeExit(code: number): string {
  if (code === STAGE_EXIT_CODES.permanentFailure) return `failed permanently (exit code ${code})`;
  if (code > 128) return `killed by signal ${code - 128}`;
  return `exited with code ${code}`;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function mtimeOf(file: string): string | undefined {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat ? stat.mtime.toISOString() : undefined;
}
