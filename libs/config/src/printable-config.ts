import type { TObject } from '@sinclair/typebox';
import { configLeaves, type ConfigOf } from './config-schema.js';

/**
 * A copy of `config` safe to log at start-up: every secret field that has a value (marked `secret`,
 * under a secret parent, or named like one) reads `[redacted]`.
 */
export function printableConfig<T extends TObject>(schema: T, config: ConfigOf<T>): Record<string, unknown> {
  const copy = copyPlain(config) as Record<string, unknown>;
  for (const leaf of configLeaves(schema)) {
    if (!leaf.secret) continue;
    let node: Record<string, unknown> | undefined = copy;
    for (const segment of leaf.segments.slice(0, -1)) {
      const next: unknown = node?.[segment];
      node = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : undefined;
    }
    const key = leaf.segments[leaf.segments.length - 1]!;
    if (node && node[key] !== undefined) node[key] = '[redacted]';
  }
  return copy;
}

/** Copies plain objects and arrays; anything a transform decoded (URL, Date) is kept as is. */
function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyPlain(v)]));
  }
  return value;
}
