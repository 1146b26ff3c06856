import * as fs from 'node:fs';
import { join } from 'node:path';
import { seededRandom, type AlignmentRunSpec } from '@xreason/contracts';
import type { EngineModel, TrainSequence } from '@xreason/engine';
import { loadAdapter, loadModel, readAdapterConfig, saveAdapter } from '@xreason/models';
import type { StageArtifact } from '../runtime/artifact-registry.js';
import { materialiseModel, specBaseModel, upstreamModels, type ModelInput } from '../runtime/model-inputs.js';
import { findUpstreamOutput, upstreamOutputsWithPrefix } from '../runtime/resolve-inputs.js';
import type { StageContext } from '../runtime/stage-context.js';
import { checkpointInterval } from '../training/checkpoint-interval.js';
import { PermanentStageError } from '../runtime/stage-error.js';
import { readUpstreamOutputs } from '../runtime/stage-outputs.js';
import type { StageFunction } from '../runtime/run-stage-worker.js';
import { DEFAULT_ADAMW, LoraAdamW } from '../training/adamw.js';
import { latestCheckpoint, restoreOptimizer, saveCheckpoint } from '../training/checkpoints.js';
import { type ParallelPair, readMidAlignData } from '../training/mid-align-data.js';
import { readTrainSequences } from '../training/train-sequences.js';
import { datasetKey } from './data-prep.js';

type SftSpec = NonNullable<AlignmentRunSpec['sft']>;

/** Optimizer steps between checkpoints; a killed trainer loses at most this many. */
export const DEFAULT_CHECKPOINT_INTERVAL = 50;
/** The LoRA used when spec.sft.lora is absent (PEFT's common defaults). */
export const DEFAULT_LORA: NonNullable<SftSpec['lora']> = {
  r: 8,
  alpha: 16,
  dropout: 0,
  targetModules: ['q_proj', 'v_proj'],
  rslora: false,
};
/** Per step: `{attempt, step, loss, gradNorm, tokens}` — the record a resumed run is checked against. */
export const TRAIN_LOG_FILE = 'train_log.jsonl';
export const TRAINING_SUMMARY_FILE = 'training.json';

/** Which recipe dataset an SFT stage trains on, by its role in the recipe. */
const ROLE_DATASETS: Readonly<Record<string, string>> = {
  'question-translation': 'qalign-stage1',
  instruction: 'qalign-stage2',
  alternate: 'mid-align',
};

/**
 * Mid-align's InfoNCE (DESIGN §2): on the mean-pooled hidden states of the middle layer, cosine
 * similarity over this temperature, each X question against its English original with the batch's
 * other English questions as negatives.
 */
export const MID_ALIGN_TEMPERATURE = 0.1;

/**
 * sft: LoRA (spec.sft.lora) on the upstream model or spec.baseModel, masked cross-entropy over the
 * stage languages' dataset shards, AdamW (moments kept by the worker, see LoraAdamW), checkpoints
 * every XREASON_CHECKPOINT_INTERVAL steps into `<outputDir>/checkpoints/`. A new attempt resumes from
 * the newest checkpoint — the same data order, weights and moments — so it loses at most the steps
 * since it. Outputs: `adapter` (PEFT), `base` (the model it applies to), `tokenizer`, and the
 * upstream datasets passed on for later stages.
 *
 * The `alternate` role is mid-align's contrastive stage: the same loop, alternating a task step
 * (masked CE on in-language chains) with a contrastive step (InfoNCE between X questions and their
 * English originals at the middle layer), so the log's odd steps are contrastive.
 */
