import { type TSchema } from '@sinclair/typebox';

type JsonSchema = Record<string, unknown>;

/**
 * Turns a TypeBox schema into a Kubernetes *structural* OpenAPI v3 schema, the form a CRD's
 * `openAPIV3Schema` must take: every node has a `type`; unions of string literals become `enum`;
 * records become `additionalProperties`; unknown values keep their fields via
 * `x-kubernetes-preserve-unknown-fields`; intersections of objects are flattened; and the keywords the
 * API server rejects (`additionalProperties: false`, `uniqueItems`, `$id`, …) are dropped or mapped.
 * Bounds take OpenAPI 3.0's form: TypeBox writes `exclusiveMinimum: 0` (JSON Schema draft 6+), while
 * the API server's JSONSchemaProps has `exclusiveMinimum` as a boolean beside `minimum` and refuses
 * the whole CRD when it finds a number there.
 */
export function toStructuralSchema(schema: TSchema): JsonSchema {
  return convert(JSON.parse(JSON.stringify(schema)) as JsonSchema);
}

const KEPT_KEYWORDS = [
  'description',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'enum',
] as const;

function convert(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  const literalUnion = stringLiteralUnion(node);
  if (literalUnion) {
    out.type = 'string';
    out.enum = literalUnion;
  } else if ('const' in node) {
    out.type = typeof node.const;
    out.enum = [node.const];
  } else if (Array.isArray(node.allOf)) {
    return mergeObjects((node.allOf as JsonSchema[]).map(convert), node);
  } else if (Array.isArray(node.anyOf) || node.type === undefined) {
    // A union of shapes or an unconstrained value: the API server keeps it as it is.
    out['x-kubernetes-preserve-unknown-fields'] = true;
  } else {
    out.type = node.type;
  }
  for (const keyword of KEPT_KEYWORDS) if (keyword in node && !(keyword in out)) out[keyword] = node[keyword];
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[exclusive] !== 'number') continue;
    out[bound] = out[exclusive];
    out[exclusive] = true;
  }
  if (node.type === 'object') {
    if (node.properties) {
      out.properties = Object.fromEntries(
        Object.entries(node.properties as Record<string, JsonSchema>).map(([k, v]) => [k, convert(v)]),
      );
      if (Array.isArray(node.required) && node.required.length > 0) out.required = node.required;
    }
    const pattern = node.patternProperties as Record<string, JsonSchema> | undefined;
    if (pattern) out.additionalProperties = convert(Object.values(pattern)[0] as JsonSchema);
    else if (node.additionalProperties === true) out['x-kubernetes-preserve-unknown-fields'] = true;
    else if (typeof node.additionalProperties === 'object')
      out.additionalProperties = convert(node.additionalProperties as JsonSchema);
  }
  if (node.type === 'array' && node.items) {
    out.items = convert(node.items as JsonSchema);
    if (node.uniqueItems === true) out['x-kubernetes-list-type'] = 'set';
  }
  return out;
}

function stringLiteralUnion(node: JsonSchema): string[] | undefined {
  if (!Array.isArray(node.anyOf)) return undefined;
  const values = (node.anyOf as JsonSchema[]).map((branch) => branch.const);
  return values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

function mergeObjects(parts: JsonSchema[], node: JsonSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required = new Set<string>();
  for (const part of parts) {
    Object.assign(properties, part.properties as Record<string, JsonSchema> | undefined);
    for (const r of (part.required as string[] | undefined) ?? []) required.add(r);
  }
  const merged: JsonSchema = { type: 'object', properties };
  if (required.size > 0) merged.required = [...required];
  if (typeof node.description === 'string') merged.description = node.description;
  return merged;
}
