import { Type, type Static } from '@sinclair/typebox';
import { findProblems, LANGUAGE_CODES } from '@xreason/contracts';
import { TASKS } from '../answers/extract.js';
import type { Rollout } from './judgement.js';

/** One input row of `xreason reward score`: other fields are kept and passed through untouched. */
export const RolloutRowSchema = Type.Object({
  id: Type.Union([Type.String(), Type.Number()]),
  language: Type.Union(LANGUAGE_CODES.map((code) => Type.Literal(code))),
  gold: Type.Union([Type.String(), Type.Number()]),
  completion: Type.String(),
  task: Type.Union(TASKS.map((task) => Type.Literal(task))),
});
export type RolloutRow = Static<typeof RolloutRowSchema> & Record<string, unknown>;

/** Parses one JSONL line into a rollout, or throws an Error naming every bad field. */
export function parseRolloutLine(line: string): { row: RolloutRow; rollout: Rollout } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
  const problems = findProblems(RolloutRowSchema, value);
  if (problems.length > 0) {
    const described = problems.map((p) => {
      const field = p.path.slice(1) || '(row)';
      return p.value === undefined
        ? `${field}: ${p.message}`
        : `${field}: ${p.message} (got ${JSON.stringify(p.value)})`;
    });
    throw new Error(described.join('; '));
  }
  const row = value as RolloutRow;
  return {
    row,
    rollout: { language: row.language, task: row.task, gold: String(row.gold), completion: row.completion },
  };
}
