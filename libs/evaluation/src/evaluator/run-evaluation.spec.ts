import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvalRunEntity, openDatabase, type Database } from '@xreason/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Completion, GenerationBackend, GenerationRequest } from '../generation/generation-backend.js';
import { readSamplesFile } from '../generation/replay-backend.js';
import { aggregateSamples } from '../metrics/aggregate.js';
import { SampleJudge } from '../scoring/sample-judge.js';
import { EvaluationStore } from '../storage/evaluation-store.js';
import { readResultsFile } from '../storage/result-files.js';
import { makeStateDir } from '../testing/state-dir.test-helpers.js';
import { worldModel, worldSuite } from '../testing/world-model.test-helpers.js';
import type { EvaluationRequest } from './evaluate.js';
import { runEvaluation } from './run-evaluation.js';

let state: Awaited<ReturnType<typeof makeStateDir>>;
let db: Database;
let store: EvaluationStore;
let judge: SampleJudge;

beforeAll(async () => {
  state = await makeStateDir();
  db = await openDatabase({ stateDir: state.path });
  store = new EvaluationStore(db.dataSource);
  judge = await SampleJudge.create();
});

afterAll(async () => {
  await db?.close();
  await state?.remove();
});

const { items, problems } = worldSuite(10, ['ja', 'fr', 'es']);
const request: EvaluationRequest = {
  model: { name: 'world-model', hash: 'a'.repeat(64), adapterHash: 'b'.repeat(64) },
  suite: { name: 'world', version: '1' },
  items,
  n: 4,
  ks: [1, 2, 4],
  params: { temperature: 0.6, topP: 0.95, maxTokens: 128, seed: 3 },
  bootstrap: { resamples: 200 },
};

/** Counts what reaches the model, so a test can say that a repeat generated nothing. */
function counting(backend: GenerationBackend): GenerationBackend & { requested: number } {
  const wrapper = {
    name: backend.name,
    requested: 0,
    async generate(requests: readonly GenerationRequest[]): Promise<Completion[][]> {
      wrapper.requested += requests.length;
      return backend.generate(requests);
    },
  };
  return wrapper;
}

describe('runEvaluation (Postgres + files)', () => {
  it('stores every sample and aggregate, writes results.json and samples JSONL, and every aggregate is recomputable from what was stored', async () => {
    const backend = counting(worldModel({ problems, accuracy: 0.55, consistency: 0.75 }));
    const outputDir = join(state.path, 'eval');
    const result = await runEvaluation(request, { backend, judge }, { outputDir, store });
    expect(backend.requested).toBe(30);

    const run = await db.dataSource.getRepository(EvalRunEntity).findOneByOrFail({ id: result.evalRunId });
    expect(run).toMatchObject({
      status: 'succeeded',
      model: 'world-model',
      suite: 'world',
      languages: ['ja', 'fr', 'es'],
      resultsUri: result.resultsPath,
    });
    expect(run.finishedAt).toBeInstanceOf(Date);

    // From Postgres: the samples come back whole and give the stored aggregates again.
    const stored = await store.loadSamples(result.evalRunId);
    expect(stored).toHaveLength(10 * 3 * 4);
    const sortKey = (s: { language: string; item_id: string; sample_index: number }) =>
      `${s.language}/${s.item_id}/${s.sample_index}`;
    const inOrder = <T extends Parameters<typeof sortKey>[0]>(list: readonly T[]) =>
      [...list].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    expect(inOrder(stored)).toEqual(inOrder(result.samples));
    const storedAggregates = await store.loadAggregates(result.evalRunId);
    const recomputed = aggregateSamples(stored, { ks: request.ks, bootstrapResamples: 200 });
    const byKey = (list: typeof recomputed) =>
      Object.fromEntries(list.map((a) => [`${a.language}/${a.mode}/${a.metric}`, a]));
    expect(byKey(storedAggregates)).toEqual(byKey(recomputed));
    expect(storedAggregates.length).toBe(result.aggregates.length);

    // From the files: results.json lists the samples files, whose lines recompute the same numbers.
    const results = await readResultsFile(result.resultsPath);
    expect(results.samples).toEqual({
      ja: 'samples_world_ja.jsonl',
      fr: 'samples_world_fr.jsonl',
      es: 'samples_world_es.jsonl',
    });
    const fromFiles = (
      await Promise.all(
        Object.values(results.samples).map((f) => readSamplesFile(join(outputDir, result.evalRunId, f))),
      )
    ).flat();
    for (const a of aggregateSamples(fromFiles, { ks: request.ks, bootstrapResamples: 200 })) {
      expect(results.results[a.language]?.[a.mode]?.[a.metric]).toEqual({
        value: a.value,
        ci_low: a.ciLow,
        ci_high: a.ciHigh,
      });
    }
    expect(results.config).toMatchObject({
      n: 4,
      ks: [1, 2, 4],
      temperature: 0.6,
      topP: 0.95,
      modes: ['robust', 'seed-compatible'],
    });
    const firstLine = JSON.parse((await readFile(result.samplesPaths[0]!, 'utf8')).split('\n')[0]!);
    expect(firstLine).toMatchObject({ model: 'world-model', suite: 'world', language: 'ja', prompt: { kind: 'chat' } });
    expect(firstLine.completion).toContain('</think>');
    expect(firstLine.scores.robust).toHaveProperty('trace_language');
  });

  it('a repeated request generates nothing: every item comes from the cache, with the same numbers', async () => {
    const first = await runEvaluation(
      request,
      { backend: worldModel({ problems, accuracy: 0.3, consistency: 0.5, seed: 11 }), judge },
      { outputDir: join(state.path, 'eval'), store },
    );
    const again = counting(worldModel({ problems, accuracy: 0.3, consistency: 0.5, seed: 11 }));
    const second = await runEvaluation(
      { ...request },
      { backend: again, judge },
      { outputDir: join(state.path, 'eval'), store },
    );
    expect(again.requested).toBe(0);
    expect(second.itemsCached).toBe(30);
    expect(second.aggregates).toEqual(first.aggregates);
  });

  it('a change of sampling parameters, adapter or n misses the cache', async () => {
    for (const change of [
      { params: { ...request.params, temperature: 0.7 } },
      { model: { ...request.model, adapterHash: 'c'.repeat(64) } },
      { n: 2, ks: [1] },
    ]) {
      const backend = counting(worldModel({ problems, accuracy: 0.3, consistency: 0.5 }));
      await runEvaluation(
        { ...request, ...change },
        { backend, judge },
        { outputDir: join(state.path, 'eval'), store },
      );
      expect(backend.requested).toBe(30);
    }
  });

  it('a failing backend marks the evaluation failed with the reason, keeping the samples already drawn', async () => {
    let calls = 0;
    const flaky: GenerationBackend = {
      name: 'flaky',
      async generate(requests) {
        if (++calls > 2) throw new Error('device lost');
        return worldModel({ problems, accuracy: 0.5, consistency: 0.5, seed: 99 }).generate(requests);
      },
    };
    await expect(
      runEvaluation(
        { ...request, batchSize: 4, params: { ...request.params, seed: 404 } },
        { backend: flaky, judge },
        { outputDir: join(state.path, 'eval'), store },
      ),
    ).rejects.toThrow('device lost');
    const failed = await db.dataSource.getRepository(EvalRunEntity).findOneByOrFail({ backend: 'flaky' });
    expect(failed).toMatchObject({ status: 'failed', message: 'device lost', resultsUri: null });
    expect(await store.loadSamples(failed.id)).toHaveLength(8 * 4);
  });
});
