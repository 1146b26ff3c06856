import * as fs from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { PermanentStageError } from './stage-error.js';
import type { StageOutputs } from './stage-outputs.js';

/**
 * A model or data URI from the spec as a local path: `file:///abs`, `artifact://<path under the
 * artifact root>`, or a plain path. The directory must exist.
 */
export function resolveUri(uri: string, artifactRoot: string, field: string): string {
  let path: string;
  if (uri.startsWith('file://')) path = decodeURIComponent(new URL(uri).pathname);
  else if (uri.startsWith('artifact://')) path = join(artifactRoot, uri.slice('artifact://'.length));
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri))
    throw new PermanentStageError(
      field,
      `unsupported URI scheme in ${JSON.stringify(uri)} (file://, artifact:// or a path)`,
    );
  else path = isAbsolute(uri) ? uri : resolve(uri);
  if (!fs.existsSync(path)) throw new PermanentStageError(field, `${path} does not exist`);
  return path;
}

/** The one value of `key` among the upstream stages' outputs; `undefined` when none has it. */
export function findUpstreamOutput(upstream: ReadonlyMap<string, StageOutputs>, key: string): string | undefined {
  for (const outputs of upstream.values()) {
    const value = outputs[key];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Every output whose key starts with `prefix`, from every upstream stage (first one wins per key). */
export function upstreamOutputsWithPrefix(
  upstream: ReadonlyMap<string, StageOutputs>,
  prefix: string,
): Record<string, string> {
  const found: Record<string, string> = {};
  for (const outputs of upstream.values())
    for (const [key, value] of Object.entries(outputs))
      if (key.startsWith(prefix) && !(key in found)) found[key] = value;
  return found;
}

/** `synthetic://world?count=40&seed=3`: the synthetic world with its parameters, or undefined for another URI. */
export function syntheticWorldParams(uri: string, field: string): URLSearchParams | undefined {
  if (!uri.startsWith('synthetic://')) return undefined;
  const url = new URL(uri);
  if (url.host !== 'world')
    throw new PermanentStageError(
      field,
      `unknown synthetic source ${JSON.stringify(url.host)}; the one there is synthetic://world`,
    );
  return url.searchParams;
}

/** An integer URI parameter, with its default; a bad value names the field and parameter. */
export function intParam(params: URLSearchParams | undefined, name: string, fallback: number, field: string): number {
  const text = params?.get(name);
  if (text === null || text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new PermanentStageError(field, `parameter ${name}=${JSON.stringify(text)} must be a positive integer`);
  return value;
}