export const sftStage: StageFunction = async (context, io) => {
  const sft = context.spec.sft;
  if (!sft) throw new PermanentStageError('/spec/sft', 'an sft stage needs the spec.sft section');
  const upstream = readUpstreamOutputs(context.inputs);
  const tokenizer = findUpstreamOutput(upstream, 'tokenizer');
  const start = await startingModel(context, upstream, tokenizer);
  const alternate = context.role === 'alternate';
  const midAlign = alternate
    ? await readMidAlignData(
        datasetDirs(context, upstream, 'mid-align'),
        tokenizer ?? start.baseDir,
        sft.maxSequenceLength,
      )
    : undefined;
  const sequences = midAlign?.task ?? trainingSequences(context, upstream, sft.maxSequenceLength);
  const interval = checkpointInterval(DEFAULT_CHECKPOINT_INTERVAL);

  const batchSize = sft.batchSize;
  const accumulation = sft.gradientAccumulation ?? 1;
  const perStep = batchSize * accumulation;
  const taskSteps = Math.max(1, Math.ceil((sft.epochs * sequences.length) / perStep));
  const totalSteps = alternate ? 2 * taskSteps : taskSteps;
  const order = new EpochOrder(sequences.length, context.spec.seed ?? 1);
  const pairOrder = midAlign ? new EpochOrder(midAlign.pairs.length, (context.spec.seed ?? 1) + 1) : undefined;
  // Half a task batch of pairs (each pair is two sequences), never fewer than two: InfoNCE needs negatives.
  const pairsPerStep = Math.max(2, Math.min(Math.floor(batchSize / 2), midAlign?.pairs.length ?? 2));

  const resumeFrom = latestCheckpoint(context.outputDir);
  const model = await loadModel(start.baseDir);
  const lora = sft.lora ?? DEFAULT_LORA;
  if (resumeFrom) {
    await loadAdapter(model, resumeFrom.adapterDir);
  } else {
    model.addLora({
      rank: lora.r,
      alpha: lora.alpha,
      targets: lora.targetModules,
      rslora: lora.rslora ?? false,
      seed: context.spec.seed ?? 1,
      dropout: lora.dropout ?? 0,
    });
  }
  const optimizer = new LoraAdamW(model, { ...DEFAULT_ADAMW, lr: sft.learningRate });
  const losses: number[] = [];
  if (resumeFrom) {
    checkResumable(resumeFrom.adapterDir, lora, resumeFrom.state.totalSteps, totalSteps);
    await restoreOptimizer(resumeFrom, optimizer);
    losses.push(...resumeFrom.state.losses);
    io.logger.info({ step: resumeFrom.state.step, checkpoint: resumeFrom.dir }, 'resuming from a checkpoint');
  }
  const firstStep = resumeFrom?.state.step ?? 0;
  const logPath = join(context.outputDir, TRAIN_LOG_FILE);
  const started = performance.now();
  await io.reporter.report('Running', {
    progress: firstStep / totalSteps,
    message: `${sequences.length} sequences, ${totalSteps} steps${resumeFrom ? `, resumed from step ${firstStep}` : ''}`,
    metrics: { resumedFromStep: firstStep, totalSteps },
  });

  const checkpoint = async (step: number) =>
    saveCheckpoint(context.outputDir, model, optimizer, {
      step,
      totalSteps,
      attempt: context.attempt,
      losses: [...losses],
    });
  for (let step = firstStep; step < totalSteps; step++) {
    if (io.signal.aborted) {
      if (step > firstStep && step % interval !== 0) await checkpoint(step);
      throw new Error(`training stopped at step ${step} (checkpointed)`, { cause: io.signal.reason });
    }
    const contrastive = midAlign !== undefined && step % 2 === 1;
    const k = alternate ? Math.floor(step / 2) : step;
    const { loss, tokens } = contrastive
      ? await contrastiveStep(model, midAlign.pairs, pairOrder!, k, pairsPerStep)
      : await trainStep(model, sequences, order, k, batchSize, accumulation);
    const gradNorm = optimizer.apply(contrastive ? 1 : 1 / accumulation);
    losses.push(loss);
    fs.appendFileSync(
      logPath,
      `${JSON.stringify({ attempt: context.attempt, step: step + 1, loss, gradNorm, tokens, ...(alternate ? { objective: contrastive ? 'contrastive' : 'task' } : {}) })}\n`,
    );
    const done = step + 1;
    if (done % interval === 0 && done < totalSteps) await checkpoint(done);
    if (done % Math.max(1, Math.floor(totalSteps / 20)) === 0 || done === totalSteps)
      await io.reporter.report('Running', {
        progress: done / totalSteps,
        message: `step ${done}/${totalSteps} loss ${loss.toFixed(4)}`,
        metrics: { loss, step: done },
      });
  }

  const adapterDir = join(context.outputDir, 'adapter');
  fs.rmSync(adapterDir, { recursive: true, force: true });
  await saveAdapter(model, adapterDir, { baseModel: start.baseDir, dropout: lora.dropout });
  const head = losses.slice(0, Math.min(5, losses.length));
  const tail = losses.slice(-Math.min(5, losses.length));
  const summary = {
    steps: totalSteps,
    resumedFromStep: firstStep,
    sequences: sequences.length,
    firstLoss: mean(head),
    lastLoss: mean(tail),
    seconds: (performance.now() - started) / 1000,
    checkpointInterval: interval,
  };
  fs.writeFileSync(join(context.outputDir, TRAINING_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  const outputs: Record<string, string> = {
    ...upstreamOutputsWithPrefix(upstream, 'dataset:'),
    adapter: adapterDir,
    base: start.baseDir,
    training: join(context.outputDir, TRAINING_SUMMARY_FILE),
    ...(tokenizer ? { tokenizer } : {}),
  };
  const artifacts: StageArtifact[] = [{ name: 'adapter', kind: 'adapter', path: adapterDir }];
  if (start.materialised) artifacts.push({ name: 'base', kind: 'checkpoint', path: start.baseDir });
  return {
    outputs,
    artifacts,
    metrics: {
      firstLoss: summary.firstLoss,
      lastLoss: summary.lastLoss,
      steps: totalSteps,
      resumedFromStep: firstStep,
    },
  };
};

/**
 * The model the adapter trains on: an upstream `model`, or an upstream adapter folded into its base
 * (written once to `<outputDir>/base-model`, e.g. QAlign stage II after stage I), or spec.baseModel.
 */
async function startingModel(
  context: StageContext,
  upstream: ReturnType<typeof readUpstreamOutputs>,
  tokenizer: string | undefined,
): Promise<{ baseDir: string; materialised: boolean }> {
  const models = upstreamModels(context, upstream);
  if (models.length > 1)
    throw new PermanentStageError(
      'XREASON_STAGE_INPUTS',
      `an sft stage trains one model; upstream stages give ${models.length}`,
    );
  const start: ModelInput = models[0] ?? specBaseModel(context);
  if (!start.adapterDir) return { baseDir: start.baseDir, materialised: false };
  const dir = join(context.outputDir, 'base-model');
  if (!fs.existsSync(join(dir, 'config.json'))) await materialiseModel(start, dir, tokenizer);
  return { baseDir: dir, materialised: true };
}

function trainingSequences(
  context: StageContext,
  upstream: ReturnType<typeof readUpstreamOutputs>,
  maxLength: number | undefined,
): TrainSequence[] {
  const recipe = (context.role && ROLE_DATASETS[context.role]) ?? 'budget-sft';
  const sequences: TrainSequence[] = [];
  for (const dir of datasetDirs(context, upstream, recipe)) sequences.push(...readTrainSequences(dir, maxLength));
  if (sequences.length === 0)
    throw new PermanentStageError('XREASON_STAGE_INPUTS', `the ${recipe} dataset has no training sequences`);
  return sequences;
}

/** The recipe's dataset directories: one for the whole run, or one per stage language. */
function datasetDirs(
  context: StageContext,
  upstream: ReturnType<typeof readUpstreamOutputs>,
  recipe: string,
): string[] {
  const whole = findUpstreamOutput(upstream, `dataset:${recipe}`);
  return whole
    ? [whole]
    : context.languages.map((language) => {
        const dir = findUpstreamOutput(upstream, datasetKey(recipe, language));
        if (!dir)
          throw new PermanentStageError(
            'XREASON_STAGE_INPUTS',
            `no upstream stage has the ${recipe} dataset for ${language} (output ${datasetKey(recipe, language)})`,
          );
        return dir;
      });
}

/** A reproducible order: epoch e is a seeded permutation, so step k always sees the same batch. */
class EpochOrder {
  readonly #epochs = new Map<number, Uint32Array>();
  constructor(
    private readonly size: number,
    private readonly seed: number,
  ) {}

  at(position: number): number {
    const epoch = Math.floor(position / this.size);
    let permutation = this.#epochs.get(epoch);
    if (!permutation) {
      permutation = Uint32Array.from({ length: this.size }, (_, i) => i);
      const random = seededRandom(this.seed * 1_000_003 + epoch);
      for (let i = this.size - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [permutation[i], permutation[j]] = [permutation[j]!, permutation[i]!];
      }
      this.#epochs.clear(); // one epoch at a time is all a step needs (a batch may straddle two)
      this.#epochs.set(epoch, permutation);
    }
    return permutation[position % this.size]!;
  }
}

async function trainStep(
  model: EngineModel,
  sequences: readonly TrainSequence[],
  order: EpochOrder,
  step: number,
  batchSize: number,
  accumulation: number,
): Promise<{ loss: number; tokens: number }> {
  model.zeroGrad();
  let loss = 0;
  let tokens = 0;
  for (let micro = 0; micro < accumulation; micro++) {
    const first = (step * accumulation + micro) * batchSize;
    const batch = Array.from({ length: batchSize }, (_, i) => sequences[order.at(first + i)]!);
    // The micro-batch's index seeds LoRA dropout, so a resumed run draws the same masks.
    loss += (await model.lossAndBackward(batch, { dropoutSeed: step * accumulation + micro })) / accumulation;
    tokens += batch.reduce((sum, s) => sum + s.ids.length - (s.promptLength ?? 1), 0);
  }
  return { loss, tokens };
}

/** One InfoNCE step on `pairsPerStep` (X question, English question) pairs at the middle layer. */
async function contrastiveStep(
  model: EngineModel,
  pairs: readonly ParallelPair[],
  order: EpochOrder,
  step: number,
  pairsPerStep: number,
): Promise<{ loss: number; tokens: number }> {
  model.zeroGrad();
  const chosen = Array.from({ length: pairsPerStep }, (_, i) => pairs[order.at(step * pairsPerStep + i)]!);
  const batch = chosen.flatMap((p) => [{ ids: p.anchor }, { ids: p.positive }]);
  const result = await model.train(
    batch,
    {
      ceWeight: 0,
      contrastive: {
        layer: Math.floor(model.config.numLayers / 2),
        temperature: MID_ALIGN_TEMPERATURE,
        pairs: chosen.map((_, i) => [2 * i, 2 * i + 1] as const),
      },
    },
    // Apart from the task steps' seeds (their micro-batch indices), so the two kinds never share masks.
    { dropoutSeed: 1_000_000_000 + step },
  );
  return { loss: result.contrastive, tokens: batch.reduce((sum, s) => sum + s.ids.length, 0) };
}

function checkResumable(
  adapterDir: string,
  lora: { r: number; alpha: number; targetModules: readonly string[] },
  savedTotal: number,
  totalSteps: number,
): void {
  const saved = readAdapterConfig(adapterDir);
  const same =
    saved.rank === lora.r &&
    saved.alpha === lora.alpha &&
    [...saved.targets].sort().join(',') === [...new Set(lora.targetModules)].sort().join(',');
  if (!same || savedTotal !== totalSteps)
    throw new PermanentStageError(
      '/spec/sft',
      `the checkpoint in ${adapterDir} was written for another training setup (LoRA or step count changed); remove the stage's checkpoints to start over`,
    );
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
