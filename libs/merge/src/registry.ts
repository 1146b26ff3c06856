import { Registry } from '@xreason/contracts';
import { breadcrumbs } from './methods/breadcrumbs.js';
import { breadcrumbsTies } from './methods/breadcrumbs-ties.js';
import { dareLinear } from './methods/dare-linear.js';
import { dareTies } from './methods/dare-ties.js';
import { linear } from './methods/linear.js';
import type { MergeMethod } from './methods/merge-method.js';
import { modelStock } from './methods/model-stock.js';
import { nuslerp } from './methods/nuslerp.js';
import { passthrough } from './methods/passthrough.js';
import { slerp } from './methods/slerp.js';
import { taskArithmetic } from './methods/task-arithmetic.js';
import { ties } from './methods/ties.js';

/** Every merge method, by mergekit's `merge_method` name. */
export const MERGE_METHODS = new Registry<MergeMethod>('merge method', [
  linear,
  taskArithmetic,
  ties,
  dareTies,
  dareLinear,
  breadcrumbs,
  breadcrumbsTies,
  slerp,
  nuslerp,
  modelStock,
  passthrough,
]).freeze();
