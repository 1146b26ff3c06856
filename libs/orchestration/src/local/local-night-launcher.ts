import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EVAL_SCHEDULE_ENV, STAGE_EXIT_CODES, type ScheduledNightResult } from '@xreason/contracts';
import type { NightLauncher, NightObservation } from '../schedules/night-launcher.js';
import type { Firing, StoredSchedule } from '../schedules/schedule-store.js';
import { localArtifactRoot } from './local-workload-runtime.js';
import { SUPERVISOR_SCRIPT, lastLogLine, liveSupervisorPid, readOrUndefined } from './supervised-process.js';

export interface LocalNightLauncherOptions {
  /** Records under `schedules/<uid>/<firing>/`, logs under `logs/schedules/`, reports under `artifacts/schedules/`. */
  readonly stateDir: string;
  /** Holds `eval/dist/main.js`. */
  readonly servicesDir: string;
  /** DATABASE_URL, KAFKA_BROKERS, … passed to every night. */
  readonly env?: Readonly<Record<string, string>>;
  readonly nodePath?: string;
  /** A firing recorded without a process after this long was lost while starting. */
  readonly startGraceMs?: number;
  readonly killGraceMs?: number;
  readonly log?: (message: string) => void;
}

/** The log of one firing: `<stateDir>/logs/schedules/[<namespace>/]<name>/<night>-<firing id>.log`. */
export function nightLogFile(stateDir: string, schedule: StoredSchedule['ref'], firing: Firing): string {
  const dir = schedule.namespace === 'default' ? schedule.name : join(schedule.namespace, schedule.name);
  return join(stateDir, 'logs', 'schedules', dir, `${firing.night}-${firing.id.slice(0, 8)}.log`);
}

/** Where a schedule's nights write their reports (one directory per evaluation inside). */
export function scheduleOutputDir(stateDir: string, schedule: StoredSchedule['ref']): string {
  return join(localArtifactRoot(stateDir), 'schedules', schedule.namespace, schedule.name);
}

/**
 * Nights as child processes `node services/eval/dist/main.js schedule` under the same supervisor the
 * stage workers run under (pid and exit status recorded by the child's side), detached so that they
 * outlive an operator restart. The firing id names the record directory: starting twice is a no-op.
 */
export class LocalNightLauncher implements NightLauncher {
  private readonly terminating = new Map<string, number>();
  private readonly log: (message: string) => void;

  constructor(private readonly options: LocalNightLauncherOptions) {
    this.log = options.log ?? (() => undefined);
  }

