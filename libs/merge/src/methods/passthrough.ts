import { Type } from '@sinclair/typebox';
import type { MergeMethod } from './merge-method.js';

/** Copies one model's tensor, optionally scaled: the method for stacking layers ("frankenmerges"). */
export const passthrough: MergeMethod = {
  name: 'passthrough',
  prettyName: 'Passthrough',
  referenceUrl: 'https://github.com/arcee-ai/mergekit/blob/main/docs/merge_methods.md',
  baseModel: 'unused',
  parameters: {},
  tensorParameters: {
    scale: { schema: Type.Number(), description: 'factor applied to the copied tensor' },
  },
  checkModelCount: (count) =>
    count === 1 ? undefined : `passthrough takes exactly one model per slice, found ${count}`,
  merge({ models, out }) {
    const only = models[0];
    if (!only) throw new Error('passthrough needs one model');
    const scale = only.parameters['scale'];
    if (typeof scale !== 'number') out.set(only.values);
    else for (let i = 0; i < out.length; i++) out[i] = scale * (only.values[i] as number);
  },
};
