import { firstDimVectors, lastDimVectors, nuslerpInto, wholeTensor } from '../tensor/vector-math.js';
import type { MergeMethod } from './merge-method.js';
import { flag, weightParameter } from './parameter-schemas.js';

/**
 * SLERP between exactly two models with t = w₁ / (w₀ + w₁) (0.5 when the weights cancel), over the
 * flattened tensor, its rows, or (row_wise) its columns. With a base model, the two task vectors are
 * interpolated and added to the base.
 */
export const nuslerp: MergeMethod = {
  name: 'nuslerp',
  prettyName: 'NuSLERP',
  referenceUrl: 'https://github.com/arcee-ai/mergekit/blob/main/docs/merge_methods.md',
  baseModel: 'optional',
  parameters: {
    nuslerp_flatten: flag(true, 'interpolate each tensor as one flat vector'),
    nuslerp_row_wise: flag(false, 'without flattening, interpolate along the first dimension instead of the last'),
  },
  tensorParameters: { weight: weightParameter },
  checkModelCount: (count) =>
    count === 2 ? undefined : `nuslerp takes exactly two models besides the base, found ${count}`,
  merge({ base, models, out, parameters, shape }) {
    const [first, second] = models;
    if (!first || !second) throw new Error('nuslerp needs two models');
    const w0 = first.parameters['weight'] as number;
    const w1 = second.parameters['weight'] as number;
    const t = Math.abs(w0 + w1) < 1e-6 ? 0.5 : w1 / (w0 + w1);
    const n = out.length;
    const layout =
      parameters['nuslerp_flatten'] !== false
        ? wholeTensor(n)
        : parameters['nuslerp_row_wise'] === true
          ? firstDimVectors(shape, n)
          : lastDimVectors(shape, n);
    const v0 = first.values;
    const v1 = second.values;
    if (base) {
      for (let i = 0; i < n; i++) {
        v0[i] = (v0[i] as number) - (base[i] as number);
        v1[i] = (v1[i] as number) - (base[i] as number);
      }
    }
    nuslerpInto(out, t, v0, v1, layout);
    if (base) for (let i = 0; i < n; i++) out[i] = (out[i] as number) + (base[i] as number);
  },
};
