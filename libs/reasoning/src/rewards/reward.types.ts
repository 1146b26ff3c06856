import type { Static, TObject } from '@sinclair/typebox';
import type { Judgement, ScoringMode } from '../scoring/judgement.js';

/**
 * A reward: a name, the weight the published recipe gives it, a typed parameter schema (checked
 * when the config is parsed) and a score in [0, 1] per mode. The weighted sum is the rollout's reward.
 */
export interface RewardDefinition<S extends TObject = TObject> {
  readonly name: string;
  readonly description: string;
  /** Where the semantics come from (paper or script), for a reader checking them. */
  readonly reference: string;
  readonly defaultWeight: number;
  readonly parameters: S;
  score(judgement: Judgement, mode: ScoringMode, parameters: Static<S>): number;
}

/** Keeps each entry's parameter type while listing entries of different types in one array. */
export function defineReward<S extends TObject>(definition: RewardDefinition<S>): RewardDefinition {
  return definition as unknown as RewardDefinition;
}
