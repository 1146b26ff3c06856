import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Broker, startBroker } from '@xreason/broker';
import { STAGE_OUTPUTS_FILE, stageOutputDir, type AlignmentRunSpec } from '@xreason/contracts';
import {
  GRPO_WORKER_ENV,
  type PolicyVersionRecord,
  type ScoredRecord,
  type StepRecord,
  grpoLayout,
  readJsonl,
} from '@xreason/grpo';
import { CHECKPOINT_INTERVAL_ENV, type StageContext } from '@xreason/workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../workers/stage-worker-process.js';
import { buildTinyTask, type TinyTask } from './tiny-task.js';

const workspaceRoot = join(import.meta.dirname, '../..');
const STEPS = 14;
const INTERVAL = 4;

/**
 * DESIGN §4's fault test: the GRPO stage as the pipeline runs it when rollout and reward are their own
 * processes (services/trainer with XREASON_GRPO_ROLES=trainer, services/rollout, services/reward) over the
 * project's Kafka-protocol broker. The trainer and the reward worker are SIGKILLed mid-run and started
 * again; the run completes, no scored group (and so no scored rollout) is used twice, and the trainer
 * loses at most one checkpoint interval of steps.
 */
describe('GRPO survives SIGKILL of the trainer and the reward worker', () => {
  const root = mkdtempSync(join(tmpdir(), 'xreason-grpo-fault-'));
  const artifactRoot = join(root, 'artifacts');
  const run = { name: 'fault', namespace: 'default', uid: 'uid-fault' };
  let broker: Broker;
  let task: TinyTask;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    broker = await startBroker({ port: 0, memory: true });
    task = await buildTinyTask(join(root, 'task'));
  }, 120_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await broker?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** services/rollout or services/reward as its own process, pointed at the GRPO stage's directory. */
  const startRole = (role: 'rollout' | 'reward', stageDir: string, log: string) => {
    const entry = join(workspaceRoot, 'services', role, 'dist/main.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build the service first`);
    const child = spawn(process.execPath, [entry], {
      env: {
        PATH: process.env.PATH ?? '',
        [GRPO_WORKER_ENV.brokers]: broker.bootstrapServers,
        [GRPO_WORKER_ENV.stageDir]: stageDir,
        PORT: '0', // the role's probes; two roles on one machine
        XREASON_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = createWriteStream(log, { flags: 'a' });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    children.push(child);
    return child;
  };
  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('close', () => resolve()),
    );

  it('completes after the kills, uses no scored group twice, and repeats at most one checkpoint interval', async () => {
    // The SFT stage the GRPO stage starts from: the tiny task's adapter on its base.
    const sftDir = stageOutputDir(artifactRoot, run, 'sft-en');
    mkdirSync(sftDir, { recursive: true });
    writeFileSync(
      join(sftDir, STAGE_OUTPUTS_FILE),
      JSON.stringify({ adapter: task.sftAdapterDir, base: task.baseModelDir, tokenizer: task.baseModelDir }),
    );
    const spec = {
      recipe: 'budget-alignment',
      baseModel: { uri: task.baseModelDir },
      languages: ['en'],
      data: [],
      grpo: {
        steps: STEPS,
        promptsPerStep: 2,
        rolloutsPerPrompt: 4,
        learningRate: 0.05,
        maxNewTokens: 8,
        maxPolicyLag: 1,
      },
      maxRetries: 1,
      seed: 3,
    } as unknown as AlignmentRunSpec;
    const stage: Omit<StageContext, 'outputDir'> = {
      run,
      stage: 'grpo-en',
      kind: 'grpo',
      attempt: 1,
      languages: ['en'],
      spec,
      inputs: { 'sft-en': sftDir },
      artifactRoot,
    };
    const stageDir = stageOutputDir(artifactRoot, run, 'grpo-en');
    const layout = grpoLayout(stageDir);
    const env = {
      KAFKA_BROKERS: broker.bootstrapServers,
      [GRPO_WORKER_ENV.roles]: 'trainer',
      [CHECKPOINT_INTERVAL_ENV]: String(INTERVAL),
    };
    const steps = () => (existsSync(layout.steps) ? readJsonl<StepRecord>(layout.steps) : []);

    const trainer = startWorker('trainer', stage, env, join(root, 'trainer.log'));
    children.push(trainer.child);
    const rollout = startRole('rollout', stageDir, join(root, 'rollout.log'));
    const reward = startRole('reward', stageDir, join(root, 'reward.log'));

    // Mid-run, between two checkpoints: both die without a chance to flush or commit anything.
    await expect.poll(() => steps().length, { timeout: 120_000, interval: 20 }).toBeGreaterThanOrEqual(INTERVAL + 2);
    trainer.child.kill('SIGKILL');
    reward.kill('SIGKILL');
    const killed = await trainer.done;
    await exited(reward);
    expect(killed.signal).toBe('SIGKILL');
    const stepsBeforeKill = steps().length;
    expect(stepsBeforeKill).toBeLessThan(STEPS);

    const again = startWorker('trainer', { ...stage, attempt: 2 }, env, join(root, 'trainer.log'));
    children.push(again.child);
    const reward2 = startRole('reward', stageDir, join(root, 'reward.log'));
    const finished = await again.done;
    if (finished.code !== 0) console.error(finished.stderr.slice(-3000));
    expect(finished.code).toBe(0);
    rollout.kill('SIGTERM');
    reward2.kill('SIGTERM');
    await Promise.all([exited(rollout), exited(reward2)]);

    const all = steps();
    // The second attempt re-did the steps after the last checkpoint: the log holds them twice.
    const resumedFrom = STEPS - (all.length - stepsBeforeKill);
    const lost = stepsBeforeKill - resumedFrom;
    expect(resumedFrom % INTERVAL).toBe(0);
    expect(lost).toBeGreaterThanOrEqual(0);
    expect(lost).toBeLessThanOrEqual(INTERVAL);
    expect(all.at(-1)!.step).toBe(STEPS);
    console.info(
      `GRPO fault test: killed after step ${stepsBeforeKill}, resumed from checkpoint step ${resumedFrom}, ${lost} step(s) re-done (interval ${INTERVAL})`,
    );

    // No scored group is used twice — not by the re-done steps, not after the reward worker rescored.
    const used = all.flatMap((s) => s.groups.map((g) => g.messageId));
    expect(new Set(used).size).toBe(used.length);
    // Scored groups are named after their rollout group, so a rollout rescored after the reward
    // worker's restart cannot enter training a second time under another name.
    const scored = readdirSync(join(layout.root, 'scored')).flatMap((f) =>
      readJsonl<ScoredRecord>(join(layout.root, 'scored', f)),
    );
    const rolloutOf = new Map(scored.map((r) => [r.scoredMessageId, r.rolloutMessageId]));
    const rolloutsUsed = used.map((id) => rolloutOf.get(id));
    expect(rolloutsUsed.every((id) => id !== undefined)).toBe(true);
    expect(new Set(rolloutsUsed).size).toBe(rolloutsUsed.length);
    // Policy versions: one per step after the resume's republication, never reused for other weights.
    const versions = readJsonl<PolicyVersionRecord>(layout.policyVersions).map((v) => v.version);
    expect(new Set(versions).size).toBe(versions.length);
  }, 300_000);
});
