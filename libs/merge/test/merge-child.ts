/**
 * Runs one merge in its own process and prints its figures as JSON on stdout, so memory is measured
 * for the merge alone: the kernel's high-water mark (VmHWM) covers every allocation, JS heap and
 * ArrayBuffers alike, and nothing of a test runner is in it.
 *
 * Usage: node <flags> merge-child.ts '{"config": ..., "outDir": ..., "randomSeed": 1}'
 */
import { readFileSync } from 'node:fs';
import { runMerge, type RunMergeOptions } from '../src/index.js';

function kib(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1] ?? NaN) * 1024;
}

const options = JSON.parse(process.argv[2] ?? '{}') as RunMergeOptions;
const rssBefore = kib('VmRSS');
const result = await runMerge(options);
process.stdout.write(`${JSON.stringify({ ...result, rssBefore, peakRss: kib('VmHWM') })}\n`);
