import { stageWorkerMain } from '@xreason/workers';
import { SERVICE, STAGES } from './stages.js';

// `node dist/main.js stage`: the stage-worker contract (docs/architecture.md, "Stage workers").
stageWorkerMain({ service: SERVICE, stages: STAGES });
