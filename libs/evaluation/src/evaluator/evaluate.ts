import type { LanguageCode } from '@xreason/contracts';
import { questionText, userMessage, type BenchmarkItem } from '@xreason/datasets';
import type { ScoringMode } from '@xreason/reasoning';
import { generationCacheKey } from '../generation/cache-key.js';
import type {
  Completion,
  GenerationBackend,
  GenerationPrompt,
  GenerationRequest,
  SamplingParams,
} from '../generation/generation-backend.js';
import { aggregateSamples, type Aggregate } from '../metrics/aggregate.js';
import type { SampleRecord } from '../scoring/sample-record.js';
import { SampleJudge } from '../scoring/sample-judge.js';
import { ProgressMeter, type EvaluationProgress } from './progress.js';

/** The weights evaluated: a name for reports and content hashes for the cache. */
export interface ModelIdentity {
  name: string;
  hash: string;
  adapterHash?: string | null;
}

/** Stored generations by cache key (see `generationCacheKey`); every key answered has exactly the n completions asked. */
export interface GenerationCache {
  lookup(keys: readonly string[], n: number): Promise<Map<string, Completion[]>>;
}

export interface EvaluationRequest {
  model: ModelIdentity;
  suite: { name: string; version: string };
  /** The suite's items, every language to evaluate; evaluated language by language in this order. */
  items: readonly BenchmarkItem[];
  /** Samples per item. */
  n: number;
  ks: readonly number[];
  params: SamplingParams;
  modes?: readonly ScoringMode[];
  /** Item → what the model sees; default: the language instruction and the question as one user turn. */
  promptFor?: (item: BenchmarkItem) => GenerationPrompt;
  /** Items per backend call (each carries n samples). Default 4. */
  batchSize?: number;
  bootstrap?: { resamples?: number; seed?: number };
}

export interface EvaluationDeps {
  backend: GenerationBackend;
  cache?: GenerationCache;
  /** Judges samples; pass one to share its loaded detector across evaluations. */
  judge?: SampleJudge;
  /** Receives each batch's samples as soon as they are scored (stored incrementally, so a crash keeps what was generated). */
  onSamples?: (samples: SampleRecord[]) => Promise<void> | void;
  onProgress?: (progress: EvaluationProgress) => void;
  signal?: AbortSignal;
}

export interface EvaluationOutcome {
  samples: SampleRecord[];
  aggregates: Aggregate[];
  itemsGenerated: number;
  itemsCached: number;
}

/** The prompt used unless the caller gives one: the per-language instruction (@xreason/datasets) and the question. */
export function defaultPrompt(item: BenchmarkItem): GenerationPrompt {
  return {
    kind: 'chat',
    messages: [{ role: 'user', content: userMessage(questionText(item), item.language, item.task) }],
  };
}

function checkRequest(request: EvaluationRequest): void {
  if (!Number.isInteger(request.n) || request.n < 1)
    throw new RangeError(`n: must be a positive integer, got ${request.n}`);
  if (request.ks.length === 0) throw new RangeError('ks: at least one k is needed');
  for (const k of request.ks) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`ks: ${k} is not a positive integer`);
    if (k > request.n) throw new RangeError(`ks: pass@${k} needs at least ${k} samples per item, n is ${request.n}`);
  }
  const { temperature, topP, maxTokens } = request.params;
  if (!(temperature >= 0)) throw new RangeError(`params.temperature: must be >= 0, got ${temperature}`);
  if (!(topP > 0 && topP <= 1)) throw new RangeError(`params.topP: must be in (0, 1], got ${topP}`);
  if (!Number.isInteger(maxTokens) || maxTokens < 1)
    throw new RangeError(`params.maxTokens: must be a positive integer, got ${maxTokens}`);
  if (request.items.length === 0) throw new RangeError('items: nothing to evaluate');
  const seen = new Set<string>();
  for (const item of request.items) {
    if (item.suite !== request.suite.name)
      throw new RangeError(`items: ${item.id} belongs to suite "${item.suite}", not "${request.suite.name}"`);
    const key = `${item.language}\u0000${item.id}`;
    if (seen.has(key)) throw new RangeError(`items: ${item.id} (${item.language}) appears twice`);
    seen.add(key);
  }
}

function checkAnswer(request: GenerationRequest, completions: Completion[] | undefined, backend: string): Completion[] {
  if (!completions || completions.length !== request.n) {
    throw new Error(
      `backend ${backend} returned ${completions?.length ?? 0} completions for ${request.itemId} (${request.language}), ${request.n} requested`,
    );
  }
  return completions;
}

