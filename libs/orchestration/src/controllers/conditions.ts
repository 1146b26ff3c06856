import type { Static } from '@sinclair/typebox';
import type { ConditionSchema } from '@xreason/contracts';

export type Condition = Static<typeof ConditionSchema>;
export type ConditionInput = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

/** The condition types every xreason resource reports (kubebuilder's convention). */
export const CONDITION_TYPES = ['Available', 'Progressing', 'Degraded'] as const;

const CAMEL_CASE = /^[A-Z][A-Za-z0-9]*$/;

/**
 * `meta.SetStatusCondition`: one entry per type; `lastTransitionTime` moves only when the status
 * flips, so re-reconciling an unchanged run writes an identical status (and triggers nothing).
 */
export function setConditions(
  existing: readonly Condition[],
  updates: readonly ConditionInput[],
  generation: number,
  now: Date,
): Condition[] {
  const byType = new Map(existing.map((c) => [c.type, c]));
  for (const update of updates) {
    if (!CAMEL_CASE.test(update.reason))
      throw new Error(`condition ${update.type}: reason ${JSON.stringify(update.reason)} is not CamelCase`);
    const before = byType.get(update.type);
    byType.set(update.type, {
      ...update,
      observedGeneration: generation,
      lastTransitionTime: before && before.status === update.status ? before.lastTransitionTime : now.toISOString(),
    });
  }
  return [...byType.values()].sort((a, b) => order(a.type) - order(b.type));
}

function order(type: string): number {
  const i = (CONDITION_TYPES as readonly string[]).indexOf(type);
  return i < 0 ? CONDITION_TYPES.length : i;
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
