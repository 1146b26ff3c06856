// Scored completions per second per core on 2 KiB completions, robust and seed-compatible side by
// side in one run. The scorer is single-threaded, so one process measures one core. Runs on dist/
// (the package script builds first) so it measures the code that ships.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLanguageDetector, parseRewardConfig, RolloutScorer } from '../dist/index.js';

const TARGET_BYTES = 2048;
const TARGET_PER_CORE = 5000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

// The labelled language-ID set supplies realistic traces (LaTeX, numbers, code-switching) in every language.
const fixture = readFileSync(join(import.meta.dirname, '../test/fixtures/language-id.txt'), 'utf8');
const texts = new Map();
for (const block of fixture.split(/^### /m).slice(1)) {
  const newline = block.indexOf('\n');
  const language = block.slice(0, newline).trim().split(/\s+/)[0];
  texts.set(language, [...(texts.get(language) ?? []), block.slice(newline + 1).trim()]);
}
const tasks = ['math', 'choice', 'nli'];
const rollouts = [...texts].map(([language, own], i) => {
  let trace = '';
  for (let j = 0; Buffer.byteLength(trace) < TARGET_BYTES - 120; j++) trace += own[j % own.length] + '\n\n';
  while (Buffer.byteLength(trace) > TARGET_BYTES - 120) trace = trace.slice(0, -1);
  const task = tasks[i % tasks.length];
  const answer =
    task === 'math'
      ? 'The answer is \\boxed{\\frac{36}{2}}.'
      : task === 'choice'
        ? 'The answer is (C).'
        : '\\boxed{neutral}';
  const gold = task === 'math' ? '18' : task === 'choice' ? 'C' : 'neutral';
  let completion = `<think>${trace}</think>\n${answer}`;
  completion += ' '.repeat(Math.max(0, TARGET_BYTES - Buffer.byteLength(completion)));
  return { language, task, gold, completion };
});

const detector = await loadLanguageDetector();
function measure(mode) {
  const scorer = new RolloutScorer(detector, parseRewardConfig({ mode }));
  for (let i = 0; i < 2000; i++) scorer.score(rollouts[i % rollouts.length]); // warm-up: JIT and WebAssembly tiers
  // CPU time, not wall time: "per core" is completions per CPU-second of this single-threaded
  // process, which other work on a shared machine does not inflate the way it inflates wall time.
  let scored = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  let cpuSeconds = 0;
  while (cpuSeconds < SECONDS) {
    for (let i = 0; i < 200; i++) scorer.score(rollouts[(scored + i) % rollouts.length]);
    scored += 200;
    const used = process.cpuUsage(cpuStart);
    cpuSeconds = (used.user + used.system) / 1e6;
  }
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  return { perCpuSecond: scored / cpuSeconds, perWallSecond: scored / wallSeconds };
}

const bytes = rollouts.reduce((s, r) => s + Buffer.byteLength(r.completion), 0) / rollouts.length;
console.log(
  `reasoning bench: ${rollouts.length} completions of ${bytes.toFixed(0)} bytes (${texts.size} languages; math, choice, nli), ${SECONDS} CPU-s per mode, one core`,
);
const results = {};
for (const mode of ['robust', 'seed-compatible']) {
  const { perCpuSecond, perWallSecond } = measure(mode);
  results[mode] = perCpuSecond;
  const ratio = perCpuSecond / TARGET_PER_CORE;
  console.log(
    `  ${mode.padEnd(16)} ${perCpuSecond.toFixed(0).padStart(7)} scored completions per CPU-second (one core)` +
      `  ${ratio.toFixed(2)}× the ${TARGET_PER_CORE}/s target, ${(1e6 / perCpuSecond).toFixed(0)} µs CPU each; wall: ${perWallSecond.toFixed(0)}/s`,
  );
}
console.log(`  seed-compatible / robust: ${(results['seed-compatible'] / results.robust).toFixed(2)}×`);
process.exit(0); // the WebAssembly runtime keeps no handles, but be explicit: a bench ends when it has printed
