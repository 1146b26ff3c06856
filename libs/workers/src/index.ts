// The stage-worker contract at run time.
export { readStageContext, stageWorkerEnv, type StageContext } from './runtime/stage-context.js';
export { PermanentStageError, exitCodeFor, isPermanent } from './runtime/stage-error.js';
export {
  contentHash,
  readStageOutputs,
  readUpstreamOutputs,
  writeFileAtomically,
  writeStageOutputs,
  type StageOutputs,
} from './runtime/stage-outputs.js';
export { ArtifactRegistry, type RegisteredArtifact, type StageArtifact } from './runtime/artifact-registry.js';
export {
  StageEventReporter,
  type ReporterLogger,
  type StageEvent,
  type StageReporter,
} from './runtime/stage-reporter.js';
export {
  runStageWorker,
  stageWorkerMain,
  type StageFunction,
  type StageIO,
  type StageResult,
  type StageWorkerOptions,
} from './runtime/run-stage-worker.js';
export {
  copyTokenizerFiles,
  materialiseModel,
  specBaseModel,
  upstreamModels,
  type ModelInput,
} from './runtime/model-inputs.js';
export { findUpstreamOutput, resolveUri, upstreamOutputsWithPrefix } from './runtime/resolve-inputs.js';
// Training pieces other training loops reuse (GRPO checkpoints the same way).
export { DEFAULT_ADAMW, LoraAdamW, type AdamWSettings } from './training/adamw.js';
export {
  CHECKPOINTS_DIR,
  latestCheckpoint,
  listCheckpoints,
  restoreOptimizer,
  saveCheckpoint as saveTrainingCheckpoint,
  type Checkpoint,
  type TrainerState,
} from './training/checkpoints.js';
export { readTrainSequences } from './training/train-sequences.js';
// One stage function per kind.
export { dataPrepStage, datasetKey, RECIPE_DATASETS } from './stages/data-prep.js';
export { CHECKPOINT_INTERVAL_ENV, checkpointInterval } from './training/checkpoint-interval.js';
export {
  DEFAULT_CHECKPOINT_INTERVAL,
  DEFAULT_LORA,
  TRAIN_LOG_FILE,
  TRAINING_SUMMARY_FILE,
  sftStage,
} from './stages/sft.js';
export { mergeStage } from './stages/merge.js';
export { EVAL_SUMMARY_FILE, WORLD_SUITE, evalStage, type EvalSummaryRow } from './stages/eval.js';
export { grpoStage } from './stages/grpo.js';
export { trainerStages } from './stages/trainer.js';
export { notYetAvailable } from './stages/unsupported.js';
// EvalSchedule firings (`main.js schedule` of the eval service).
export { runScheduledNight, type ScheduledNightOptions } from './schedules/scheduled-night.js';
export { runScheduledNightWorker } from './schedules/scheduled-night-worker.js';
