import { EvalAggregateEntity, EvalRunEntity, EvalSampleEntity } from '@xreason/db';
import type { ScoringMode } from '@xreason/reasoning';
import { In, IsNull, LessThan, type DataSource } from 'typeorm';
import type { GenerationCache } from '../evaluator/evaluate.js';
import type { Completion } from '../generation/generation-backend.js';
import type { Aggregate } from '../metrics/aggregate.js';
import type { SampleRecord } from '../scoring/sample-record.js';
import type { EvaluationDescription } from './result-files.js';

/** Rows per INSERT: a sample row has 14 parameters and Postgres allows 65535 per statement. */
const INSERT_CHUNK = 500;

/** Evaluations, their samples and aggregates in Postgres (`eval_runs`, `eval_samples`, `eval_aggregates`). */
export class EvaluationStore {
  constructor(readonly dataSource: DataSource) {}

  async startRun(description: EvaluationDescription, options: { runId?: string | null } = {}): Promise<string> {
    const saved = await this.dataSource.getRepository(EvalRunEntity).save({
      runId: options.runId ?? null,
      schedule: description.schedule ?? null,
      night: description.night ?? null,
      label: null,
      model: description.model,
      modelHash: description.modelHash,
      adapterHash: description.adapterHash,
      suite: description.suite,
      suiteVersion: description.suiteVersion,
      languages: description.languages,
      params: description.params as unknown as Record<string, unknown>,
      backend: description.backend,
      status: 'running',
      resultsUri: null,
      message: null,
      finishedAt: null,
    });
    return saved.id;
  }

  async appendSamples(evalRunId: string, samples: readonly SampleRecord[]): Promise<void> {
    const repository = this.dataSource.getRepository(EvalSampleEntity);
    for (let start = 0; start < samples.length; start += INSERT_CHUNK) {
      await repository.insert(
        samples.slice(start, start + INSERT_CHUNK).map((s): Partial<EvalSampleEntity> => ({
          evalRunId,
          language: s.language,
          itemId: s.item_id,
          sampleIndex: s.sample_index,
          cacheKey: s.cache_key,
          task: s.task,
          gold: s.gold,
          prompt: withoutNul(s.prompt) as unknown as Record<string, unknown>,
          completion: withoutNul(s.completion),
          tokenIds: s.token_ids,
          logprobs: s.logprobs,
          finishReason: s.finish_reason,
          completionTokens: s.completion_tokens,
          scores: withoutNul(s.scores) as Record<string, unknown>,
        })) as never,
      );
    }
  }

