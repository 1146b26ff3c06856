import { type Static, Type } from '@sinclair/typebox';
import { API_VERSION, EvaluationSchema } from './alignment-run.types.js';
import {
  ConditionSchema,
  LanguageCodeSchema,
  ModelRefSchema,
  ObjectMetaSchema,
  ResourcesSchema,
} from './common.types.js';

export const EvalScheduleSpecSchema = Type.Object(
  {
    schedule: Type.String({
      minLength: 9,
      description: 'cron expression (5 fields), evaluated in timeZone',
      pattern: '^(\\S+\\s+){4}\\S+$',
    }),
    timeZone: Type.Optional(Type.String({ default: 'UTC' })),
    models: Type.Array(
      Type.Composite(
        [Type.Object({ name: Type.String({ minLength: 1, description: 'name in reports' }) }), ModelRefSchema],
        {
          additionalProperties: false,
        },
      ),
      { minItems: 1 },
    ),
    languages: Type.Array(LanguageCodeSchema, { minItems: 1, uniqueItems: true }),
    evaluation: EvaluationSchema,
    baseline: Type.Optional(Type.String({ description: 'name of a pinned evaluation to compare every night with' })),
    regression: Type.Optional(
      Type.Object(
        {
          threshold: Type.Number({ minimum: 0, maximum: 1, default: 0.02, description: 'absolute drop in a metric' }),
          alpha: Type.Number({ exclusiveMinimum: 0, maximum: 0.5, default: 0.05, description: 'significance level' }),
        },
        { additionalProperties: false },
      ),
    ),
    suspend: Type.Optional(Type.Boolean()),
    resources: Type.Optional(ResourcesSchema),
  },
  { additionalProperties: false },
);

export const EvalScheduleStatusSchema = Type.Object({
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  conditions: Type.Array(ConditionSchema, { default: [] }),
  lastScheduleTime: Type.Optional(Type.String({ format: 'date-time' })),
  lastSuccessfulTime: Type.Optional(Type.String({ format: 'date-time' })),
  lastRegression: Type.Optional(Type.String()),
});

export const EvalScheduleSchema = Type.Object({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal('EvalSchedule'),
  metadata: ObjectMetaSchema,
  spec: EvalScheduleSpecSchema,
  status: Type.Optional(EvalScheduleStatusSchema),
});

export type EvalScheduleSpec = Static<typeof EvalScheduleSpecSchema>;
export type EvalSchedule = Static<typeof EvalScheduleSchema>;
