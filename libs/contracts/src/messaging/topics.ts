import { Type } from '@sinclair/typebox';
import { STAGE_KINDS, STAGE_PHASES } from '../api/alignment-run.types.js';
import { LanguageCodeSchema, StringEnum } from '../api/common.types.js';
import { defineTopic } from './envelope.js';

/** Operator → stage worker: run this stage with these inputs. */
export const StageCommandTopic = defineTopic(
  'xreason.stage.commands.v1',
  'StageCommand',
  1,
  Type.Object({
    stage: Type.String({ minLength: 1 }),
    kind: StringEnum(STAGE_KINDS),
    attempt: Type.Integer({ minimum: 1 }),
    inputs: Type.Record(Type.String(), Type.String(), { description: 'input name → artifact URI' }),
    parameters: Type.Record(Type.String(), Type.Unknown()),
    outputDir: Type.String({ minLength: 1 }),
  }),
  'commands from the operator to stage workers',
);

/** Stage worker → operator: progress and completion. */
export const StageEventTopic = defineTopic(
  'xreason.stage.events.v1',
  'StageEvent',
  1,
  Type.Object({
    stage: Type.String({ minLength: 1 }),
    attempt: Type.Integer({ minimum: 1 }),
    phase: StringEnum(STAGE_PHASES),
    progress: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    message: Type.Optional(Type.String()),
    outputs: Type.Optional(Type.Record(Type.String(), Type.String())),
    metrics: Type.Optional(Type.Record(Type.String(), Type.Number())),
  }),
  'stage progress and completion, consumed by the operator',
);

/** Trainer → rollout workers: a new policy (adapter) version is ready. */
export const PolicyVersionTopic = defineTopic(
  'xreason.grpo.policy-versions.v1',
  'PolicyVersion',
  1,
  Type.Object({
    version: Type.Integer({ minimum: 0 }),
    adapterUri: Type.String({ minLength: 1 }),
    contentHash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  }),
  'GRPO policy versions published by the trainer',
);

const CompletionSchema = Type.Object({
  text: Type.String(),
  tokenIds: Type.Array(Type.Integer({ minimum: 0 })),
  logprobs: Type.Array(Type.Number()),
  finishReason: StringEnum(['stop', 'length'] as const),
});

/** Rollout worker → reward: G completions of one prompt under one policy version. */
export const RolloutGroupTopic = defineTopic(
  'xreason.grpo.rollouts.v1',
  'RolloutGroup',
  1,
  Type.Object({
    policyVersion: Type.Integer({ minimum: 0 }),
    promptId: Type.String({ minLength: 1 }),
    language: LanguageCodeSchema,
    gold: Type.String(),
    task: StringEnum(['math', 'choice', 'nli'] as const),
    promptTokenIds: Type.Array(Type.Integer({ minimum: 0 })),
    completions: Type.Array(CompletionSchema, { minItems: 1 }),
  }),
  'generated completions with per-token logprobs',
);

/** Reward → trainer: the group scored, with group advantages. */
export const ScoredGroupTopic = defineTopic(
  'xreason.grpo.scored-groups.v1',
  'ScoredGroup',
  1,
  Type.Object({
    policyVersion: Type.Integer({ minimum: 0 }),
    promptId: Type.String({ minLength: 1 }),
    rewards: Type.Array(Type.Number()),
    advantages: Type.Array(Type.Number()),
    zeroVariance: Type.Boolean(),
    rolloutsRef: Type.String({ description: 'artifact URI of the stored rollout group' }),
  }),
  'rewards and group advantages for the trainer',
);

/** Eval → anyone: a statistically significant drop against the previous night or the baseline. */
export const EvalRegressionTopic = defineTopic(
  'xreason.eval.regressions.v1',
  'EvalRegression',
  1,
  Type.Object({
    schedule: Type.String(),
    model: Type.String(),
    suite: Type.String(),
    language: LanguageCodeSchema,
    metric: Type.String(),
    previous: Type.Number(),
    current: Type.Number(),
    pValue: Type.Number({ minimum: 0, maximum: 1, description: "the paired test's raw one-sided p" }),
    adjustedPValue: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Holm-adjusted within the night (languages × metrics × references); compared with alpha',
      }),
    ),
    comparedWith: StringEnum(['previous', 'baseline'] as const),
  }),
  'nightly evaluation regressions',
);

export const TOPICS = [
  StageCommandTopic,
  StageEventTopic,
  PolicyVersionTopic,
  RolloutGroupTopic,
  ScoredGroupTopic,
  EvalRegressionTopic,
] as const;
