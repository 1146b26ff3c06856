import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Kind, type TObject, type TSchema } from '@sinclair/typebox';
import { TransformDecodeError, Value } from '@sinclair/typebox/value';
import { closestNames, findProblems } from '@xreason/contracts';
import { parse as parseYaml } from 'yaml';
import { coerceEnvValue } from './coerce.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import {
  configLeaves,
  defineConfig,
  isClosedObject,
  isObjectSchema,
  isOptionalProperty,
  schemaAt,
  toPointer,
  type ConfigOf,
} from './config-schema.js';

/** The variable that names the configuration file when `file` is not passed. */
export const CONFIG_FILE_ENV = 'XREASON_CONFIG_FILE';

export interface LoadConfigOptions {
  /** Names what is being configured in errors, e.g. `operator configuration`. */
  subject: string;
  /** Defaults to `process.env`. Tests pass a plain object. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A YAML or JSON file; defaults to `$XREASON_CONFIG_FILE` when that is set. Relative paths resolve against the cwd. */
  file?: string;
}

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a service's configuration: schema defaults, then the file, then the environment (each
 * overriding the one before), coerces environment strings to the schema's types and validates the
 * result. Every problem — unreadable file, unknown file keys, bad or missing values — is reported
 * together in one ConfigError that names each field's path and source.
 */
export function loadConfig<T extends TObject>(schema: T, options: LoadConfigOptions): ConfigOf<T> {
  defineConfig(schema);
  const env = options.env ?? process.env;
  const problems: ConfigProblem[] = [];
  const sources = new Map<string, string>();

  // 1. Defaults. Nested objects are always materialised so the file and env can fill them in.
  const value = defaultsOf(schema, [], sources) as Json;

  // 2. The file.
  const fileOption = options.file ?? nonEmpty(env[CONFIG_FILE_ENV]);
  if (fileOption !== undefined) {
    const path = resolve(fileOption);
    const source = `file ${path}`;
    const data = readConfigFile(path);
    if (data instanceof Error) {
      problems.push({ path: '', message: data.message, source });
    } else if (data !== undefined && data !== null) {
      if (!isPlainObject(data)) {
        problems.push({ path: '', message: 'the file must hold a mapping of configuration keys', source });
      } else {
        problems.push(...unknownKeys(schema, data, [], source));
        mergeFile(value, stripUnknown(schema, data), [], source, sources);
      }
    }
  }

  // 3. The environment. An empty variable counts as unset (Kubernetes renders absent values as "").
  for (const leaf of configLeaves(schema)) {
    if (leaf.env === undefined) continue;
    const raw = nonEmpty(env[leaf.env]);
    if (raw === undefined) continue;
    const parent = containerFor(value, leaf.segments);
    if (!parent) continue; // the file put a non-object on the way; that is reported below
    parent[leaf.segments[leaf.segments.length - 1]!] = coerceEnvValue(leaf.schema, raw);
    sources.set(leaf.pointer, `env ${leaf.env}`);
  }

  pruneEmptyOptionalObjects(schema, value, [], sources);

  for (const problem of findProblems(schema, value)) {
    problems.push(describe(schema, problem.path, problem.message, problem.value, sources));
  }
  if (problems.length > 0) throw new ConfigError(options.subject, problems);

  try {
    return Value.Decode(schema, value) as ConfigOf<T>;
  } catch (error) {
    // A transform (e.g. resolving a path) rejected a value that has the right type.
    if (error instanceof TransformDecodeError) {
      const cause = error.error instanceof Error ? error.error.message : String(error.error);
      throw new ConfigError(options.subject, [describe(schema, error.path, cause, error.value, sources)]);
    }
    throw error;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return new Error(code === 'ENOENT' ? 'the configuration file does not exist' : `cannot read the file (${code})`);
  }
  try {
    // JSON.parse for .json gives JSON's own error positions; YAML 1.2 reads everything else (and JSON).
    return extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    return new Error(`cannot parse the file: ${(error as Error).message.split('\n')[0]}`);
  }
}

function defaultsOf(schema: TSchema, segments: string[], sources: Map<string, string>): unknown {
  if (isObjectSchema(schema) && schema['default'] === undefined) {
    const result: Json = {};
    for (const [key, child] of Object.entries(schema.properties)) {
      const childValue = defaultsOf(child, [...segments, key], sources);
      if (childValue !== undefined) result[key] = childValue;
    }
    return result;
  }
  if (schema['default'] === undefined) return undefined;
  sources.set(toPointer(segments), 'default');
  return structuredClone(schema['default']);
}

