// The rollout and reward services' NestJS side, apart from the library's root so that the trainer and
// the tests load no HTTP framework: import from '@xreason/grpo/service'.
export { GrpoWorkerConfigSchema, grpoWorkerMain } from './grpo-worker-main.js';
export { GrpoWorkerModule } from './grpo-worker.module.js';
export { GRPO_WORKER_OPTIONS, GrpoWorkerService, type GrpoWorkerOptions } from './grpo-worker.service.js';
