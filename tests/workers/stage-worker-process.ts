import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { stageWorkerEnv, type StageContext } from '@xreason/workers';

const workspaceRoot = join(import.meta.dirname, '../..');

export type WorkerService = 'data-prep' | 'trainer' | 'merge' | 'eval';

export interface WorkerRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function serviceEntry(service: WorkerService): string {
  const entry = join(workspaceRoot, 'services', service, 'dist/main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the service first (nx run-many -t build)`);
  return entry;
}

/**
 * Starts a stage worker the way every WorkloadRuntime does: `node services/<service>/dist/main.js stage`
 * with the STAGE_WORKER_ENV variables (and any extra, e.g. DATABASE_URL, KAFKA_BROKERS). Output also
 * goes to `logFile`, so a failing test can be read afterwards.
 */
export function startWorker(
  service: WorkerService,
  stage: Omit<StageContext, 'outputDir'>,
  extraEnv: Record<string, string>,
  logFile: string,
): { child: ChildProcess; done: Promise<WorkerRun> } {
  const child = spawn(process.execPath, [serviceEntry(service), 'stage'], {
    env: { PATH: process.env.PATH ?? '', XREASON_LOG_LEVEL: 'info', ...stageWorkerEnv(stage), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d;
    log.write(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
    log.write(d);
  });
  const done = new Promise<WorkerRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      log.end();
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Runs a raw environment (for contract violations the typed helper cannot express). */
export function runWorkerWithEnv(service: WorkerService, env: Record<string, string>): Promise<WorkerRun> {
  const child = spawn(process.execPath, [serviceEntry(service), 'stage'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d));
  child.stderr?.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
