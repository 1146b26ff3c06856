import { PermanentStageError } from '../runtime/stage-error.js';
import type { StageFunction } from '../runtime/run-stage-worker.js';

/**
 * A training kind whose loop lives elsewhere or does not exist yet: exits 64 with a message saying
 * so, rather than 1, since a retry would fail the same way.
 */
export function notYetAvailable(kind: string, detail: string): StageFunction {
  return async () => {
    throw new PermanentStageError(
      'XREASON_STAGE_KIND',
      `stage kind ${JSON.stringify(kind)} is not available yet: ${detail}`,
    );
  };
}
