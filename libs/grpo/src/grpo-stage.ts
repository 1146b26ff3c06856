import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bus, type BusConnectionOptions } from '@xreason/bus';
import {
  type LanguageCode,
  type MessageOf,
  PolicyVersionTopic,
  RolloutGroupTopic,
  ScoredGroupTopic,
} from '@xreason/contracts';
import type { EngineModel, TrainSequence } from '@xreason/engine';
import { ADAPTER_CONFIG_FILE, loadModel, saveAdapter } from '@xreason/models';
import { AdamW } from './adamw.js';
import { type TrainerState, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
import { GrpoStageError } from './grpo-stage-error.js';
import { JsonlLog, parseLineRef, readJsonl, readLine } from './jsonl-log.js';
import { grpoLayout } from './layout.js';
import { adapterContentHash } from './policy-weights.js';
import { type GrpoPrompt, buildPromptSet, checkPromptSet } from './prompt-set.js';
import { type RewardWorker, type ScoredRecord, startRewardWorker } from './reward-worker.js';
import { type PolicyVersionRecord, type RolloutWorker, startRolloutWorker } from './rollout-worker.js';
import { type GrpoRunManifest, writeRunManifest } from './run-manifest.js';
import { type GrpoSettings, type GrpoSpec, resolveGrpoSettings } from './settings.js';

/** What the trainer service hands runGrpoStage for a stage of kind `grpo` (README). */
export interface GrpoStageContext {
  runId: string;
  /** HF checkpoint directory, with tokenizer.json (unless tokenizerDir says otherwise). */
  baseModelDir: string;
  /** The upstream SFT stage's PEFT adapter: policy version 0. */
  sftAdapterDir: string;
  /** The stage's output directory, the same for every attempt (a retry resumes from its checkpoints). */
  outputDir: string;
  /** The run's `grpo` section; defaults are applied here. */
  grpo: Partial<GrpoSpec> | GrpoSpec;
  languages: readonly LanguageCode[];
  bus: BusConnectionOptions;
  onProgress?: (progress: GrpoProgress) => void;
  signal?: AbortSignal;
  seed?: number;
  /** 'all' (default): rollout and reward workers run in this process; 'trainer': they run elsewhere. */
  roles?: 'all' | 'trainer';
  /** Steps between checkpoints (default 5); the last step is always checkpointed. */
  checkpointEvery?: number;
  /** Default: the `grpo-prompts` recipe for `languages` (promptCount problems per language, default 64). */
  prompts?: readonly GrpoPrompt[];
  promptCount?: number;
  tokenizerDir?: string;
}

export interface GrpoProgress {
  step: number;
  steps: number;
  /** The version just published. */
  version: number;
  meanReward: number;
  groupsUsed: number;
  groupsDropped: number;
  policyLoss: number;
  clipFraction: number;
}

export interface GrpoStageResult {
  /** The final policy: `<outputDir>/adapter` (PEFT). */
  adapterDir: string;
  version: number;
  steps: number;
  /** The checkpointed step this attempt resumed from (0 for a fresh start). */
  resumedFromStep: number;
  outputs: { adapter: string; grpo: string };
  /** Per step of this attempt: mean reward of the groups it trained on. */
  rewardCurve: number[];
  secondsPerStep: number;
}

/** One step's record in steps.jsonl. */
export interface StepRecord {
  step: number;
  fromVersion: number;
  version: number;
  groups: {
    messageId: string;
    promptId: string;
    policyVersion: number;
    lag: number;
    zeroVariance: boolean;
    meanReward: number;
  }[];
  dropped: { messageId: string; policyVersion: number; reason: 'stale' | 'not-in-lineage' }[];
  meanReward: number;
  policyLoss: number;
  clipFraction: number;
  kl: number;
  gradNorm: number;
  tokens: number;
  seconds: number;
  /** The step this attempt resumed from: steps of a killed attempt after its last checkpoint appear twice. */
  resumedFromStep: number;
}

interface QueuedGroup {
  message: MessageOf<typeof ScoredGroupTopic>;
  partition: number;
  offset: string;
}

const DEFAULT_CHECKPOINT_EVERY = 5;
const DEFAULT_PROMPT_COUNT = 64;

/**
 * The GRPO stage (DESIGN §4): publishes the SFT adapter as policy version 0, then repeatedly takes
 * `promptsPerStep` scored groups from Kafka — dropping those whose version lags the current one by more
 * than `maxPolicyLag` — and takes one clipped-surrogate step on them, the importance ratios taken
 * against the logprobs the rollout worker sampled with, then publishes the next version. Checkpoints
 * every `checkpointEvery` steps; started again on the same output directory it resumes from the last one.
 */
export async function runGrpoStage(context: GrpoStageContext): Promise<GrpoStageResult> {
  const settings = settingsOf(context);
  const layout = grpoLayout(context.outputDir);
  const seed = context.seed ?? 1;
  const checkpointEvery = context.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1)
    throw new GrpoStageError(`checkpointEvery must be a positive integer, got ${checkpointEvery}`, { permanent: true });
  if (!existsSync(join(context.sftAdapterDir, ADAPTER_CONFIG_FILE)))
    throw new GrpoStageError(`the SFT adapter ${context.sftAdapterDir} has no ${ADAPTER_CONFIG_FILE}`, {
      permanent: true,
    });
  const tokenizerDir = context.tokenizerDir ?? context.baseModelDir;
  if (!existsSync(join(tokenizerDir, 'tokenizer.json')))
    throw new GrpoStageError(`no tokenizer.json in ${tokenizerDir}`, { permanent: true });

  mkdirSync(layout.root, { recursive: true });
  const prompts =
    context.prompts ?? buildPromptSet(context.languages, seed, context.promptCount ?? DEFAULT_PROMPT_COUNT);
  checkPromptSet(prompts);
  writeFileSync(layout.prompts, prompts.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const manifest: GrpoRunManifest = {
    runId: context.runId,
    baseModelDir: context.baseModelDir,
    tokenizerDir,
    settings,
    seed,
    promptsFile: layout.prompts,
  };
  writeRunManifest(layout.manifest, manifest);

  const model = await loadModel(context.baseModelDir, { adapter: context.sftAdapterDir });
  const reference =
    settings.klCoefficient > 0 ? await loadModel(context.baseModelDir, { adapter: context.sftAdapterDir }) : undefined;
  const optimizer = new AdamW(model, AdamW.loraNames(model));
  const restored = await restoreCheckpoint(layout, model, optimizer);
  const state: TrainerState = restored ?? {
    step: 0,
    version: -1,
    lineage: [],
    usedMessageIds: [],
    consumedOffsets: {},
  };
  const resumedFromStep = state.step;
  // Groups used by steps of a killed attempt after its checkpoint are spent too: none is used twice.
  const used = new Set([
    ...state.usedMessageIds,
    ...readJsonl<StepRecord>(layout.steps).flatMap((s) => s.groups.map((g) => g.messageId)),
  ]);

  const bus = await Bus.connect(context.bus);
  const workers: { rollout?: RolloutWorker; reward?: RewardWorker } = {};
  const roleBuses: Bus[] = [];
  const policyLog = new JsonlLog(layout.policyVersions);
  const stepLog = new JsonlLog(layout.steps);
  const queue: QueuedGroup[] = [];
  let wake: (() => void) | undefined;
  const rewardCurve: number[] = [];
  const started = Date.now();
  try {
    await bus.ensureTopics([PolicyVersionTopic, RolloutGroupTopic, ScoredGroupTopic]);
    await bus.consume({
      topic: ScoredGroupTopic,
      // One group per run: a resumed trainer continues after what the killed one had consumed.
      groupId: `xreason-grpo-trainer-${context.runId}`,
      handler: async (message, { partition, offset }) => {
        if (message.runId !== context.runId) return;
        queue.push({ message, partition, offset });
        wake?.();
      },
    });
    if ((context.roles ?? 'all') === 'all') {
      // Each role on its own connection, as in separate processes: one idempotent producer per role
      // (kafkajs's idempotent producer does not take concurrent sends from unrelated callers well).
      const roleBus = async (role: string) => {
        const roleConnection = await Bus.connect({ ...context.bus, clientId: `${context.bus.clientId}-${role}` });
        roleBuses.push(roleConnection);
        return roleConnection;
      };
      workers.reward = await startRewardWorker({
        bus: await roleBus('reward'),
        manifest,
        outputDir: context.outputDir,
        workerId: `reward-${process.pid}`,
      });
      workers.rollout = await startRolloutWorker({
        bus: await roleBus('rollout'),
        manifest,
        outputDir: context.outputDir,
        workerId: `rollout-${process.pid}`,
      });
    }

    /** `resuming`: the weights are the checkpoint's, which may already be published under state.version. */
    const publish = async (step: number, resuming: boolean) => {
      const published = readJsonl<PolicyVersionRecord>(layout.policyVersions);
      const highest = published.reduce((max, r) => Math.max(max, r.version), -1);
      // A version number is never reused for other weights: after a resume the restored weights get a new one.
      const republish = resuming && state.version >= 0 && state.version === highest;
      const version = republish ? state.version : highest + 1;
      const adapterUri = layout.policyDir(version);
      if (!republish) {
        await saveAdapter(model, adapterUri, { baseModel: context.baseModelDir });
        state.lineage.push(version);
        state.version = version;
      }
      const record: PolicyVersionRecord = {
        version,
        adapterUri,
        contentHash: adapterContentHash(adapterUri),
        step,
        publishedAt: new Date().toISOString(),
        lineage: [...state.lineage],
      };
      policyLog.append(record);
      await bus.publisher.publish(PolicyVersionTopic, {
        runId: context.runId,
        payload: { version, adapterUri, contentHash: record.contentHash },
      });
    };

    const failure = Promise.race([
      workers.rollout?.failed ?? new Promise<never>(() => undefined),
      new Promise<never>((_, reject) =>
        context.signal?.addEventListener('abort', () => reject(abortError()), { once: true }),
      ),
    ]);
    failure.catch(() => undefined);
    const nextGroup = async (): Promise<QueuedGroup> => {
      for (;;) {
        const head = queue.shift();
        if (head) return head;
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), failure]);
        wake = undefined;
      }
    };

    await publish(state.step, true);
    while (state.step < settings.steps) {
      const stepStarted = Date.now();
      const fromVersion = state.version;
      const taken: { queued: QueuedGroup; record: ScoredRecord; lag: number }[] = [];
      const dropped: StepRecord['dropped'] = [];
      while (taken.length < settings.promptsPerStep) {
        const queued = await nextGroup();
        const { message } = queued;
        if (used.has(message.messageId)) continue;
        const index = state.lineage.lastIndexOf(message.payload.policyVersion);
        const lag = state.lineage.length - 1 - index;
        if (index < 0 || lag > settings.maxPolicyLag) {
          dropped.push({
            messageId: message.messageId,
            policyVersion: message.payload.policyVersion,
            reason: index < 0 ? 'not-in-lineage' : 'stale',
          });
          used.add(message.messageId);
          continue;
        }
        used.add(message.messageId);
        taken.push({ queued, record: readLine<ScoredRecord>(parseLineRef(message.payload.rolloutsRef)), lag });
      }

      const result = await trainStep(
        model,
        reference,
        optimizer,
        settings,
        taken.map((t) => t.record),
        state.step,
        context.signal,
      );
      state.step += 1;
      for (const { queued } of taken) {
        const key = String(queued.partition);
        if (BigInt(queued.offset) > BigInt(state.consumedOffsets[key] ?? '-1'))
          state.consumedOffsets[key] = queued.offset;
        state.usedMessageIds.push(queued.message.messageId);
      }
      await publish(state.step, false);
      const rewards = taken.flatMap((t) => t.record.scored.rewards);
      const meanReward = rewards.reduce((a, b) => a + b, 0) / rewards.length;
      rewardCurve.push(meanReward);
      const stepRecord: StepRecord = {
        step: state.step,
        fromVersion,
        version: state.version,
        groups: taken.map(({ queued, record, lag }) => ({
          messageId: queued.message.messageId,
          promptId: record.group.promptId,
          policyVersion: record.group.policyVersion,
          lag,
          zeroVariance: record.scored.zeroVariance,
          meanReward: record.scored.mean,
        })),
        dropped,
        meanReward,
        ...result,
        seconds: (Date.now() - stepStarted) / 1000,
        resumedFromStep,
      };
      stepLog.append(stepRecord);
      if (state.step % checkpointEvery === 0 || state.step === settings.steps) {
        await saveCheckpoint(layout, model, optimizer, state, context.baseModelDir);
      }
      context.onProgress?.({
        step: state.step,
        steps: settings.steps,
        version: state.version,
        meanReward,
        groupsUsed: taken.length,
        groupsDropped: dropped.length,
        policyLoss: result.policyLoss,
        clipFraction: result.clipFraction,
      });
    }
    await saveAdapter(model, layout.finalAdapter, { baseModel: context.baseModelDir });
    const trainedSteps = state.step - resumedFromStep;
    return {
      adapterDir: layout.finalAdapter,
      version: state.version,
      steps: state.step,
      resumedFromStep,
      outputs: { adapter: layout.finalAdapter, grpo: layout.root },
      rewardCurve,
      secondsPerStep: trainedSteps > 0 ? (Date.now() - started) / 1000 / trainedSteps : 0,
    };
  } finally {
    await workers.rollout?.stop().catch(() => undefined);
    await workers.reward?.stop().catch(() => undefined);
    await Promise.allSettled(roleBuses.map((b) => b.close()));
    await bus.close().catch(() => undefined);
    policyLog.close();
    stepLog.close();
  }
}

