import { dotAt, lastDimVectors, wholeTensor } from '../tensor/vector-math.js';
import type { MergeMethod } from './merge-method.js';
import { flag } from './parameter-schemas.js';

/**
 * Model Stock: from the mean cosine c between the fine-tuned models' offsets from the base (over all
 * pairs; per row when filter_wise), t = N·c / (1 + (N − 1)·c), and out = t · mean(models) + (1 − t) · base.
 */
export const modelStock: MergeMethod = {
  name: 'model_stock',
  prettyName: 'Model Stock',
  referenceUrl: 'https://arxiv.org/abs/2403.19522',
  baseModel: 'required',
  parameters: { filter_wise: flag(false, 'one interpolation factor per row instead of per tensor') },
  tensorParameters: {},
  checkModelCount: (count) =>
    count >= 2 ? undefined : `model_stock needs at least two models besides the base, found ${count}`,
  merge({ base, models, out, parameters, shape }) {
    if (!base) throw new Error('model_stock needs the base model');
    const n = out.length;
    const offsets = models.map((m) => m.values);
    const count = offsets.length;
    // Mean of the models first (into out), then offsets in place.
    out.fill(0);
    for (const x of offsets) for (let i = 0; i < n; i++) out[i] = (out[i] as number) + (x[i] as number) / count;
    for (const x of offsets) for (let i = 0; i < n; i++) x[i] = (x[i] as number) - (base[i] as number);
    const layout = parameters['filter_wise'] === true && shape.length >= 1 ? lastDimVectors(shape, n) : wholeTensor(n);
    for (let j = 0; j < layout.count; j++) {
      const offset = j * layout.start;
      const norms = offsets.map((x) => Math.sqrt(dotAt(x, x, offset, layout)));
      let cosSum = 0;
      let pairs = 0;
      for (let a = 0; a < count; a++) {
        for (let b = a + 1; b < count; b++) {
          const normProduct = Math.max((norms[a] as number) * (norms[b] as number), 1e-6);
          const cos = dotAt(offsets[a] as Float32Array, offsets[b] as Float32Array, offset, layout) / normProduct;
          cosSum += Math.min(1, Math.max(-1, cos));
          pairs++;
        }
      }
      const cos = cosSum / pairs;
      const t = (count * cos) / (1 + (count - 1) * cos);
      for (let i = 0, p = offset; i < layout.length; i++, p += layout.stride) {
        out[p] = t * (out[p] as number) + (1 - t) * (base[p] as number);
      }
    }
  },
};
