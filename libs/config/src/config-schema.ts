import { Kind, OptionalKind, type StaticDecode, type TObject, type TSchema } from '@sinclair/typebox';

/**
 * Keywords a configuration schema may carry beside TypeBox's own (TypeBox keeps unknown options on
 * the schema object, so `Type.Integer({ env: 'PORT', default: 8080 })` needs no wrapper).
 */
export interface ConfigFieldOptions {
  /** The environment variable that sets this field; it wins over the file and the default. */
  env?: string;
  /** Never print this field's value (in errors or summaries); names like `password`/`token` are secret anyway. */
  secret?: boolean;
}

/** The validated, decoded configuration a schema describes. */
export type ConfigOf<T extends TSchema> = StaticDecode<T>;

/** One field that is not itself an object of fields: what the environment and coercion act on. */
export interface ConfigLeaf {
  /** Property names from the root, e.g. `['http', 'port']`. */
  segments: readonly string[];
  /** JSON pointer, the path format of every problem (`/http/port`). */
  pointer: string;
  schema: TSchema;
  env?: string;
  secret: boolean;
  required: boolean;
}

/** Field names whose values are never printed, whatever the schema says. */
export const SECRET_NAME = /pass(word|wd)?|secret|token|key|credential/i;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isObjectSchema(schema: TSchema): schema is TObject {
  return schema[Kind] === 'Object';
}

/** An object whose keys are all declared: the file may not add keys to it (typos must not pass silently). */
export function isClosedObject(schema: TSchema): schema is TObject {
  return isObjectSchema(schema) && (schema.additionalProperties === undefined || schema.additionalProperties === false);
}

export function isOptionalProperty(parent: TObject, key: string): boolean {
  const child = parent.properties[key];
  return child?.[OptionalKind] === 'Optional' || !(parent.required ?? []).includes(key);
}

export function toPointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Every leaf field, depth first, in declaration order. */
export function configLeaves(schema: TObject): ConfigLeaf[] {
  const leaves: ConfigLeaf[] = [];
  const walk = (node: TObject, prefix: readonly string[], inheritedSecret: boolean, parentRequired: boolean) => {
    for (const [key, child] of Object.entries(node.properties)) {
      const segments = [...prefix, key];
      const secret = inheritedSecret || child['secret'] === true || SECRET_NAME.test(key);
      const required = parentRequired && !isOptionalProperty(node, key);
      if (isObjectSchema(child)) {
        walk(child, segments, secret, required);
        continue;
      }
      const env = typeof child['env'] === 'string' ? (child['env'] as string) : undefined;
      leaves.push({ segments, pointer: toPointer(segments), schema: child, env, secret, required });
    }
  };
  walk(schema, [], schema['secret'] === true, true);
  return leaves;
}

/**
 * The schema node at `pointer` and whether any node on the way is secret; undefined when the path
 * leaves the declared fields.
 */
export function schemaAt(root: TObject, pointer: string): { schema: TSchema; secret: boolean } | undefined {
  let node: TSchema = root;
  let secret = root['secret'] === true;
  for (const segment of fromPointer(pointer)) {
    if (isObjectSchema(node)) {
      const child: TSchema | undefined = node.properties[segment];
      if (!child) return undefined;
      node = child;
    } else if (node[Kind] === 'Array' && /^\d+$/.test(segment)) {
      node = node['items'] as TSchema;
    } else {
      return undefined;
    }
    secret ||= node['secret'] === true || SECRET_NAME.test(segment);
  }
  return { schema: node, secret };
}

const checked = new WeakSet<TSchema>();

/**
 * Declares a service's configuration schema. Returns it unchanged (for typing and reuse) after
 * checking what would otherwise fail confusingly at load time: the root is an object and no two
 * fields claim the same environment variable.
 */
export function defineConfig<T extends TObject>(schema: T): T {
  if (checked.has(schema)) return schema;
  if (!isObjectSchema(schema)) throw new TypeError('defineConfig: the configuration schema must be a Type.Object');
  const claimed = new Map<string, string>();
  for (const leaf of configLeaves(schema)) {
    if (leaf.env === undefined) continue;
    if (!ENV_NAME.test(leaf.env)) {
      throw new TypeError(
        `defineConfig: ${leaf.pointer} declares env "${leaf.env}", which is not a valid variable name`,
      );
    }
    const other = claimed.get(leaf.env);
    if (other !== undefined) {
      throw new TypeError(`defineConfig: env ${leaf.env} is claimed by both ${other} and ${leaf.pointer}`);
    }
    claimed.set(leaf.env, leaf.pointer);
  }
  checked.add(schema);
  return schema;
}
