import { weightedSum } from '../tensor/weighted-sum.js';
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
    weightedSum(
      out,
      models.map((m) => m.values),
      weights.map((w) => w * scale),
    );
  },
};
