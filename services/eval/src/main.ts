import { STAGE_EXIT_CODES } from '@xreason/contracts';
import { runScheduledNightWorker, stageWorkerMain } from '@xreason/workers';
import { SERVICE, STAGES } from './stages.js';

// `node dist/main.js stage`: the stage-worker contract (docs/architecture.md, "Stage workers").
// `node dist/main.js schedule`: one firing of an EvalSchedule (EVAL_SCHEDULE_ENV in contracts), as a
// CronJob's pod runs it in a cluster and the local operator's schedule runner runs it locally.
if (process.argv[2] === 'schedule') {
  runScheduledNightWorker().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(STAGE_EXIT_CODES.failed);
    },
  );
} else {
  stageWorkerMain({ service: SERVICE, stages: STAGES });
}
