import { type Static, Type } from '@sinclair/typebox';
import {
  ConditionSchema,
  LanguageCodeSchema,
  ModelRefSchema,
  ObjectMetaSchema,
  ResourcesSchema,
  StringEnum,
} from './common.types.js';

export const API_GROUP = 'xreason.io';
export const API_VERSION = 'xreason.io/v1alpha1';

/** The published recipes (DESIGN §2); each compiles into a DAG of stages. */
export const RECIPES = ['budget-alignment', 'qalign', 'mindmerger', 'mid-align', 'merge'] as const;
export type RecipeName = (typeof RECIPES)[number];

export const STAGE_KINDS = ['data-prep', 'sft', 'grpo', 'mapping', 'contrastive', 'merge', 'eval'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export const DataSourceSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'dataset name used by the recipe, e.g. "mgsm" or "sft-cot"' }),
    uri: Type.String({ minLength: 1, description: 'local directory or artifact URI holding the files' }),
    languages: Type.Optional(Type.Array(LanguageCodeSchema, { minItems: 1 })),
    split: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const LoraSchema = Type.Object(
  {
    r: Type.Integer({ minimum: 1, default: 8 }),
    alpha: Type.Number({ exclusiveMinimum: 0, default: 16 }),
    dropout: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
    targetModules: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    rslora: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SftSchema = Type.Object(
  {
    epochs: Type.Number({ exclusiveMinimum: 0, default: 3 }),
    learningRate: Type.Number({ exclusiveMinimum: 0 }),
    batchSize: Type.Integer({ minimum: 1 }),
    gradientAccumulation: Type.Optional(Type.Integer({ minimum: 1 })),
    maxSequenceLength: Type.Optional(Type.Integer({ minimum: 8 })),
    lora: Type.Optional(LoraSchema),
  },
  { additionalProperties: false },
);

export const GrpoSchema = Type.Object(
  {
    steps: Type.Integer({ minimum: 1 }),
    learningRate: Type.Number({ exclusiveMinimum: 0, default: 1e-5 }),
    rolloutsPerPrompt: Type.Integer({ minimum: 2, default: 24 }),
    promptsPerStep: Type.Integer({ minimum: 1 }),
    epsilonLow: Type.Number({ minimum: 0, default: 0.2 }),
    epsilonHigh: Type.Number({ minimum: 0, default: 0.28 }),
    klCoefficient: Type.Number({ minimum: 0, default: 0 }),
    lossAggregation: StringEnum(['grpo', 'dr_grpo', 'dapo'] as const, { default: 'dr_grpo' }),
    maxPolicyLag: Type.Integer({ minimum: 0, default: 1 }),
    rewardWeights: Type.Optional(
      Type.Object(
        {
          accuracy: Type.Number({ default: 1.0 }),
          languageConsistency: Type.Number({ default: 0.2 }),
          format: Type.Number({ default: 0.2 }),
        },
        { additionalProperties: false },
      ),
    ),
    temperature: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    maxNewTokens: Type.Optional(Type.Integer({ minimum: 1 })),
    lora: Type.Optional(LoraSchema),
  },
  { additionalProperties: false },
);

export const EvaluationSchema = Type.Object(
  {
    suites: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    samples: Type.Integer({ minimum: 1, default: 8, description: 'n generations per item' }),
    k: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, default: [1] }),
    temperature: Type.Optional(Type.Number({ minimum: 0 })),
    topP: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    maxNewTokens: Type.Optional(Type.Integer({ minimum: 1 })),
    mode: Type.Optional(StringEnum(['robust', 'seed-compatible'] as const)),
  },
  { additionalProperties: false },
);

export const AlignmentRunSpecSchema = Type.Object(
  {
    recipe: StringEnum(RECIPES),
    baseModel: ModelRefSchema,
    languages: Type.Array(LanguageCodeSchema, { minItems: 1, uniqueItems: true }),
    data: Type.Array(DataSourceSchema, { default: [] }),
    sft: Type.Optional(SftSchema),
    grpo: Type.Optional(GrpoSchema),
    merge: Type.Optional(
      Type.Object(
        {
          method: Type.String({ minLength: 1, description: 'mergekit merge_method' }),
          config: Type.Optional(
            Type.Record(Type.String(), Type.Unknown(), { description: 'mergekit YAML as an object' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    evaluation: Type.Optional(EvaluationSchema),
    resources: Type.Optional(
      Type.Partial(Type.Record(StringEnum(STAGE_KINDS), ResourcesSchema), {
        additionalProperties: false,
        description: 'per stage kind: GPUs, memory, node selectors, tolerations',
      }),
    ),
    maxRetries: Type.Integer({ minimum: 0, maximum: 20, default: 2 }),
    seed: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export const RUN_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Cancelled'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];
export const STAGE_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Skipped'] as const;
export type StagePhase = (typeof STAGE_PHASES)[number];

export const StageStatusSchema = Type.Object({
  name: Type.String(),
  kind: StringEnum(STAGE_KINDS),
  phase: StringEnum(STAGE_PHASES),
  attempts: Type.Integer({ minimum: 0 }),
  startedAt: Type.Optional(Type.String({ format: 'date-time' })),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  message: Type.Optional(Type.String()),
  artifacts: Type.Optional(Type.Array(Type.String())),
});

export const AlignmentRunStatusSchema = Type.Object({
  phase: StringEnum(RUN_PHASES),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  conditions: Type.Array(ConditionSchema, { default: [] }),
  stages: Type.Array(StageStatusSchema, { default: [] }),
  startedAt: Type.Optional(Type.String({ format: 'date-time' })),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

export const AlignmentRunSchema = Type.Object({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal('AlignmentRun'),
  metadata: ObjectMetaSchema,
  spec: AlignmentRunSpecSchema,
  status: Type.Optional(AlignmentRunStatusSchema),
});

export type AlignmentRunSpec = Static<typeof AlignmentRunSpecSchema>;
export type AlignmentRunStatus = Static<typeof AlignmentRunStatusSchema>;
export type AlignmentRun = Static<typeof AlignmentRunSchema>;
export type StageStatus = Static<typeof StageStatusSchema>;
