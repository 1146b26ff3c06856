import { taskVectorMethod } from './task-vector-merge.js';

export const taskArithmetic = taskVectorMethod({
  name: 'task_arithmetic',
  prettyName: 'Task Arithmetic',
  referenceUrl: 'https://arxiv.org/abs/2212.04089',
  sparsification: undefined,
  consensus: undefined,
  defaultNormalize: false,
  defaultRescale: false,
});
