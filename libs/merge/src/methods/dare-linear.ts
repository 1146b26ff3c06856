import { taskVectorMethod } from './task-vector-merge.js';

export const dareLinear = taskVectorMethod({
  name: 'dare_linear',
  prettyName: 'Linear DARE',
  referenceUrl: 'https://arxiv.org/abs/2311.03099',
  sparsification: 'random',
  consensus: undefined,
  defaultNormalize: false,
  defaultRescale: true,
});
