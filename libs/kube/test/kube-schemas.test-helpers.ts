import * as k8s from '@kubernetes/client-node';
import { Ajv, type ErrorObject } from 'ajv';
import type { KubeObject } from './chart.test-helpers.js';

/**
 * Validation of manifests as the API server would see them, without an API server:
 *
 * - built-in kinds: the JSON schemas `kubernetes-models` compiles from Kubernetes' OpenAPI (types,
 *   required fields, enums), plus an unknown-field check. Those schemas, like the OpenAPI they come
 *   from, accept any extra field, while `kubectl`/Helm send fieldValidation=Strict and the server
 *   then rejects a misspelt field; the field lists come from `@kubernetes/client-node`'s generated
 *   models (the same OpenAPI, one class per type with its attribute map).
 * - our own kinds: the CRD's openAPIV3Schema (Ajv, defaults applied first as the API server does),
 *   plus unknown fields judged the way a structural schema does (a field is unknown where `properties`
 *   are listed, `additionalProperties` is not and `x-kubernetes-preserve-unknown-fields` is not set).
 * - monitoring.coreos.com: `@kubernetes-models/prometheus-operator` (types and required fields only:
 *   its schemas carry no field lists).
 *
 * Any other kind is an error: a chart that starts rendering one must bring its schema here.
 */
export interface CustomResourceDefinition {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema: { openAPIV3Schema: SchemaNode } }[];
  };
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  [keyword: string]: unknown;
}

type ModelClass = (new (data: unknown) => { validate(): void }) | undefined;

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const module =
    group === 'monitoring.coreos.com'
      ? `@kubernetes-models/prometheus-operator/${group}/${version}`
      : `kubernetes-models/${group ? `${group}/` : ''}${version}`;
  try {
    const models = (await import(module)) as Record<string, ModelClass>;
    return models[kind];
  } catch {
    return undefined;
  }
}

function formatAjv(prefix: string, errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const detail =
      e.keyword === 'required'
        ? `missing required field "${(e.params as { missingProperty: string }).missingProperty}"`
        : e.keyword === 'enum'
          ? `${e.message}: ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`
          : (e.message ?? e.keyword);
    return `${prefix}${e.instancePath || '/'}: ${detail}`;
  });
}

type AttributeMap = readonly { baseName: string; type: string }[];
const models = k8s as unknown as Record<string, { attributeTypeMap?: AttributeMap } | undefined>;

/** Unknown fields against the client-node model `type` (a class name, Array<…>, { [key: string]: … }). */
function unknownBuiltinFields(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, i) => unknownBuiltinFields(item, array[1]!, `${path}/${i}`, out));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === 'object' && !Array.isArray(value))
      for (const [k, v] of Object.entries(value)) unknownBuiltinFields(v, map[1]!, `${path}/${k}`, out);
    return;
  }
  const attributes = models[type]?.attributeTypeMap;
  if (!attributes || typeof value !== 'object' || Array.isArray(value)) return; // scalars, IntOrString, any
  const known = new Map(attributes.map((a) => [a.baseName, a.type]));
  for (const [field, child] of Object.entries(value)) {
    const childType = known.get(field);
    if (childType === undefined) out.push(`${path}/${field}: unknown field "${field}" (not in ${type})`);
    else unknownBuiltinFields(child, childType, `${path}/${field}`, out);
  }
}

function modelClassName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop()!;
  return `${version[0]!.toUpperCase()}${version.slice(1)}${kind}`;
}

function unknownStructuralFields(value: unknown, schema: SchemaNode, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object' || schema['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => unknownStructuralFields(item, schema.items!, `${path}/${i}`, out));
    return;
  }
  for (const [field, child] of Object.entries(value)) {
    const property = schema.properties?.[field];
    if (property) unknownStructuralFields(child, property, `${path}/${field}`, out);
    else if (typeof schema.additionalProperties === 'object')
      unknownStructuralFields(child, schema.additionalProperties, `${path}/${field}`, out);
    else if (schema.properties && schema.additionalProperties !== true && !(path === '' && field === 'metadata'))
      out.push(`${path}/${field}: unknown field "${field}"`);
  }
}

// useDefaults: the API server applies a structural schema's defaults before it validates, so a
// required field with a default may be left out of a manifest.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });

/** OpenAPI 3.0 (what a CRD holds) → the JSON Schema Ajv validates: bounds, nullable, int-or-string. */
function toJsonSchema(node: SchemaNode): SchemaNode {
  const out: SchemaNode = { ...node };
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (out[exclusive] === true) {
      out[exclusive] = out[bound];
      delete out[bound];
    } else delete out[exclusive];
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'] as unknown as string;
  if (out['x-kubernetes-int-or-string'] === true) delete out.type;
  if (out.properties)
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, toJsonSchema(v)]));
  if (out.items) out.items = toJsonSchema(out.items);
  if (typeof out.additionalProperties === 'object') out.additionalProperties = toJsonSchema(out.additionalProperties);
  return out;
}

/** Every reason the API server would refuse `object`, as "Kind/name/json/pointer: message" lines. */
export async function kubernetesSchemaErrors(
  object: KubeObject,
  crds: readonly CustomResourceDefinition[] = [],
): Promise<string[]> {
  const { apiVersion, kind } = object;
  const prefix = `${kind}/${object.metadata?.name ?? '?'}`;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string')
    return [`${prefix}: apiVersion and kind are required`];
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const crd = crds.find((c) => c.spec.group === group && c.spec.names.kind === kind);
  if (crd) {
    const served = crd.spec.versions.find((v) => v.name === version && v.served);
    if (!served) return [`${prefix}: ${apiVersion} is not a served version of the ${kind} CRD`];
    const schema = served.schema.openAPIV3Schema;
    const validate = ajv.compile(toJsonSchema(schema));
    const errors = validate(structuredClone(object)) ? [] : formatAjv(prefix, validate.errors);
    unknownStructuralFields(object, schema, '', errors);
    return errors.map((e) => (e.startsWith(prefix) ? e : `${prefix}${e}`));
  }
  const Model = await modelFor(apiVersion, kind);
  if (!Model) return [`${prefix}: no schema for ${apiVersion} ${kind} (add one to kube-schemas.test-helpers.ts)`];
  const errors: string[] = [];
  try {
    new Model(object).validate();
  } catch (error) {
    const details = (error as { errors?: ErrorObject[] }).errors;
    errors.push(...(details ? formatAjv(prefix, details) : [`${prefix}: ${(error as Error).message}`]));
  }
  const className = modelClassName(apiVersion, kind);
  if (group !== 'monitoring.coreos.com') {
    if (!models[className]?.attributeTypeMap) errors.push(`${prefix}: no field list for ${className}`);
    const unknown: string[] = [];
    unknownBuiltinFields(object, className, '', unknown);
    errors.push(...unknown.map((e) => `${prefix}${e}`));
  }
  return errors;
}
