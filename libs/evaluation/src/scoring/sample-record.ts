import { Type, type Static } from '@sinclair/typebox';
import { LanguageCodeSchema, StringEnum } from '@xreason/contracts';

/**
 * How one sample was judged under one scoring mode. Trace and answer languages are kept apart
 * (a model may reason in English and answer in Japanese); `language_consistent` needs both.
 */
export const SampleScoreSchema = Type.Object({
  correct: Type.Boolean(),
  format_ok: Type.Boolean(),
  answer: Type.Union([Type.String(), Type.Null()]),
  /** Robust: the trace's language. Seed-compatible: the detector's top language over the whole completion. */
  trace_language: Type.Union([LanguageCodeSchema, Type.Null()]),
  /** Robust only: the language of the part after `</think>` (null when too short to tell, or seed-compatible). */
  answer_language: Type.Union([LanguageCodeSchema, Type.Null()]),
  trace_consistent: Type.Boolean(),
  answer_consistent: Type.Boolean(),
  language_consistent: Type.Boolean(),
  language_shares: Type.Record(Type.String(), Type.Number()),
  reward: Type.Number(),
});
export type SampleScore = Static<typeof SampleScoreSchema>;

const GenerationPromptSchema = Type.Union([
  Type.Object({ kind: Type.Literal('tokens'), tokenIds: Type.Array(Type.Integer({ minimum: 0 })) }),
  Type.Object({ kind: Type.Literal('text'), text: Type.String() }),
  Type.Object({
    kind: Type.Literal('chat'),
    messages: Type.Array(Type.Object({ role: Type.String(), content: Type.String() }, { additionalProperties: true })),
  }),
]);

/**
 * One line of `samples_<suite>_<language>.jsonl` and one row of `eval_samples`: everything needed to
 * recompute every aggregate (and to re-score under new rules with `--from-samples`) without the model.
 * snake_case: this is a file format read by other tools, as lm-eval-harness's samples files are.
 */
export const SampleRecordSchema = Type.Object({
  model: Type.String({ minLength: 1 }),
  model_hash: Type.String({ minLength: 1 }),
  adapter_hash: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  suite: Type.String({ minLength: 1 }),
  suite_version: Type.String({ minLength: 1 }),
  language: LanguageCodeSchema,
  item_id: Type.String({ minLength: 1 }),
  sample_index: Type.Integer({ minimum: 0 }),
  task: StringEnum(['math', 'choice', 'nli'] as const),
  gold: Type.String(),
  prompt: GenerationPromptSchema,
  params: Type.Object({
    temperature: Type.Number({ minimum: 0 }),
    top_p: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    max_tokens: Type.Integer({ minimum: 1 }),
    seed: Type.Integer(),
    n: Type.Integer({ minimum: 1 }),
  }),
  cache_key: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  completion: Type.String(),
  token_ids: Type.Array(Type.Integer({ minimum: 0 })),
  logprobs: Type.Array(Type.Number()),
  finish_reason: StringEnum(['stop', 'length'] as const),
  completion_tokens: Type.Integer({ minimum: 0 }),
  scores: Type.Object({
    robust: Type.Optional(SampleScoreSchema),
    'seed-compatible': Type.Optional(SampleScoreSchema),
  }),
});
export type SampleRecord = Static<typeof SampleRecordSchema>;
