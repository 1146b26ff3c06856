import { summariseSamples } from '@xreason/reasoning';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReplayBackend } from '../generation/replay-backend.js';
import { findAggregate, groupSamples } from '../metrics/aggregate.js';
import { SampleJudge } from '../scoring/sample-judge.js';
import { worldModel, worldSuite } from '../testing/world-model.test-helpers.js';
import { evaluate, rescoreSamples, type EvaluationRequest } from './evaluate.js';
import { formatProgress, type EvaluationProgress } from './progress.js';

let judge: SampleJudge;
beforeAll(async () => {
  judge = await SampleJudge.create();
});

const { items, problems } = worldSuite(12, ['ja', 'fr']);
const request: EvaluationRequest = {
  model: { name: 'world-model', hash: 'm1' },
  suite: { name: 'world', version: '1' },
  items,
  n: 6,
  ks: [1, 5],
  params: { temperature: 0.6, topP: 0.95, maxTokens: 256, seed: 1 },
  bootstrap: { resamples: 200 },
};

describe('evaluate', () => {
  it('measures a model that is always right and always in the requested language as pass@1 = 1 and consistency = 1', async () => {
    const outcome = await evaluate(request, { backend: worldModel({ problems, accuracy: 2, consistency: 1 }), judge });
    expect(outcome.samples).toHaveLength(12 * 2 * 6);
    for (const mode of ['robust', 'seed-compatible'] as const) {
      for (const language of ['ja', 'fr']) {
        expect(findAggregate(outcome.aggregates, language, mode, 'pass@1')?.value).toBe(1);
        expect(findAggregate(outcome.aggregates, language, mode, 'language_consistency')?.value).toBe(1);
      }
    }
    expect(findAggregate(outcome.aggregates, 'ja', 'robust', 'answer_language_consistency')?.value).toBe(1);
  });

  it('tells a trace in English from one in the requested language: consistency follows the model, accuracy does not', async () => {
    const outcome = await evaluate(request, { backend: worldModel({ problems, accuracy: 2, consistency: 0 }), judge });
    const sample = outcome.samples.find((s) => s.language === 'ja')!;
    expect(sample.scores.robust).toMatchObject({
      correct: true,
      trace_language: 'en',
      trace_consistent: false,
      language_consistent: false,
    });
    expect(findAggregate(outcome.aggregates, 'ja', 'robust', 'pass@1')?.value).toBe(1);
    expect(findAggregate(outcome.aggregates, 'ja', 'robust', 'language_consistency')?.value).toBe(0);
    expect(findAggregate(outcome.aggregates, 'ja', 'robust', 'consistent_pass@1')?.value).toBe(0);
  });

  it('agrees with @xreason/reasoning summariseSamples on pass@k, consistency and the joint metrics', async () => {
    const outcome = await evaluate(request, {
      backend: worldModel({ problems, accuracy: 0.5, consistency: 0.7 }),
      judge,
    });
    for (const itemsOf of groupSamples(outcome.samples).values()) {
      const lists = [...itemsOf.values()];
      const language = lists[0]![0]!.language;
      const summary = summariseSamples(
        lists.map((l) =>
          l.map((s) => ({ correct: s.scores.robust!.correct, consistent: s.scores.robust!.language_consistent })),
        ),
        [1, 5],
      );
      expect(findAggregate(outcome.aggregates, language, 'robust', 'pass@1')?.value).toBeCloseTo(
        summary.passAtK[1]!,
        12,
      );
      expect(findAggregate(outcome.aggregates, language, 'robust', 'pass@5')?.value).toBeCloseTo(
        summary.passAtK[5]!,
        12,
      );
      expect(findAggregate(outcome.aggregates, language, 'robust', 'consistent_pass@5')?.value).toBeCloseTo(
        summary.consistentPassAtK[5]!,
        12,
      );
      expect(findAggregate(outcome.aggregates, language, 'robust', 'language_consistency')?.value).toBeCloseTo(
        summary.languageConsistency,
        12,
      );
      expect(findAggregate(outcome.aggregates, language, 'robust', 'correct_and_consistent')?.value).toBeCloseTo(
        summary.correctAndConsistent,
        12,
      );
    }
    const pass1 = findAggregate(outcome.aggregates, 'ja', 'robust', 'pass@1')!;
    expect(pass1.ciLow).toBeLessThanOrEqual(pass1.value);
    expect(pass1.ciHigh).toBeGreaterThanOrEqual(pass1.value);
    expect(pass1.ciHigh - pass1.ciLow).toBeGreaterThan(0);
    expect(pass1).toMatchObject({ items: 12, samplesPerItem: 6 });
  });

  it('replaying stored samples gives the same scores without the model', async () => {
    const first = await evaluate(request, {
      backend: worldModel({ problems, accuracy: 0.5, consistency: 0.5 }),
      judge,
    });
    const replayed = await evaluate(request, { backend: new ReplayBackend(first.samples), judge });
    expect(replayed.samples).toEqual(first.samples);
    expect(replayed.aggregates).toEqual(first.aggregates);
    expect(await rescoreSamples(first.samples, judge)).toEqual(first.samples);
  });

  it('a replay with fewer stored samples than requested names the item', async () => {
    const first = await evaluate(
      { ...request, n: 2, ks: [1] },
      { backend: worldModel({ problems, accuracy: 0.5, consistency: 0.5 }), judge },
    );
    await expect(evaluate(request, { backend: new ReplayBackend(first.samples, 'old.jsonl'), judge })).rejects.toThrow(
      /old\.jsonl has 2 samples of test-iid-7-0 \(ja\), 6 requested/,
    );
  });

  it.each([
    [{ n: 0 }, /^n: must be a positive integer/],
    [{ ks: [1, 10] }, /^ks: pass@10 needs at least 10 samples per item, n is 6/],
    [{ params: { ...request.params, topP: 0 } }, /^params.topP/],
    [{ items: [...items, items[0]!] }, /appears twice/],
  ])('refuses a bad request (%o) before generating', async (change, message) => {
    await expect(
      evaluate({ ...request, ...change } as EvaluationRequest, {
        backend: worldModel({ problems, accuracy: 1, consistency: 1 }),
        judge,
      }),
    ).rejects.toThrow(message);
  });

  it('reports progress with items/s and an ETA after every batch, ending at the total', async () => {
    const seen: EvaluationProgress[] = [];
    await evaluate(
      { ...request, batchSize: 5 },
      { backend: worldModel({ problems, accuracy: 1, consistency: 1 }), judge, onProgress: (p) => seen.push(p) },
    );
    expect(seen.map((p) => p.itemsDone)).toEqual([5, 10, 12, 17, 22, 24]);
    expect(seen.at(-1)).toMatchObject({ itemsTotal: 24, itemsCached: 0, etaSeconds: 0 });
    expect(
      formatProgress({
        suite: 'mgsm',
        language: 'ja',
        itemsDone: 120,
        itemsTotal: 250,
        itemsCached: 40,
        itemsPerSecond: 3.2,
        etaSeconds: 40.6,
      }),
    ).toBe('mgsm ja 120/250 items · 3.20 items/s · ETA 41 s · 40 cached');
  });
});
