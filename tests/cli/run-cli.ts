import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const workspaceRoot = join(import.meta.dirname, '../..');
export const cliEntry = join(workspaceRoot, 'cli/dist/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the built CLI exactly as bin/xreason does: the same Node binary, the dist entry. */
export function startXreason(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [cliEntry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the built CLI to completion. */
export function xreason(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = startXreason(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) => resolveRun({ code, stdout, stderr }));
  });
}
