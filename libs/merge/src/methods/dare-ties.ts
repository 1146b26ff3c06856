import { taskVectorMethod } from './task-vector-merge.js';

export const dareTies = taskVectorMethod({
  name: 'dare_ties',
  prettyName: 'DARE TIES',
  referenceUrl: 'https://arxiv.org/abs/2311.03099',
  sparsification: 'random',
  consensus: 'sum',
  defaultNormalize: false,
  defaultRescale: true,
});
