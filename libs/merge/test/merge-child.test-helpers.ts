import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MergeResult, RunMergeOptions } from '../src/index.js';

export interface ChildMergeResult extends MergeResult {
  /** RSS once the merge code was loaded, before the merge ran. */
  rssBefore: number;
  /** Peak RSS of the whole child process (VmHWM). */
  peakRss: number;
}

/** Runs a merge from the sources in a fresh Node process and returns its result and memory figures. */
export async function mergeInChildProcess(options: Omit<RunMergeOptions, 'onProgress'>): Promise<ChildMergeResult> {
  const child = fileURLToPath(new URL('./merge-child.ts', import.meta.url));
  const hooks = fileURLToPath(new URL('./source-hooks.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--experimental-transform-types',
      '--disable-warning=ExperimentalWarning',
      '--import',
      hooks,
      child,
      JSON.stringify(options),
    ],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as ChildMergeResult;
}