function unknownKeys(schema: TSchema, data: Json, segments: string[], source: string): ConfigProblem[] {
  if (!isClosedObject(schema)) return [];
  const problems: ConfigProblem[] = [];
  const known = Object.keys(schema.properties);
  for (const [key, child] of Object.entries(data)) {
    const childSchema = schema.properties[key];
    if (childSchema === undefined) {
      const guesses = closestNames(key, known);
      problems.push({
        path: toPointer([...segments, key]),
        message: 'unknown key',
        source,
        // Never echo the value: a misspelt `pasword` still holds a password.
        hint:
          guesses.length > 0
            ? `did you mean ${guesses.map((g) => `"${g}"`).join(' or ')}?`
            : `known keys: ${known.join(', ')}`,
      });
    } else if (isPlainObject(child)) {
      problems.push(...unknownKeys(childSchema, child, [...segments, key], source));
    }
  }
  return problems;
}

function stripUnknown(schema: TSchema, data: Json): Json {
  if (!isClosedObject(schema)) return data;
  const result: Json = {};
  for (const [key, child] of Object.entries(data)) {
    const childSchema = schema.properties[key];
    if (childSchema === undefined) continue;
    result[key] = isPlainObject(child) ? stripUnknown(childSchema, child) : child;
  }
  return result;
}

function mergeFile(target: Json, data: Json, segments: string[], source: string, sources: Map<string, string>): void {
  for (const [key, child] of Object.entries(data)) {
    const path = [...segments, key];
    const existing = target[key];
    if (isPlainObject(child) && isPlainObject(existing)) {
      mergeFile(existing, child, path, source, sources);
    } else {
      target[key] = child;
      markSubtree(path, source, sources);
    }
  }
}

function markSubtree(segments: string[], source: string, sources: Map<string, string>): void {
  const pointer = toPointer(segments);
  for (const key of [...sources.keys()]) if (key.startsWith(`${pointer}/`)) sources.delete(key);
  sources.set(pointer, source);
}

function containerFor(root: Json, segments: readonly string[]): Json | undefined {
  let node: Json = root;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (next === undefined) {
      const created: Json = {};
      node[segment] = created;
      node = created;
    } else if (isPlainObject(next)) {
      node = next;
    } else {
      return undefined;
    }
  }
  return node;
}

/** An optional section nobody configured is absent, not an empty object that fails its required fields. */
function pruneEmptyOptionalObjects(
  schema: TSchema,
  value: Json,
  segments: string[],
  sources: Map<string, string>,
): void {
  if (!isObjectSchema(schema)) return;
  for (const [key, child] of Object.entries(schema.properties)) {
    const childValue = value[key];
    if (!isObjectSchema(child) || !isPlainObject(childValue)) continue;
    const path = [...segments, key];
    pruneEmptyOptionalObjects(child, childValue, path, sources);
    if (Object.keys(childValue).length === 0 && isOptionalProperty(schema, key) && !sources.has(toPointer(path))) {
      delete value[key];
    }
  }
}

function describe(
  schema: TObject,
  path: string,
  message: string,
  value: unknown,
  sources: Map<string, string>,
): ConfigProblem {
  const node = schemaAt(schema, path);
  const secret = node?.secret ?? false;
  const problem: ConfigProblem = {
    path,
    message: improveMessage(node?.schema, message),
    source: sourceOf(path, sources),
  };
  if (secret) problem.secret = true;
  else if (value !== undefined && (typeof value !== 'object' || value === null)) problem.value = value;
  if (problem.source === 'unset' && node) problem.hint = howToSet(path, node.schema);
  return problem;
}

/** The source of the value at `path`, or of the nearest ancestor that was set as a whole. */
function sourceOf(path: string, sources: Map<string, string>): string {
  for (let p = path; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const source = sources.get(p);
    if (source !== undefined) return source;
    if (p === '') return 'unset';
  }
}

function howToSet(path: string, schema: TSchema): string {
  const fileKey = path.slice(1).replaceAll('/', '.');
  return typeof schema['env'] === 'string'
    ? `set env ${schema['env']} or ${fileKey} in the file`
    : `set ${fileKey} in the file`;
}

/** TypeBox says "Expected union value" for a bad enum; the user needs the allowed values. */
function improveMessage(schema: TSchema | undefined, message: string): string {
  if (schema?.[Kind] !== 'Union') return message;
  const members = schema['anyOf'] as TSchema[];
  if (!members.every((m) => m[Kind] === 'Literal')) return message;
  return `expected one of ${members.map((m) => JSON.stringify(m['const'])).join(', ')}`;
}
