import { type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parseAllDocuments } from 'yaml';
import { SchemaValidationError, validate } from '../validation.js';
import { AlignmentRunSchema } from './alignment-run.types.js';
import { EvalScheduleSchema } from './eval-schedule.types.js';

export const RESOURCE_SCHEMAS = {
  AlignmentRun: AlignmentRunSchema,
  EvalSchedule: EvalScheduleSchema,
} as const;

export type ResourceKind = keyof typeof RESOURCE_SCHEMAS;
export type Resource = { [K in ResourceKind]: Static<(typeof RESOURCE_SCHEMAS)[K]> }[ResourceKind];

/**
 * Parses a `kubectl apply -f`-style file (YAML or JSON, several documents allowed) into validated
 * resources with schema defaults filled in. Every problem of every document is reported at once,
 * each prefixed with the document's index and the file name.
 */
export function parseManifests(text: string, source = 'manifest'): Resource[] {
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const resources: Resource[] = [];
  const problems: { path: string; message: string }[] = [];
  documents.forEach((document, index) => {
    const where = documents.length > 1 ? `document ${index + 1}` : '';
    if (document.errors.length > 0) {
      for (const error of document.errors) problems.push({ path: where, message: `YAML: ${error.message}` });
      return;
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return; // an empty document between separators
    try {
      resources.push(parseResource(value, where));
    } catch (error) {
      if (!(error instanceof SchemaValidationError)) throw error;
      for (const p of error.problems) problems.push({ path: `${where}${p.path}`, message: p.message });
    }
  });
  if (problems.length > 0) throw new SchemaValidationError(source, problems);
  if (resources.length === 0) throw new SchemaValidationError(source, [{ path: '', message: 'no resources found' }]);
  return resources;
}

export function parseResource(value: unknown, where = ''): Resource {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(RESOURCE_SCHEMAS, kind)) {
    throw new SchemaValidationError('resource', [
      { path: `${where}/kind`, message: `expected one of ${Object.keys(RESOURCE_SCHEMAS).join(', ')}`, value: kind },
    ]);
  }
  const schema: TSchema = RESOURCE_SCHEMAS[kind as ResourceKind];
  const withDefaults = Value.Default(schema, structuredClone(value));
  return validate(schema, withDefaults, `${kind}${where ? ` (${where})` : ''}`) as Resource;
}
