import { Type } from '@sinclair/typebox';
import type { ParameterDefinition } from './merge-method.js';

/** Parameter definitions shared by several methods, with mergekit's names and defaults. */
export const weightParameter: ParameterDefinition = {
  schema: Type.Number(),
  required: true,
  description: 'weight of this model (may be negative)',
};

export const densityParameter: ParameterDefinition = {
  schema: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
  default: 1,
  description: 'fraction of the task vector kept',
};

export function flag(defaultValue: boolean, description: string): ParameterDefinition {
  return { schema: Type.Boolean(), default: defaultValue, description };
}
