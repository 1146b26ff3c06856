import { taskVectorMethod } from './task-vector-merge.js';

export const breadcrumbsTies = taskVectorMethod({
  name: 'breadcrumbs_ties',
  prettyName: 'Model Breadcrumbs with TIES',
  referenceUrl: 'https://arxiv.org/abs/2312.06795',
  sparsification: 'magnitude_outliers',
  consensus: 'sum',
  defaultNormalize: false,
  defaultRescale: false,
});
