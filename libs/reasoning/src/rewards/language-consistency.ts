import { Type } from '@sinclair/typebox';
import type { Judgement } from '../scoring/judgement.js';
import { defineReward } from './reward.types.js';

/** The detector's probability that the whole completion is in the target language (the published reward's factor). */
export function targetProbabilitySeed(judgement: Judgement): number {
  const target = judgement.rollout.language;
  return judgement.wholeCompletionLanguage.find(([code]) => code === target)?.[1] ?? 0;
}

const parameters = Type.Object(
  {
    partialCredit: Type.Boolean({
      default: false,
      description: 'robust mode: score the target language share of the trace instead of all-or-nothing',
    }),
  },
  { additionalProperties: false },
);

export const languageConsistencyReward = defineReward({
  name: 'language-consistency',
  description: 'the reasoning trace and the final answer are in the requested language',
  reference:
    'budget-alignment recipe (language 0.2); seed-compatible: mCoT-XReasoning training/trl_grpo_*.py language_reward',
  defaultWeight: 0.2,
  parameters,
  score: (judgement, mode, p) => {
    if (mode === 'seed-compatible') return targetProbabilitySeed(judgement);
    if (!p.partialCredit) return judgement.languageConsistent ? 1 : 0;
    const share = judgement.traceLanguage.languageShares[judgement.rollout.language] ?? 0;
    return judgement.languageConsistent ? 1 : share;
  },
});
