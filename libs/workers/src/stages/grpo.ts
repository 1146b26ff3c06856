import { GRPO_WORKER_ENV, GrpoStageError, promptSetFromDatasets, runGrpoStage } from '@xreason/grpo';
import { checkpointInterval } from '../training/checkpoint-interval.js';
import { datasetKey } from './data-prep.js';
import { findUpstreamOutput } from '../runtime/resolve-inputs.js';
import type { StageFunction } from '../runtime/run-stage-worker.js';
import { PermanentStageError } from '../runtime/stage-error.js';
import { readUpstreamOutputs } from '../runtime/stage-outputs.js';

/**
 * grpo: the asynchronous GRPO loop of @xreason/grpo on top of the upstream SFT stage's adapter
 * (policy version 0). The rollout and reward roles run in this process over Kafka unless
 * XREASON_GRPO_ROLES=trainer says they run as their own processes (services/rollout, services/reward);
 * the loop checkpoints every XREASON_CHECKPOINT_INTERVAL steps (default 5) and a retry resumes from
 * the last checkpoint in the same output dir.
 * Outputs: `adapter` (the last policy, PEFT), `base` and `tokenizer` passed on for merge and eval,
 * `grpo` (policy versions, rollouts, rewards and steps kept for audit and replay).
 */
export const grpoStage: StageFunction = async (context, io) => {
  const grpo = context.spec.grpo;
  if (!grpo) throw new PermanentStageError('/spec/grpo', 'a grpo stage needs the spec.grpo section');
  const upstream = readUpstreamOutputs(context.inputs);
  const adapter = findUpstreamOutput(upstream, 'adapter');
  const base = findUpstreamOutput(upstream, 'base');
  if (!adapter || !base) {
    throw new PermanentStageError(
      'XREASON_STAGE_INPUTS',
      'grpo starts from an upstream SFT stage: its outputs need `adapter` and `base`',
    );
  }
  const tokenizer = findUpstreamOutput(upstream, 'tokenizer') ?? base;
  const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
  const roles = process.env[GRPO_WORKER_ENV.roles] ?? 'all';
  if (roles !== 'all' && roles !== 'trainer')
    throw new PermanentStageError(GRPO_WORKER_ENV.roles, `must be "all" or "trainer", got ${JSON.stringify(roles)}`);
  const interval = checkpointInterval(undefined);
  // The run's grpo-prompts datasets (passed on by the SFT stage) are the prompt set: their spec entry
  // chose how many problems. Without them the loop draws its default set.
  const promptDatasets = context.languages.flatMap((language) => {
    const dir = findUpstreamOutput(upstream, datasetKey('grpo-prompts', language));
    return dir ? [{ language, dir }] : [];
  });
  const prompts = promptDatasets.length > 0 ? promptSetFromDatasets(promptDatasets) : undefined;
  if (brokers.length === 0) throw new PermanentStageError('KAFKA_BROKERS', 'GRPO runs over Kafka: set the brokers');
  try {
    const result = await runGrpoStage({
      // One loop per stage: a run's per-language GRPO stages run side by side, and the loop's Kafka
      // consumer groups and message filter are keyed by this id — shared, they would split each
      // other's partitions and stall.
      runId: `${context.run.uid}.${context.stage}`,
      baseModelDir: base,
      sftAdapterDir: adapter,
      outputDir: context.outputDir,
      grpo,
      languages: context.languages,
      bus: { brokers, clientId: `xreason-trainer-${context.stage}` },
      seed: context.spec.seed ?? 1,
      roles,
      ...(prompts ? { prompts } : {}),
      ...(interval === undefined ? {} : { checkpointEvery: interval }),
      signal: io.signal,
      onProgress: (p) =>
        void io.reporter.report('Running', {
          progress: p.step / p.steps,
          message: `step ${p.step}/${p.steps} policy v${p.version} mean reward ${p.meanReward.toFixed(3)}`,
          metrics: { step: p.step, meanReward: p.meanReward, policyLoss: p.policyLoss, clipFraction: p.clipFraction },
        }),
    });
    const last = result.rewardCurve.at(-1);
    return {
      outputs: { adapter: result.outputs.adapter, grpo: result.outputs.grpo, base, tokenizer },
      artifacts: [
        { name: 'adapter', kind: 'adapter', path: result.outputs.adapter },
        { name: 'grpo', kind: 'rollouts', path: result.outputs.grpo },
      ],
      metrics: {
        steps: result.steps,
        policyVersion: result.version,
        resumedFromStep: result.resumedFromStep,
        secondsPerStep: result.secondsPerStep,
        ...(last === undefined ? {} : { lastMeanReward: last }),
      },
    };
  } catch (error) {
    if (error instanceof GrpoStageError && error.permanent)
      throw new PermanentStageError('/spec/grpo', error.message, { cause: error });
    throw error;
  }
};