function settingsOf(context: GrpoStageContext): GrpoSettings {
  try {
    return resolveGrpoSettings(context.grpo);
  } catch (cause) {
    throw new GrpoStageError((cause as Error).message, { permanent: true, cause });
  }
}

function abortError(): Error {
  const error = new Error('the GRPO stage was cancelled');
  error.name = 'AbortError';
  return error;
}

/**
 * One GRPO step on the scored groups: every completion of a group with any reward variance becomes a
 * sequence (prompt + completion, loss on the completion) with its group advantage; the engine recomputes
 * the current logprobs and applies the clipped surrogate on the ratios to the sampling logprobs.
 * Zero-variance groups carry no gradient and are left out of the batch.
 */
async function trainStep(
  model: EngineModel,
  reference: EngineModel | undefined,
  optimizer: AdamW,
  settings: GrpoSettings,
  records: readonly ScoredRecord[],
  step: number,
  signal: AbortSignal | undefined,
): Promise<Pick<StepRecord, 'policyLoss' | 'clipFraction' | 'kl' | 'gradNorm' | 'tokens'>> {
  const sequences: TrainSequence[] = [];
  const oldLogprobs: number[][] = [];
  const advantages: number[] = [];
  for (const { group, scored } of records) {
    if (scored.zeroVariance) continue;
    group.completions.forEach((completion, i) => {
      if (completion.tokenIds.length === 0) return;
      const prompt = group.promptTokenIds;
      const ids = [...prompt, ...completion.tokenIds];
      // tokenLogprobs layout: entry t is log p(ids[t + 1]); prompt entries carry no loss.
      const old = new Array<number>(ids.length - 1).fill(0);
      completion.logprobs.forEach((lp, j) => (old[prompt.length - 1 + j] = lp));
      sequences.push({ ids, promptLength: prompt.length });
      oldLogprobs.push(old);
      advantages.push(scored.advantages[i] as number);
    });
  }
  if (sequences.length === 0) return { policyLoss: 0, clipFraction: 0, kl: 0, gradNorm: 0, tokens: 0 };
  const refLogprobs = reference
    ? (
        await reference.tokenLogprobs(
          sequences.map((s) => s.ids),
          { signal },
        )
      ).logprobs
    : undefined;
  model.zeroGrad();
  const result = await model.train(
    sequences,
    {
      policy: {
        kind: settings.lossAggregation,
        epsLow: settings.epsilonLow,
        epsHigh: settings.epsilonHigh,
        oldLogprobs,
        advantages,
        maxTokens: settings.maxNewTokens,
        ...(refLogprobs ? { refLogprobs, klBeta: settings.klCoefficient } : {}),
      },
    },
    // The step seeds LoRA dropout's masks, so a resumed run repeats them.
    { dropoutSeed: step, ...(signal ? { signal } : {}) },
  );
  const gradNorm = optimizer.step({ lr: settings.learningRate, maxGradNorm: settings.maxGradNorm });
  return {
    policyLoss: result.policy,
    clipFraction: result.clipFraction,
    kl: result.kl,
    gradNorm,
    tokens: result.tokens,
  };
}