  /** Marks the evaluation done and stores its aggregates, in one transaction. */
  async finishRun(evalRunId: string, aggregates: readonly Aggregate[], resultsUri: string | null): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(EvalAggregateEntity).delete({ evalRunId });
      const rows = aggregates.map((a) => ({
        evalRunId,
        language: a.language,
        mode: a.mode,
        metric: a.metric,
        value: a.value,
        ciLow: a.ciLow,
        ciHigh: a.ciHigh,
        items: a.items,
        samplesPerItem: a.samplesPerItem,
      }));
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        await manager.getRepository(EvalAggregateEntity).insert(rows.slice(start, start + INSERT_CHUNK));
      }
      await manager
        .getRepository(EvalRunEntity)
        .update({ id: evalRunId }, { status: 'succeeded', resultsUri, finishedAt: new Date() });
    });
  }

  async failRun(evalRunId: string, message: string): Promise<void> {
    await this.dataSource
      .getRepository(EvalRunEntity)
      .update({ id: evalRunId }, { status: 'failed', message, finishedAt: new Date() });
  }

  getRun(evalRunId: string): Promise<EvalRunEntity> {
    return this.dataSource.getRepository(EvalRunEntity).findOneByOrFail({ id: evalRunId });
  }

  /** Every sample of an evaluation as SampleRecords (the run's columns filled back in), in (language, item, sample) order. */
  async loadSamples(evalRunId: string): Promise<SampleRecord[]> {
    const run = await this.getRun(evalRunId);
    const rows = await this.dataSource.getRepository(EvalSampleEntity).find({
      where: { evalRunId },
      order: { language: 'ASC', itemId: 'ASC', sampleIndex: 'ASC' },
    });
    const p = run.params as unknown as EvaluationDescription['params'];
    return rows.map((row) => ({
      model: run.model,
      model_hash: run.modelHash,
      adapter_hash: run.adapterHash,
      suite: run.suite,
      suite_version: run.suiteVersion,
      language: row.language as SampleRecord['language'],
      item_id: row.itemId,
      sample_index: row.sampleIndex,
      task: row.task as SampleRecord['task'],
      gold: row.gold,
      prompt: row.prompt as unknown as SampleRecord['prompt'],
      params: { temperature: p.temperature, top_p: p.topP, max_tokens: p.maxTokens, seed: p.seed, n: p.n },
      cache_key: row.cacheKey,
      completion: row.completion,
      token_ids: row.tokenIds,
      logprobs: row.logprobs,
      finish_reason: row.finishReason as SampleRecord['finish_reason'],
      completion_tokens: row.completionTokens,
      scores: row.scores as SampleRecord['scores'],
    }));
  }

  async loadAggregates(evalRunId: string): Promise<Aggregate[]> {
    const run = await this.getRun(evalRunId);
    const rows = await this.dataSource
      .getRepository(EvalAggregateEntity)
      .find({ where: { evalRunId }, order: { language: 'ASC', mode: 'ASC', metric: 'ASC' } });
    return rows.map((r) => ({
      model: run.model,
      suite: run.suite,
      language: r.language,
      mode: r.mode as ScoringMode,
      metric: r.metric,
      value: r.value,
      ciLow: r.ciLow,
      ciHigh: r.ciHigh,
      items: r.items,
      samplesPerItem: r.samplesPerItem,
    }));
  }

  /** Pins a finished evaluation as the named baseline; a label names one evaluation at a time. */
  async pinBaseline(evalRunId: string, label: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const runs = manager.getRepository(EvalRunEntity);
      const run = await runs.findOneByOrFail({ id: evalRunId });
      if (run.status !== 'succeeded')
        throw new Error(`evaluation ${evalRunId} is ${run.status}; only a succeeded evaluation can be a baseline`);
      await runs.update({ label }, { label: null });
      await runs.update({ id: evalRunId }, { label });
    });
  }

  findBaseline(label: string): Promise<EvalRunEntity | null> {
    return this.dataSource.getRepository(EvalRunEntity).findOneBy({ label, status: 'succeeded' });
  }

  /** The latest succeeded night of (schedule, model, suite) before `night`. */
  previousNight(schedule: string, model: string, suite: string, night: string): Promise<EvalRunEntity | null> {
    return this.dataSource.getRepository(EvalRunEntity).findOne({
      where: { schedule, model, suite, night: LessThan(night), status: 'succeeded' },
      order: { night: 'DESC', createdAt: 'DESC' },
    });
  }

  /** Succeeded nights of a schedule, oldest first, for trend charts. */
  nights(schedule: string, options: { models?: string[]; suite?: string } = {}): Promise<EvalRunEntity[]> {
    return this.dataSource.getRepository(EvalRunEntity).find({
      where: {
        schedule,
        status: 'succeeded',
        ...(options.models ? { model: In(options.models) } : {}),
        ...(options.suite ? { suite: options.suite } : {}),
      },
      order: { night: 'ASC', createdAt: 'ASC' },
    });
  }

  /** Ad-hoc evaluations (no schedule) of a model, newest first. */
  adHocRuns(model: string): Promise<EvalRunEntity[]> {
    return this.dataSource
      .getRepository(EvalRunEntity)
      .find({ where: { model, schedule: IsNull() }, order: { createdAt: 'DESC' } });
  }

  /**
   * The generation cache: samples already drawn under the same cache key, by any evaluation
   * (finished or not — a crashed run's generations are still good). A key counts only with all n.
   */
  generationCache(): GenerationCache {
    return {
      lookup: async (keys, n) => {
        const found = new Map<string, Completion[]>();
        if (keys.length === 0) return found;
        const rows: Array<{
          cache_key: string;
          sample_index: number;
          completion: string;
          token_ids: number[];
          logprobs: number[];
          finish_reason: string;
        }> = await this.dataSource.query(
          `SELECT DISTINCT ON (cache_key, sample_index) cache_key, sample_index, completion, token_ids, logprobs, finish_reason
               FROM eval_samples WHERE cache_key = ANY($1) AND sample_index < $2
              ORDER BY cache_key, sample_index, created_at`,
          [keys, n],
        );
        const byKey = new Map<string, Completion[]>();
        for (const row of rows) {
          let list = byKey.get(row.cache_key);
          if (!list) byKey.set(row.cache_key, (list = []));
          list[row.sample_index] = {
            text: row.completion,
            tokenIds: row.token_ids,
            logprobs: row.logprobs,
            finishReason: row.finish_reason as Completion['finishReason'],
          };
        }
        for (const [key, list] of byKey) {
          if (list.length === n && list.every(Boolean)) found.set(key, list);
        }
        return found;
      },
    };
  }
}

/**
 * Postgres text and jsonb cannot hold U+0000, which an untrained model happily samples. Stored rows get
 * U+FFFD in its place (the samples JSONL files keep the exact text); every other character is kept.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
}
