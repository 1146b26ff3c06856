import { BadRequestException } from '@nestjs/common';
import { type Resource, type ResourceKind, SchemaValidationError, parseManifests } from '@xreason/contracts';

/** Manifests may be posted as YAML (main.ts parses these content types as text for the controllers). */
export const MANIFEST_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

/** Where each kind is applied over REST (what the 400 for a kind posted to the wrong place points at). */
export const KIND_ENDPOINTS: Record<ResourceKind, string> = {
  AlignmentRun: '/api/v1/runs',
  EvalSchedule: '/api/v1/evalschedules',
};

/**
 * A manifest body of one kind: a YAML body arrives as text, a JSON one already parsed; both go through
 * the manifest parser, and every bad field is a 400 naming its path.
 */
export function parseManifestBody<K extends ResourceKind>(body: unknown, kind: K): Extract<Resource, { kind: K }>[] {
  const text =
    typeof body === 'string'
      ? body
      : body && typeof body === 'object' && Object.keys(body).length > 0
        ? JSON.stringify(body)
        : '';
  if (!text.trim())
    throw new BadRequestException({
      message: `the request body must be an ${kind} manifest (YAML with Content-Type application/yaml, or JSON)`,
    });
  let resources: Resource[];
  try {
    resources = parseManifests(text, 'manifest');
  } catch (error) {
    if (error instanceof SchemaValidationError)
      throw new BadRequestException({ message: error.message, problems: error.problems });
    throw error;
  }
  const others = resources.filter((r) => r.kind !== kind);
  if (others.length > 0)
    throw new BadRequestException({
      message: `only ${kind} resources can be applied here (got ${others
        .map((r) => `${r.kind}, applied at ${KIND_ENDPOINTS[r.kind]}`)
        .join('; ')})`,
    });
  return resources as Extract<Resource, { kind: K }>[];
}
