import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { Bus } from '@xreason/bus';
import { STAGE_WORKER_ENV, stageOutputDir } from '@xreason/contracts';
import { GrpoStageError } from './grpo-stage-error.js';
import { grpoLayout } from './layout.js';
import { startRewardWorker } from './reward-worker.js';
import { readRunManifest } from './run-manifest.js';
import { startRolloutWorker } from './rollout-worker.js';

export type GrpoWorkerRole = 'rollout' | 'reward';

/** Environment of a standalone rollout or reward worker (services/rollout, services/reward). */
export const GRPO_WORKER_ENV = {
  brokers: 'KAFKA_BROKERS',
  /** The GRPO stage's output directory; else derived from the stage-worker env (artifact root, run, stage). */
  stageDir: 'XREASON_GRPO_STAGE_DIR',
  /** This rollout worker's index and the number of rollout workers (an Indexed Job sets JOB_COMPLETION_INDEX). */
  workerIndex: 'XREASON_ROLLOUT_WORKER_INDEX',
  workerCount: 'XREASON_ROLLOUT_WORKERS',
  /** Set to `trainer` on the GRPO stage when rollout and reward run as their own processes (else in-process). */
  roles: 'XREASON_GRPO_ROLES',
} as const;

/** How long a worker started alongside the trainer waits for its run.json. */
const MANIFEST_WAIT_MS = 10 * 60_000;

export function grpoStageDirFromEnv(env: NodeJS.ProcessEnv): string {
  const explicit = env[GRPO_WORKER_ENV.stageDir];
  if (explicit) return explicit;
  const root = env[STAGE_WORKER_ENV.artifactRoot];
  const run = env[STAGE_WORKER_ENV.run];
  const stage = env[STAGE_WORKER_ENV.stage];
  if (!root || !run || !stage) {
    throw new GrpoStageError(
      `set ${GRPO_WORKER_ENV.stageDir}, or ${STAGE_WORKER_ENV.artifactRoot}, ${STAGE_WORKER_ENV.run} and ${STAGE_WORKER_ENV.stage}`,
      { permanent: true },
    );
  }
  return stageOutputDir(root, { namespace: env[STAGE_WORKER_ENV.runNamespace] ?? 'default', name: run }, stage);
}

/** The brokers and the GRPO stage directory a standalone role needs; a permanent error names what is missing. */
export function standaloneWorkerEnv(env: NodeJS.ProcessEnv): { brokers: string[]; outputDir: string } {
  const brokers = (env[GRPO_WORKER_ENV.brokers] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new GrpoStageError(`${GRPO_WORKER_ENV.brokers} is not set`, { permanent: true });
  return { brokers, outputDir: grpoStageDirFromEnv(env) };
}

/** A started rollout or reward role: stop it, or learn that it failed. */
export interface StandaloneWorker {
  readonly role: GrpoWorkerRole;
  stop(): Promise<void>;
  /** Rejects when the role fails on its own (a rollout worker's generation error, say). */
  readonly failed: Promise<never>;
}

/**
 * Starts one GRPO role for a run it finds from the environment: waits for the trainer's run.json
 * (the trainer writes it when its stage starts; the abort signal ends the wait), connects to Kafka and
 * serves the run until stopped. Configuration errors are permanent GrpoStageErrors naming the variable.
 */
export async function startStandaloneWorker(
  role: GrpoWorkerRole,
  env: NodeJS.ProcessEnv = process.env,
  signal?: AbortSignal,
): Promise<StandaloneWorker> {
  const { brokers, outputDir } = standaloneWorkerEnv(env);
  const manifestPath = grpoLayout(outputDir).manifest;
  const deadline = Date.now() + MANIFEST_WAIT_MS;
  while (!existsSync(manifestPath)) {
    signal?.throwIfAborted();
    if (Date.now() > deadline) throw new GrpoStageError(`no ${manifestPath} after ${MANIFEST_WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const manifest = readRunManifest(manifestPath);
  const workerId = `${role}-${hostname()}-${process.pid}`;
  const bus = await Bus.connect({ brokers, clientId: `xreason-${role}` });
  try {
    const worker: { stop(): Promise<void>; failed?: Promise<never> } =
      role === 'reward'
        ? await startRewardWorker({ bus, manifest, outputDir, workerId })
        : await startRolloutWorker({
            bus,
            manifest,
            outputDir,
            workerId,
            worker: Number(env[GRPO_WORKER_ENV.workerIndex] ?? env.JOB_COMPLETION_INDEX ?? 0),
            workers: Number(env[GRPO_WORKER_ENV.workerCount] ?? 1),
          });
    const failed = worker.failed ?? new Promise<never>(() => undefined);
    failed.catch(() => undefined);
    return {
      role,
      failed,
      stop: async () => {
        await worker.stop().catch(() => undefined);
        await bus.close().catch(() => undefined);
      },
    };
  } catch (error) {
    await bus.close().catch(() => undefined);
    throw error;
  }
}
