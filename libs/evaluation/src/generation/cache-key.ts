import { createHash } from 'node:crypto';
import type { GenerationPrompt, SamplingParams } from './generation-backend.js';

/** What makes two generations interchangeable: the same weights, adapter, item, prompt and sampling. */
export interface GenerationIdentity {
  modelHash: string;
  adapterHash: string | null;
  suite: string;
  suiteVersion: string;
  language: string;
  itemId: string;
  prompt: GenerationPrompt;
  params: SamplingParams;
  n: number;
}

/** JSON with object keys sorted, so equal identities hash equally whatever order fields were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The cache key of one item's n generations (sha256 hex). The prompt is part of it although the
 * suite version should change with any prompt change: a forgotten version bump must not serve stale
 * completions. `n` is part of it because a batched sampler's draws depend on the batch.
 */
export function generationCacheKey(identity: GenerationIdentity): string {
  return createHash('sha256')
    .update(canonicalJson({ v: 1, ...identity }))
    .digest('hex');
}