  async start(schedule: StoredSchedule, firing: Firing): Promise<void> {
    const dir = this.firingDir(firing.scheduleUid, firing.id);
    mkdirSync(join(dir, '..'), { recursive: true });
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw error;
    }
    const logFile = nightLogFile(this.options.stateDir, schedule.ref, firing);
    mkdirSync(join(logFile, '..'), { recursive: true });
    writeFileSync(
      join(dir, 'firing.json'),
      `${JSON.stringify({ schedule: schedule.ref, firing: firing.id, scheduledTime: firing.scheduledTime, night: firing.night, log: logFile })}\n`,
    );
    const entry = join(this.options.servicesDir, 'eval', 'dist', 'main.js');
    if (!existsSync(entry)) {
      this.fail(dir, logFile, `the eval service is not built: ${entry} is missing (run "npx nx build @xreason/eval")`);
      return;
    }
    const env: Record<string, string> = {
      ...this.options.env,
      [EVAL_SCHEDULE_ENV.schedule]: schedule.ref.name,
      [EVAL_SCHEDULE_ENV.spec]: JSON.stringify(schedule.spec),
      [EVAL_SCHEDULE_ENV.uid]: schedule.uid,
      [EVAL_SCHEDULE_ENV.scheduledTime]: firing.scheduledTime,
      [EVAL_SCHEDULE_ENV.outputDir]: scheduleOutputDir(this.options.stateDir, schedule.ref),
      [EVAL_SCHEDULE_ENV.resultFile]: join(dir, 'result.json'),
    };
    const log = openSync(logFile, 'w');
    try {
      writeSync(
        log,
        `[xreason] schedule ${schedule.ref.name} night ${firing.night} (${firing.scheduledTime}): ${entry} schedule\n`,
      );
      const child = spawn(
        '/bin/sh',
        [
          '-c',
          SUPERVISOR_SCRIPT,
          'xreason-night',
          dir,
          this.options.nodePath ?? process.execPath,
          '--enable-source-maps',
          entry,
          'schedule',
        ],
        { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...env } },
      );
      child.once('error', (error) => this.fail(dir, logFile, `could not start the night: ${error.message}`));
      child.unref();
      this.log(`started schedule ${schedule.ref.name} night ${firing.night} (pid ${child.pid ?? '?'})`);
    } finally {
      closeSync(log);
    }
  }

  async observe(firing: Firing): Promise<NightObservation> {
    const dir = this.firingDir(firing.scheduleUid, firing.id);
    const ended = this.ending(dir);
    if (ended) return ended;
    if (existsSync(join(dir, 'pid'))) {
      if (liveSupervisorPid(dir) !== undefined) return { state: 'Running' };
      const late = this.ending(dir); // it may have ended between the two looks
      if (late) return late;
      return {
        state: 'Failed',
        message: 'the night’s process is gone without an exit status',
        finishedAt: new Date(),
      };
    }
    const created = statSync(dir, { throwIfNoEntry: false })?.mtimeMs;
    if (created !== undefined && Date.now() - created < (this.options.startGraceMs ?? 30_000))
      return { state: 'Pending' };
    return {
      state: 'Failed',
      message:
        created === undefined
          ? 'the night was never started (the operator stopped while starting it)'
          : 'the night never started',
      finishedAt: new Date(),
    };
  }

  async running(): Promise<{ scheduleUid: string; firingId: string }[]> {
    const root = join(this.options.stateDir, 'schedules');
    const out = [];
    for (const scheduleUid of safeReaddir(root))
      for (const firingId of safeReaddir(join(root, scheduleUid)))
        if (liveSupervisorPid(this.firingDir(scheduleUid, firingId)) !== undefined) out.push({ scheduleUid, firingId });
    return out;
  }

  async stop(scheduleUid: string, firingId: string): Promise<void> {
    const dir = this.firingDir(scheduleUid, firingId);
    const pid = liveSupervisorPid(dir);
    if (pid === undefined) return;
    const since = this.terminating.get(dir);
    const now = Date.now();
    if (since === undefined) this.terminating.set(dir, now);
    const signal = since !== undefined && now - since > (this.options.killGraceMs ?? 10_000) ? 'SIGKILL' : 'SIGTERM';
    try {
      process.kill(-pid, signal);
      this.log(`stopping night ${firingId} of a deleted schedule (${signal})`);
    } catch {
      // already gone
    }
  }

  private ending(dir: string): NightObservation | undefined {
    const text = readOrUndefined(join(dir, 'exit'));
    if (text === undefined) return undefined;
    const code = Number(text.trim());
    const finishedAt = statSync(join(dir, 'exit'), { throwIfNoEntry: false })?.mtime ?? new Date();
    if (code === STAGE_EXIT_CODES.succeeded) {
      const raw = readOrUndefined(join(dir, 'result.json'));
      let result: ScheduledNightResult | undefined;
      try {
        result = raw ? (JSON.parse(raw) as ScheduledNightResult) : undefined;
      } catch {
        result = undefined;
      }
      return { state: 'Succeeded', finishedAt, ...(result ? { result } : {}) };
    }
    const recorded = readOrUndefined(join(dir, 'message'))?.trim();
    const reason = recorded ?? (code > 128 ? `killed by signal ${code - 128}` : `exited with code ${code}`);
    const logFile = readLogPath(dir);
    const lastLine = recorded || !logFile ? undefined : lastLogLine(logFile);
    return { state: 'Failed', message: lastLine ? `${reason}: ${lastLine}` : reason, finishedAt };
  }

  private fail(dir: string, logFile: string, message: string): void {
    writeFileSync(logFile, `[xreason] ${message}\n`);
    writeFileSync(join(dir, 'message'), `${message}\n`);
    writeFileSync(join(dir, 'exit'), `${STAGE_EXIT_CODES.failed}\n`);
    this.log(message);
  }

  private firingDir(scheduleUid: string, firingId: string): string {
    return join(this.options.stateDir, 'schedules', scheduleUid, firingId);
  }
}

function readLogPath(dir: string): string | undefined {
  try {
    return (JSON.parse(readOrUndefined(join(dir, 'firing.json')) ?? '{}') as { log?: string }).log;
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
