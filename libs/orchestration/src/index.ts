export * from './dag/stage-dag.js';
export * from './dag/compile-recipe.js';
export * from './seams/run-store.js';
export * from './seams/workload-runtime.js';
export * from './controllers/conditions.js';
export * from './controllers/plan-run.js';
export * from './controllers/alignment-run.reconciler.js';
export * from './memory/memory-seams.js';
