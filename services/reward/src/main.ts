/**
 * The GRPO reward worker as its own process (cluster mode; locally the trainer runs it in-process).
 * Environment: KAFKA_BROKERS, and XREASON_GRPO_STAGE_DIR or the stage-worker variables that locate the
 * GRPO stage's output directory (libs/grpo GRPO_WORKER_ENV). Exit codes follow the stage-worker contract.
 */
import { STAGE_EXIT_CODES } from '@xreason/contracts';
import { GrpoStageError, runStandaloneWorker } from '@xreason/grpo';

try {
  await runStandaloneWorker('reward');
  process.exit(STAGE_EXIT_CODES.succeeded);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(
    error instanceof GrpoStageError && error.permanent ? STAGE_EXIT_CODES.permanentFailure : STAGE_EXIT_CODES.failed,
  );
}
