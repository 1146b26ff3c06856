import type { Static, TSchema } from '@sinclair/typebox';
import { FormatRegistry } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

// TypeBox knows no string formats until they are registered; these are the ones the contracts use.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
if (!FormatRegistry.Has('date-time'))
  FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));

/** One problem with one field: where (a JSON pointer such as `/spec/languages/2`) and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
  /** The offending value, when it is safe to show (never for fields named like secrets). */
  value?: unknown;
}

/**
 * Thrown when a value does not match its schema. Lists *every* bad field at once, so a user fixes a
 * run spec or a configuration in one round instead of one error per attempt.
 */
export class SchemaValidationError extends Error {
  override name = 'SchemaValidationError';
  readonly subject: string;
  readonly problems: readonly FieldProblem[];

  constructor(subject: string, problems: readonly FieldProblem[]) {
    super(
      `invalid ${subject}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
        problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n'),
    );
    this.subject = subject;
    this.problems = problems;
  }
}

const SECRET_FIELD = /pass(word)?|secret|token|key|credential/i;

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checkerFor<T extends TSchema>(schema: T): TypeCheck<T> {
  let checker = compiled.get(schema);
  if (!checker) {
    checker = TypeCompiler.Compile(schema);
    compiled.set(schema, checker);
  }
  return checker as TypeCheck<T>;
}

/**
 * Every problem with `value`, one per path: TypeBox reports a bad union member once per branch, and
 * a user wants to read the first (most specific) message only.
 */
export function findProblems<T extends TSchema>(schema: T, value: unknown): FieldProblem[] {
  const byPath = new Map<string, FieldProblem>();
  for (const error of checkerFor(schema).Errors(value)) {
    if (byPath.has(error.path)) continue;
    const lastSegment = error.path.split('/').pop() ?? '';
    const problem: FieldProblem = { path: error.path, message: error.message };
    if (!SECRET_FIELD.test(lastSegment) && (typeof error.value !== 'object' || error.value === null)) {
      problem.value = error.value;
    }
    byPath.set(error.path, problem);
  }
  // A parent's "expected union" error is noise when a child path already explains it.
  const paths = [...byPath.keys()];
  return [...byPath.values()].filter((p) => !paths.some((other) => other !== p.path && other.startsWith(`${p.path}/`)));
}

/** Returns `value` typed by `schema`, or throws one SchemaValidationError naming every bad field. */
export function validate<T extends TSchema>(schema: T, value: unknown, subject: string): Static<T> {
  if (checkerFor(schema).Check(value)) return value as Static<T>;
  throw new SchemaValidationError(subject, findProblems(schema, value));
}

export function isValid<T extends TSchema>(schema: T, value: unknown): value is Static<T> {
  return checkerFor(schema).Check(value);
}
