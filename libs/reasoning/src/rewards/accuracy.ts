import { Type } from '@sinclair/typebox';
import { mathAnswersEqual } from '../normalize/math-answer.js';
import type { Judgement } from '../scoring/judgement.js';
import { defineReward } from './reward.types.js';

/** Whether the rollout's final answer is right, by the task's rules (math equivalence, option letter, NLI label). */
export function isCorrect(judgement: Judgement): boolean {
  const { task, gold, language } = judgement.rollout;
  const answer = judgement.finalAnswer.answer;
  if (answer === undefined) return false;
  if (task === 'math') return mathAnswersEqual(answer, gold, language);
  const g = gold
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/^\((.)\)$/, '$1');
  const goldNli = { '0': 'entailment', '1': 'neutral', '2': 'contradiction' }[g] ?? g;
  return answer.toLowerCase() === (task === 'nli' ? goldNli : g);
}

/** The published scripts' accuracy: trimmed string equality of any extracted candidate with the gold string. */
export function isCorrectSeed(judgement: Judgement): boolean {
  const gold = judgement.rollout.gold.trim();
  return judgement.seedCandidates.some((candidate) => candidate.trim() === gold);
}

export const accuracyReward = defineReward({
  name: 'accuracy',
  description: 'the final answer equals the gold answer',
  reference:
    'budget-alignment recipe (accuracy 1.0); seed-compatible: mCoT-XReasoning training/trl_grpo_*.py accuracy_reward',
  defaultWeight: 1.0,
  parameters: Type.Object({}, { additionalProperties: false }),
  score: (judgement, mode) => ((mode === 'robust' ? isCorrect(judgement) : isCorrectSeed(judgement)) ? 1 : 0),
});
