import { runStageWorker } from '@xreason/workers';
import { SERVICE, STAGES } from './stages.js';

/**
 * `node dist/main.js stage`: runs the one stage its environment describes (STAGE_WORKER_ENV) and
 * exits with the verdict (STAGE_EXIT_CODES). A long-running mode taking StageCommands from Kafka
 * comes later; any other argument is a usage error.
 */
async function main(): Promise<number> {
  const mode = process.argv[2];
  if (mode !== 'stage') {
    console.error(`usage: node dist/main.js stage   (the ${SERVICE} stage worker; its stage comes from XREASON_* variables)`);
    return 64;
  }
  return runStageWorker({ service: SERVICE, stages: STAGES });
}

main().then(
  // Exit explicitly: the engine's thread pool and client sockets must not keep a finished worker alive.
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
