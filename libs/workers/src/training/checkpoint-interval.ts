import { PermanentStageError } from '../runtime/stage-error.js';

/** Steps between checkpoints of a training stage (SFT, GRPO); the runtime may set it per stage. */
export const CHECKPOINT_INTERVAL_ENV = 'XREASON_CHECKPOINT_INTERVAL';

/** The interval from the environment, else `fallback`; anything but a positive integer is a permanent error. */
export function checkpointInterval<F extends number | undefined>(fallback: F): number | F {
  const text = process.env[CHECKPOINT_INTERVAL_ENV];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new PermanentStageError(CHECKPOINT_INTERVAL_ENV, `${JSON.stringify(text)} is not a positive integer`);
  return value;
}
