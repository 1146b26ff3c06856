import { taskVectorMethod } from './task-vector-merge.js';

export const breadcrumbs = taskVectorMethod({
  name: 'breadcrumbs',
  prettyName: 'Model Breadcrumbs',
  referenceUrl: 'https://arxiv.org/abs/2312.06795',
  sparsification: 'magnitude_outliers',
  consensus: undefined,
  defaultNormalize: false,
  defaultRescale: false,
});
