// Answers: extraction and equivalence.
export { findBoxedAnswers, type BoxedAnswer } from './answers/boxed.js';
export { ANSWER_PHRASES, findPhraseAnswers } from './answers/phrases.js';
export { CHOICE_LETTERS, readChoice } from './answers/choice.js';
export { NLI_LABELS, readNliLabel, type NliLabel } from './answers/nli.js';
export {
  extractFinalAnswer,
  splitCompletion,
  TASKS,
  type CompletionParts,
  type ExtractedAnswer,
  type Task,
} from './answers/extract.js';
export { normaliseLocaleNumber } from './normalize/locale-number.js';
export { evaluateExpression, valuesEqual, type MathValue } from './normalize/expression.js';
export { mathAnswersEqual, normaliseMathAnswer, type MathAnswer } from './normalize/math-answer.js';
// The language of the reasoning.
export { FastTextLanguageDetector, loadLanguageDetector, type LanguageDetector } from './language/detector.js';
export { profileLanguage, type LanguageProfile } from './language/identify.js';
export { maskNonLanguage } from './language/mask.js';
export { scriptOf, type Script } from './language/scripts.js';
// Rewards and scoring.
export { defineReward, type RewardDefinition } from './rewards/reward.types.js';
export { REWARDS, rewardRegistry } from './rewards/registry.js';
export { parseRewardConfig, RewardConfigSchema, type RewardConfig, type RewardConfigInput } from './scoring/config.js';
export { Judgement, SCORING_MODES, type Rollout, type ScoringMode } from './scoring/judgement.js';
export { createRolloutScorer, RolloutScorer, type RolloutScore } from './scoring/score.js';
export { parseRolloutLine, RolloutRowSchema, type RolloutRow } from './scoring/rollout-row.js';
export {
  scoreRolloutsCommand,
  scoreRolloutsFile,
  type RowError,
  type ScoreProgress,
  type ScoreRolloutsFileOptions,
  type ScoreRolloutsFileResult,
} from './scoring/score-file.js';
export {
  ADVANTAGE_ESTIMATORS,
  GRPO_STD_EPSILON,
  groupAdvantages,
  type AdvantageEstimator,
  type GroupAdvantages,
} from './scoring/advantages.js';
// Metrics.
export { passAtK } from './metrics/pass-at-k.js';
export { DEFAULT_KS, summariseSamples, type EvaluationSummary, type SampleOutcome } from './metrics/summary.js';
export { bootstrapInterval, type BootstrapOptions, type ConfidenceInterval } from './metrics/bootstrap.js';
