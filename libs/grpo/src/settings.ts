import { type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { GrpoSchema, validate } from '@xreason/contracts';
import type { AdvantageEstimator } from '@xreason/reasoning';

/** The run's `grpo` section as the spec carries it. */
export type GrpoSpec = Static<typeof GrpoSchema>;

/** The `grpo` section with every default applied, plus what the loop needs that the spec leaves to the platform. */
export interface GrpoSettings extends GrpoSpec {
  temperature: number;
  maxNewTokens: number;
  rewardWeights: { accuracy: number; languageConsistency: number; format: number };
  /** Global gradient-norm clip of each step (0 = none). */
  maxGradNorm: number;
}

export const DEFAULT_MAX_NEW_TOKENS = 256;
export const DEFAULT_MAX_GRAD_NORM = 1.0;

/** Applies GrpoSchema's defaults and checks the section; a bad field throws naming it. */
export function resolveGrpoSettings(spec: unknown): GrpoSettings {
  const withDefaults = Value.Default(GrpoSchema, Value.Clone(spec ?? {}));
  const checked = validate(GrpoSchema, withDefaults, 'spec.grpo');
  return {
    ...checked,
    temperature: checked.temperature ?? 1,
    maxNewTokens: checked.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS,
    rewardWeights: {
      accuracy: checked.rewardWeights?.accuracy ?? 1.0,
      languageConsistency: checked.rewardWeights?.languageConsistency ?? 0.2,
      format: checked.rewardWeights?.format ?? 0.2,
    },
    maxGradNorm: DEFAULT_MAX_GRAD_NORM,
  };
}

/**
 * Which group advantages the loss aggregation goes with: Dr. GRPO only centres the rewards; GRPO and
 * DAPO normalise by the group's standard deviation.
 */
export function advantageEstimatorFor(lossAggregation: GrpoSpec['lossAggregation']): AdvantageEstimator {
  return lossAggregation === 'dr_grpo' ? 'dr-grpo' : 'grpo';
}

/** The reward config libs/reasoning takes, from the spec's weights (names as its registry spells them). */
export function rewardConfigFor(settings: GrpoSettings): { weights: Record<string, number> } {
  return {
    weights: {
      accuracy: settings.rewardWeights.accuracy,
      'language-consistency': settings.rewardWeights.languageConsistency,
      format: settings.rewardWeights.format,
    },
  };
}
