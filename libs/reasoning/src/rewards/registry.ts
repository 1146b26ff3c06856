import { Registry } from '@xreason/contracts';
import { accuracyReward } from './accuracy.js';
import { formatReward } from './format.js';
import { languageConsistencyReward } from './language-consistency.js';
import type { RewardDefinition } from './reward.types.js';

/** Every reward, listed here and nowhere else. Adding one: `<name>.ts` + one line below + `<name>.spec.ts`. */
export const REWARDS: readonly RewardDefinition[] = [accuracyReward, languageConsistencyReward, formatReward];

export const rewardRegistry = new Registry<RewardDefinition>('reward', REWARDS).freeze();
