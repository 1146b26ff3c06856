/**
 * The GRPO rollout worker as its own process (a cluster's Deployment; locally the trainer runs the role
 * in-process unless XREASON_GRPO_ROLES=trainer): it follows the run's policy versions and generates G completions per prompt with per-token logprobs.
 * A NestJS app with /healthz, /readyz (ready once it serves its run) and /metrics on PORT.
 * Environment: KAFKA_BROKERS, and XREASON_GRPO_STAGE_DIR or the stage-worker variables that locate the
 * GRPO stage's output directory (libs/grpo GRPO_WORKER_ENV). Exit codes follow the stage-worker contract.
 */
import { readFileSync } from 'node:fs';
import { grpoWorkerMain } from '@xreason/grpo/service';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
await grpoWorkerMain('rollout', version);
