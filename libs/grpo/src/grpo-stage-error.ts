/** A GRPO stage failure; `permanent` ones (bad spec, missing input) cannot be fixed by a retry (exit 64). */
export class GrpoStageError extends Error {
  readonly permanent: boolean;

  constructor(message: string, options: { permanent?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GrpoStageError';
    this.permanent = options.permanent ?? false;
  }
}
