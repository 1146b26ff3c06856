export {
  runGrpoStage,
  type GrpoProgress,
  type GrpoStageContext,
  type GrpoStageResult,
  type StepRecord,
} from './grpo-stage.js';
export { GrpoStageError } from './grpo-stage-error.js';
export {
  DEFAULT_MAX_NEW_TOKENS,
  advantageEstimatorFor,
  resolveGrpoSettings,
  rewardConfigFor,
  type GrpoSettings,
  type GrpoSpec,
} from './settings.js';
export {
  buildPromptSet,
  checkPromptSet,
  promptSetFromDatasets,
  promptsForBatch,
  readPromptSet,
  type GrpoPrompt,
} from './prompt-set.js';
export { grpoLayout, grpoRootOfAdapter, type GrpoLayout } from './layout.js';
export { JsonlLog, formatLineRef, parseLineRef, readJsonl, readLine, type LineRef } from './jsonl-log.js';
export { readRunManifest, writeRunManifest, type GrpoRunManifest } from './run-manifest.js';
export {
  scoreRolloutGroup,
  scoredMessageId,
  startRewardWorker,
  type RewardWorker,
  type RewardWorkerOptions,
  type RolloutGroup,
  type ScoredRecord,
  type ScoredRollouts,
} from './reward-worker.js';
export {
  startRolloutWorker,
  type PolicyVersionRecord,
  type RolloutWorker,
  type RolloutWorkerOptions,
} from './rollout-worker.js';
export { AdamW, type AdamWSettings } from './adamw.js';
export { restoreCheckpoint, saveCheckpoint, type TrainerState } from './checkpoint.js';
export { adapterContentHash, swapAdapterWeights } from './policy-weights.js';
export {
  GRPO_WORKER_ENV,
  grpoStageDirFromEnv,
  standaloneWorkerEnv,
  startStandaloneWorker,
  type GrpoWorkerRole,
  type StandaloneWorker,
} from './standalone-worker.js';
