/** How a group's rewards become advantages. */
export type AdvantageEstimator = 'grpo' | 'dr-grpo';
export const ADVANTAGE_ESTIMATORS: readonly AdvantageEstimator[] = ['grpo', 'dr-grpo'];

/** Added to the standard deviation so a near-constant group does not blow up (GRPO's ε). */
export const GRPO_STD_EPSILON = 1e-4;

export interface GroupAdvantages {
  advantages: number[];
  mean: number;
  /** Sample standard deviation (n − 1), as TRL's GRPO computes it. */
  std: number;
  /**
   * Every completion got the same reward: the group teaches nothing (all advantages are zero), and
   * DAPO-style dynamic sampling drops it and samples another prompt.
   */
  zeroVariance: boolean;
}

/**
 * Advantages of one prompt's group of completions: GRPO normalises by the group (r − mean)/(std + 1e-4);
 * Dr. GRPO only centres (r − mean), removing the std's bias towards easy and hard prompts.
 */
export function groupAdvantages(rewards: readonly number[], estimator: AdvantageEstimator = 'grpo'): GroupAdvantages {
  if (rewards.length === 0) throw new RangeError('a group needs at least one reward');
  for (const [i, r] of rewards.entries())
    if (!Number.isFinite(r)) throw new RangeError(`reward ${i} is not a finite number: ${r}`);
  const n = rewards.length;
  const mean = rewards.reduce((s, r) => s + r, 0) / n;
  const variance = n > 1 ? rewards.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1) : 0;
  const std = Math.sqrt(variance);
  const zeroVariance = rewards.every((r) => Math.abs(r - (rewards[0] as number)) <= 1e-12);
  const advantages = rewards.map((r) => {
    if (zeroVariance) return 0;
    return estimator === 'grpo' ? (r - mean) / (std + GRPO_STD_EPSILON) : r - mean;
  });
  return { advantages, mean, std, zeroVariance };
}
