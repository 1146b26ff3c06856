import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SchemaValidationError, validate } from '@xreason/contracts';
import { rewardRegistry } from '../rewards/registry.js';
import type { ScoringMode } from './judgement.js';

export const RewardConfigSchema = Type.Object(
  {
    mode: Type.Optional(Type.Union([Type.Literal('robust'), Type.Literal('seed-compatible')])),
    /** Weight per reward name; rewards left out keep their default weight (accuracy 1.0, language 0.2, format 0.2). */
    weights: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0 }))),
    /** Parameters per reward name, each checked against that reward's schema. */
    parameters: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()))),
  },
  { additionalProperties: false },
);
export type RewardConfigInput = Static<typeof RewardConfigSchema>;

/** A checked config: every reward with its weight and its parameters, defaults filled in. */
export interface RewardConfig {
  mode: ScoringMode;
  rewards: Array<{ name: string; weight: number; parameters: Record<string, unknown> }>;
}

/**
 * Parses a reward config. Throws (never warns) on a bad field, an unknown reward name (with a
 * did-you-mean from the registry) or a parameter its reward's schema rejects.
 */
export function parseRewardConfig(input: unknown = {}): RewardConfig {
  const config = validate(RewardConfigSchema, input, 'reward config');
  for (const name of [...Object.keys(config.weights ?? {}), ...Object.keys(config.parameters ?? {})])
    rewardRegistry.get(name);
  const rewards = rewardRegistry.values().map((reward) => {
    const given = config.parameters?.[reward.name] ?? {};
    const withDefaults = Value.Default(reward.parameters, Value.Clone(given));
    try {
      const parameters = validate(reward.parameters, withDefaults, `parameters of reward "${reward.name}"`);
      return { name: reward.name, weight: config.weights?.[reward.name] ?? reward.defaultWeight, parameters };
    } catch (error) {
      if (error instanceof SchemaValidationError) {
        const problems = error.problems.map((p) => ({ ...p, path: `/parameters/${reward.name}${p.path}` }));
        throw new SchemaValidationError('reward config', problems);
      }
      throw error;
    }
  });
  return { mode: config.mode ?? 'robust', rewards };
}