/**
 * Suite items × languages × n samples → scores under each mode → aggregates. Generations come from
 * the cache when an equal request was answered before, otherwise from the backend; every sample is
 * kept, with its prompt, full completion (trace included), extracted answer and detected languages.
 */
export async function evaluate(request: EvaluationRequest, deps: EvaluationDeps): Promise<EvaluationOutcome> {
  checkRequest(request);
  const judge = deps.judge ?? (await SampleJudge.create(request.modes));
  const promptFor = request.promptFor ?? defaultPrompt;
  const batchSize = request.batchSize ?? 4;
  const { model, suite, params, n } = request;

  const languages: LanguageCode[] = [];
  for (const item of request.items) if (!languages.includes(item.language)) languages.push(item.language);

  const meter = new ProgressMeter(request.items.length);
  const samples: SampleRecord[] = [];
  let itemsGenerated = 0;
  let itemsCached = 0;

  const record = (
    item: BenchmarkItem,
    prompt: GenerationPrompt,
    cacheKey: string,
    completions: Completion[],
  ): SampleRecord[] =>
    completions.map((completion, index) => ({
      model: model.name,
      model_hash: model.hash,
      adapter_hash: model.adapterHash ?? null,
      suite: suite.name,
      suite_version: suite.version,
      language: item.language,
      item_id: item.id,
      sample_index: index,
      task: item.task,
      gold: item.gold,
      prompt,
      params: {
        temperature: params.temperature,
        top_p: params.topP,
        max_tokens: params.maxTokens,
        seed: params.seed,
        n,
      },
      cache_key: cacheKey,
      completion: completion.text,
      token_ids: completion.tokenIds,
      logprobs: completion.logprobs,
      finish_reason: completion.finishReason,
      completion_tokens: completion.tokenIds.length,
      scores: judge.judge({ language: item.language, task: item.task, gold: item.gold, completion: completion.text }),
    }));

  for (const language of languages) {
    const items = request.items.filter((item) => item.language === language);
    const pending = items.map((item) => {
      const prompt = promptFor(item);
      const cacheKey = generationCacheKey({
        modelHash: model.hash,
        adapterHash: model.adapterHash ?? null,
        suite: suite.name,
        suiteVersion: suite.version,
        language,
        itemId: item.id,
        prompt,
        params,
        n,
      });
      return { item, prompt, cacheKey };
    });
    const cached = deps.cache
      ? await deps.cache.lookup(
          pending.map((p) => p.cacheKey),
          n,
        )
      : new Map<string, Completion[]>();

    const hits = pending.filter((p) => cached.has(p.cacheKey));
    if (hits.length > 0) {
      const batch = hits.flatMap((p) => record(p.item, p.prompt, p.cacheKey, cached.get(p.cacheKey)!));
      samples.push(...batch);
      await deps.onSamples?.(batch);
      itemsCached += hits.length;
      deps.onProgress?.(meter.advance(hits.length, true, { suite: suite.name, language }));
    }

    const misses = pending.filter((p) => !cached.has(p.cacheKey));
    for (let start = 0; start < misses.length; start += batchSize) {
      deps.signal?.throwIfAborted();
      const chunk = misses.slice(start, start + batchSize);
      const requests: GenerationRequest[] = chunk.map((p) => ({
        itemId: p.item.id,
        language,
        prompt: p.prompt,
        n,
        params,
      }));
      const answers = await deps.backend.generate(requests, deps.signal ? { signal: deps.signal } : {});
      const batch = chunk.flatMap((p, i) =>
        record(p.item, p.prompt, p.cacheKey, checkAnswer(requests[i]!, answers[i], deps.backend.name)),
      );
      samples.push(...batch);
      await deps.onSamples?.(batch);
      itemsGenerated += chunk.length;
      deps.onProgress?.(meter.advance(chunk.length, false, { suite: suite.name, language }));
    }
  }

  const aggregates = aggregateSamples(samples, {
    ks: request.ks,
    ...(request.bootstrap?.resamples !== undefined ? { bootstrapResamples: request.bootstrap.resamples } : {}),
    ...(request.bootstrap?.seed !== undefined ? { bootstrapSeed: request.bootstrap.seed } : {}),
  });
  return { samples, aggregates, itemsGenerated, itemsCached };
}

/**
 * Re-scores stored samples under the current rules (and the given modes) without generating:
 * `xreason eval --from-samples`. Completions, prompts and parameters are kept as they were.
 */
export async function rescoreSamples(records: readonly SampleRecord[], judge: SampleJudge): Promise<SampleRecord[]> {
  return records.map((r) => ({
    ...r,
    scores: judge.judge({ language: r.language, task: r.task, gold: r.gold, completion: r.completion }),
  }));
}
