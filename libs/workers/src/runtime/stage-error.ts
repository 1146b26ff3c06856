import { RegistryError, STAGE_EXIT_CODES, SchemaValidationError } from '@xreason/contracts';
import { DatasetError } from '@xreason/datasets';
import { EngineInputError } from '@xreason/engine';
import { MergeError } from '@xreason/merge';
import { ModelCheckpointError } from '@xreason/models';
import { TokenizerError } from '@xreason/tokenizer';

/**
 * A failure that retrying cannot fix: a bad environment variable, a bad spec field, missing or
 * malformed inputs. `field` names what to correct (an environment variable, a JSON pointer into the
 * run spec, or an input file).
 */
export class PermanentStageError extends Error {
  constructor(
    readonly field: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${field}: ${message}`, options);
    this.name = 'PermanentStageError';
  }
}

/**
 * The verdict for an error (STAGE_EXIT_CODES): bad spec or data → 64, never retried; anything else
 * (a crash, a lost connection, a full disk) → 1, retried with backoff. Errors of the domain libraries
 * that describe their input (a checkpoint whose tensor has the wrong shape, a merge config with an
 * unknown key) are permanent; their I/O errors are not.
 */
export function exitCodeFor(error: unknown): number {
  return isPermanent(error) ? STAGE_EXIT_CODES.permanentFailure : STAGE_EXIT_CODES.failed;
}

export function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentStageError) return true;
  if (error instanceof SchemaValidationError) return true;
  if (error instanceof RegistryError) return true;
  if (error instanceof DatasetError) return true;
  if (error instanceof EngineInputError) return true;
  if (error instanceof ModelCheckpointError) return true;
  if (error instanceof TokenizerError) return true;
  if (error instanceof MergeError) return error.code !== 'io';
  return false;
}
