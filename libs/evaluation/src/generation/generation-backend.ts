import type { LanguageCode } from '@xreason/contracts';
import type { ChatMessage } from '@xreason/tokenizer';

/** What the model is given: token ids as they are, a rendered text, or chat messages the backend renders with its template. */
export type GenerationPrompt =
  { kind: 'tokens'; tokenIds: number[] } | { kind: 'text'; text: string } | { kind: 'chat'; messages: ChatMessage[] };

/** Sampling parameters; part of the cache key, so two runs with equal parameters share generations. */
export interface SamplingParams {
  /** 0 = greedy. */
  temperature: number;
  topP: number;
  maxTokens: number;
  seed: number;
}

export interface GenerationRequest {
  /** The benchmark item; a replayed sample is found by (itemId, language). */
  itemId: string;
  language: LanguageCode;
  prompt: GenerationPrompt;
  /** Completions wanted for this prompt. */
  n: number;
  params: SamplingParams;
}

export const FINISH_REASONS = ['stop', 'length'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/** One sampled completion. `logprobs[i]` is log p(tokenIds[i]) under the model (temperature 1). */
export interface Completion {
  text: string;
  tokenIds: number[];
  logprobs: number[];
  finishReason: FinishReason;
}

/**
 * The seam between evaluation and whatever generates: the native engine locally, Triton in a
 * cluster, or stored completions replayed for re-scoring. Answers are in request order, each with
 * exactly `n` completions.
 */
export interface GenerationBackend {
  /** Names the backend in results (`engine`, `replay:<file>`), not part of the cache key. */
  readonly name: string;
  generate(requests: readonly GenerationRequest[], options?: { signal?: AbortSignal }): Promise<Completion[][]>;
}

/** Mixes the run's seed with the item, so an item's samples do not depend on which other items share its batch. */
export function itemSeed(seed: number, itemId: string, language: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (const ch of `${language}\u0000${itemId}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
