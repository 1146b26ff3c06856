import type { MergeMethod } from './merge-method.js';
import { flag, weightParameter } from './parameter-schemas.js';

/** Weighted average of the models (a "model soup"): Σ w_k x_k, divided by Σ w_k when normalising. */
export const linear: MergeMethod = {
  name: 'linear',
  prettyName: 'Linear',
  referenceUrl: 'https://arxiv.org/abs/2203.05482',
  baseModel: 'unused',
  parameters: { normalize: flag(true, 'divide by the sum of the weights') },
  tensorParameters: { weight: weightParameter },
  merge({ models, out, parameters, tensorName }) {
    const weights = models.map((m) => m.parameters['weight'] as number);
    let scale = 1;
    if (parameters['normalize'] === true) {
      const sum = weights.reduce((a, b) => a + b, 0);
      if (sum === 0) throw new Error(`linear: weights of ${tensorName} sum to 0; set normalize: false or change them`);
      scale = 1 / sum;
    }
    out.fill(0);
    for (const [k, model] of models.entries()) {
      const w = (weights[k] as number) * scale;
      const x = model.values;
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + w * (x[i] as number);
    }
  },
};
