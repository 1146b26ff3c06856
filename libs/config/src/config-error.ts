import { SchemaValidationError, type FieldProblem } from '@xreason/contracts';

/** One bad configuration field: where it is, what is wrong, and which source supplied the value. */
export interface ConfigProblem extends FieldProblem {
  /** `env PORT`, `file /etc/xreason/operator.yaml`, `default`, or `unset` when no source gave a value. */
  source: string;
  /** The field's value must not be shown (a secret); `value` is then absent. */
  secret?: boolean;
  /** What the user can do, e.g. which variable or file key sets a missing field. */
  hint?: string;
}

/**
 * A configuration that cannot be used. Like its parent it lists every problem at once, and adds the
 * source of each bad value so the user knows whether to fix the environment, the file or the code.
 * Values of secret fields are never part of the message or of `problems`.
 */
export class ConfigError extends SchemaValidationError {
  override name = 'ConfigError';
  declare readonly problems: readonly ConfigProblem[];

  constructor(subject: string, problems: readonly ConfigProblem[]) {
    super(subject, problems);
    this.message =
      `invalid ${subject}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
      problems.map((p) => `  - ${describeProblem(p)}`).join('\n');
  }
}

function describeProblem(p: ConfigProblem): string {
  let origin = p.source === 'unset' ? 'unset' : `from ${p.source}`;
  if (p.secret) origin += ', value hidden';
  else if (p.value !== undefined) origin += ` = ${JSON.stringify(p.value)}`;
  return `${p.path || '(root)'}: ${p.message} (${origin}${p.hint ? `; ${p.hint}` : ''})`;
}
