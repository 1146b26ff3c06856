import { taskVectorMethod } from './task-vector-merge.js';

export const ties = taskVectorMethod({
  name: 'ties',
  prettyName: 'TIES',
  referenceUrl: 'https://arxiv.org/abs/2306.01708',
  sparsification: 'magnitude',
  consensus: 'sum',
  defaultNormalize: true,
  defaultRescale: false,
});
