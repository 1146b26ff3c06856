import { Type } from '@sinclair/typebox';
import type { Judgement } from '../scoring/judgement.js';
import { defineReward } from './reward.types.js';

/**
 * Well-formed output: a non-empty reasoning trace closed by `</think>`, then a final answer in the
 * answer part. The opening `<think>` is optional by default because many chat templates put it in
 * the prompt, so the completion starts inside the trace.
 */
export function isWellFormed(judgement: Judgement, requireOpenTag = false): boolean {
  const { parts } = judgement;
  if (!parts.thinkClosed || parts.trace.trim().length === 0) return false;
  if (requireOpenTag && !judgement.rollout.completion.includes('<think>')) return false;
  const { answer, source, hedged } = judgement.finalAnswer;
  if (hedged || answer === undefined) return false;
  // The answer must be given after </think>, not only found in the trace.
  return (
    source === 'bare' ||
    source === 'last-number' ||
    parts.answer.includes(answer) ||
    /\\(?:boxed|fbox)/.test(parts.answer)
  );
}

/** The published scripts' format: both `</think>` and `\boxed{` appear somewhere. */
export function isWellFormedSeed(judgement: Judgement): boolean {
  const completion = judgement.rollout.completion;
  return completion.includes('</think>') && completion.includes('\\boxed{');
}

const parameters = Type.Object(
  { requireOpenTag: Type.Boolean({ default: false, description: 'the completion itself must open <think>' }) },
  { additionalProperties: false },
);

export const formatReward = defineReward({
  name: 'format',
  description: '<think>…</think> then a final answer',
  reference:
    'budget-alignment recipe (format 0.2); seed-compatible: mCoT-XReasoning training/trl_grpo_*.py format_reward',
  defaultWeight: 0.2,
  parameters,
  score: (judgement, mode, p) =>
    (mode === 'robust' ? isWellFormed(judgement, p.requireOpenTag) : isWellFormedSeed(judgement)) ? 1 : 0,
});
