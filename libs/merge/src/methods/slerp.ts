import { Type } from '@sinclair/typebox';
import { slerpInto, wholeTensor } from '../tensor/vector-math.js';
import type { MergeMethod } from './merge-method.js';

/**
 * Spherical interpolation from the base model (t = 0) to the other model (t = 1), each tensor taken
 * as one flat vector; LERP when the two are nearly parallel.
 */
export const slerp: MergeMethod = {
  name: 'slerp',
  prettyName: 'SLERP',
  referenceUrl: 'https://en.wikipedia.org/wiki/Slerp',
  baseModel: 'required',
  parameters: {
    t: { schema: Type.Number({ minimum: 0, maximum: 1 }), required: true, description: 'interpolation factor' },
  },
  tensorParameters: {},
  checkModelCount: (count) =>
    count === 1 ? undefined : `slerp takes the base model and exactly one other model, found ${count} others`,
  merge({ base, models, out, parameters }) {
    const other = models[0];
    if (!base || !other) throw new Error('slerp needs the base model and one other model');
    slerpInto(out, parameters['t'] as number, base, other.values, wholeTensor(out.length));
  },
};
