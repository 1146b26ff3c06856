import { Type } from '@sinclair/typebox';
import { sparsifyBernoulli, sparsifyByMagnitude, sparsifyMagnitudeOutliers } from '../tensor/sparsify.js';
import type { MergeMethod, MethodInput, ParameterDefinitions } from './merge-method.js';
import { densityParameter, flag, weightParameter } from './parameter-schemas.js';

export type Sparsification = 'magnitude' | 'random' | 'magnitude_outliers';
export type Consensus = 'sum' | 'count';

export interface TaskVectorMethodSpec {
  name: string;
  prettyName: string;
  referenceUrl: string;
  sparsification: Sparsification | undefined;
  consensus: Consensus | undefined;
  defaultNormalize: boolean;
  defaultRescale: boolean;
}

/**
 * mergekit's generalized task arithmetic, the shared math of task_arithmetic, TIES, DARE and
 * Breadcrumbs: task vectors δ_k = x_k − base are sparsified, weighted, optionally masked to the
 * elected sign, summed, optionally divided by the weight that took part, scaled by λ and added back:
 *
 *   out = base + λ · Σ_k m_k w_k δ_k / (normalize ? Σ_k m_k w_k : 1)
 *
 * Sign election ('sum', the TIES paper's): the sign of Σ_k w_k δ_k at each entry, ties counting as
 * positive; 'count' elects the sign most task vectors have. An entry of δ_k takes part (m_k = 1) only
 * when its sign equals the elected one, so zeros never count towards the divisor.
 */
export function taskVectorMethod(spec: TaskVectorMethodSpec): MergeMethod {
  const tensorParameters: ParameterDefinitions = {
    weight: weightParameter,
    density: densityParameter,
    ...(spec.sparsification === 'magnitude_outliers'
      ? {
          gamma: {
            schema: Type.Number({ minimum: 0, maximum: 1 }),
            default: 0.01,
            description: 'fraction of largest-magnitude entries dropped as outliers',
          },
        }
      : {}),
  };
  return {
    name: spec.name,
    prettyName: spec.prettyName,
    referenceUrl: spec.referenceUrl,
    baseModel: 'required',
    parameters: {
      normalize: flag(spec.defaultNormalize, 'divide by the sum of the weights that took part'),
      rescale: flag(spec.defaultRescale, 'rescale sparsified task vectors to their original L1 norm'),
      lambda: { schema: Type.Number(), default: 1, description: 'scale of the merged task vector' },
      int8_mask: flag(false, 'accepted for compatibility; masks are exact here whatever its value'),
    },
    tensorParameters,
    merge: (input) => mergeTaskVectors(spec, input),
  };
}

function mergeTaskVectors(spec: TaskVectorMethodSpec, input: MethodInput): void {
  const { base, models, out, parameters } = input;
  if (!base) throw new Error(`${spec.name} needs the base model's tensor`);
  const n = base.length;
  const weights = models.map((m) => m.parameters['weight'] as number);
  const rescale = parameters['rescale'] === true;
  // The task vectors replace the model tensors in their buffers: δ_k = w_k · sparsify(x_k − base).
  for (const [k, model] of models.entries()) {
    const delta = model.values;
    for (let i = 0; i < n; i++) delta[i] = (delta[i] as number) - (base[i] as number);
    const density = model.parameters['density'] as number;
    if (spec.sparsification === 'magnitude') sparsifyByMagnitude(delta, density, rescale);
    else if (spec.sparsification === 'random') sparsifyBernoulli(delta, density, input.random(k), rescale);
    else if (spec.sparsification === 'magnitude_outliers') {
      sparsifyMagnitudeOutliers(delta, density, model.parameters['gamma'] as number, rescale);
    }
    const w = weights[k] as number;
    for (let i = 0; i < n; i++) delta[i] = (delta[i] as number) * w;
  }
  const normalize = parameters['normalize'] === true;
  const lambda = parameters['lambda'] as number;
  const deltas = models.map((m) => m.values);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const plainDivisor = Math.abs(weightSum) < 1e-8 ? 1 : weightSum;
  for (let i = 0; i < n; i++) {
    let mixed = 0;
    let divisor: number;
    if (spec.consensus) {
      let vote = 0;
      for (const delta of deltas) {
        const d = delta[i] as number;
        vote += spec.consensus === 'sum' ? d : Math.sign(d);
      }
      const elected = vote >= 0 ? 1 : -1;
      divisor = 0;
      for (let k = 0; k < deltas.length; k++) {
        const d = (deltas[k] as Float32Array)[i] as number;
        if (Math.sign(d) === elected) {
          mixed += d;
          divisor += weights[k] as number;
        }
      }
      if (divisor === 0) divisor = 1;
    } else {
      for (const delta of deltas) mixed += delta[i] as number;
      divisor = plainDivisor;
    }
    if (normalize) mixed /= divisor;
    out[i] = (base[i] as number) + lambda * mixed;
  }
}
