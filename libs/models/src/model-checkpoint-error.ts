/**
 * A checkpoint or adapter directory that cannot become a model: unknown architecture, a config field
 * out of range, a tensor missing or of the wrong shape. The message starts with the file and names the
 * field or tensor, so a user can fix the directory without a debugger.
 */
export class ModelCheckpointError extends Error {
  override name = 'ModelCheckpointError';

  constructor(
    /** The file at fault, or the option name when the problem is in what the caller passed. */
    readonly file: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${detail}`, options);
  }
}
