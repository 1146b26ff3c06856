import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBroker, type Broker } from '@xreason/broker';
import { Bus } from '@xreason/bus';
import { EvalRegressionTopic, type MessageOf } from '@xreason/contracts';
import { openDatabase, type Database } from '@xreason/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationRequest } from '../evaluator/evaluate.js';
import { SampleJudge } from '../scoring/sample-judge.js';
import { EvaluationStore } from '../storage/evaluation-store.js';
import { makeStateDir } from '../testing/state-dir.test-helpers.js';
import { worldModel, worldSuite } from '../testing/world-model.test-helpers.js';
import { runNightlyEvaluation, type NightlyOptions } from './nightly.js';

let state: Awaited<ReturnType<typeof makeStateDir>>;
let db: Database;
let broker: Broker;
let bus: Bus;
let store: EvaluationStore;
let judge: SampleJudge;
const received: MessageOf<typeof EvalRegressionTopic>[] = [];

beforeAll(async () => {
  state = await makeStateDir();
  [db, broker] = await Promise.all([openDatabase({ stateDir: state.path }), startBroker({ port: 0, memory: true })]);
  store = new EvaluationStore(db.dataSource);
  judge = await SampleJudge.create(['robust']);
  bus = await Bus.connect({ brokers: [broker.bootstrapServers], clientId: 'eval-nightly-test' });
  await bus.ensureTopics([EvalRegressionTopic]);
  await bus.consume({
    topic: EvalRegressionTopic,
    groupId: 'eval-nightly-test',
    fromBeginning: true,
    handler: async (m) => void received.push(m),
  });
}, 120_000);

afterAll(async () => {
  await bus?.close();
  await broker?.close();
  await db?.close();
  await state?.remove();
});

const { items, problems } = worldSuite(30, ['ja', 'fr']);

/** One night: the candidate model as it stands that night, sampled with that night's seed. */
function night(index: number, skill: { accuracy: number; consistency: number; hash: string }) {
  const request: EvaluationRequest = {
    model: { name: 'candidate', hash: skill.hash },
    suite: { name: 'world', version: '1' },
    items,
    n: 4,
    ks: [1, 4],
    modes: ['robust'],
    params: { temperature: 0.6, topP: 0.95, maxTokens: 128, seed: index },
    bootstrap: { resamples: 200 },
  };
  const options: NightlyOptions = {
    schedule: 'nightly-world',
    night: `2026-01-0${index}`,
    ...(index > 1 ? { baseline: 'release-1' } : {}),
    policy: { threshold: 0.02, alpha: 0.05 },
    store,
    outputDir: join(state.path, 'nightly'),
    publisher: bus.publisher,
  };
  return runNightlyEvaluation(request, { backend: worldModel({ problems, ...skill, seed: index }), judge }, options);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('nightly regression', () => {
  it('an equal model with sampling noise raises nothing; a worse one raises eval.regression events and marks the report', async () => {
    const first = await night(1, { accuracy: 0.7, consistency: 0.9, hash: 'h1' });
    expect(first.comparisons).toEqual([]);
    await store.pinBaseline(first.evaluation.evalRunId, 'release-1');

    // Same skill, new seed: every per-item rate moves a little, none significantly.
    const second = await night(2, { accuracy: 0.7, consistency: 0.9, hash: 'h2' });
    expect(second.comparisons.map((c) => `${c.comparedWith}/${c.language}/${c.metric}`).sort()).toEqual(
      ['baseline', 'previous']
        .flatMap((w) =>
          ['fr', 'ja'].flatMap((l) =>
            ['correct_and_consistent', 'language_consistency', 'pass@1'].map((m) => `${w}/${l}/${m}`),
          ),
        )
        .sort(),
    );
    expect(second.comparisons.some((c) => c.delta !== 0)).toBe(true);
    expect(second.regressions).toEqual([]);
    expect(second.events).toEqual([]);
    expect(await readFile(second.reportPath, 'utf8')).not.toContain('data-regression');

    // Accuracy falls from 0.7 to 0.35: a regression against both the previous night and the baseline.
    const third = await night(3, { accuracy: 0.35, consistency: 0.9, hash: 'h3' });
    const flagged = third.regressions.map((r) => `${r.comparedWith}/${r.language}/${r.metric}`).sort();
    expect(flagged).toEqual(
      expect.arrayContaining(['baseline/fr/pass@1', 'baseline/ja/pass@1', 'previous/fr/pass@1', 'previous/ja/pass@1']),
    );
    expect(flagged.some((f) => f.endsWith('/language_consistency'))).toBe(false);
    for (const r of third.regressions) {
      expect(r.previous - r.current).toBeGreaterThan(0.02);
      expect(r.adjustedPValue).toBeLessThan(0.05);
      expect(r.adjustedPValue).toBeGreaterThanOrEqual(r.pValue); // Holm over the night's 12 tests
    }

    await waitFor(() => received.length >= third.regressions.length, `${third.regressions.length} regression events`);
    expect(received).toHaveLength(third.regressions.length);
    const jaPrevious = received.find(
      (m) => m.payload.language === 'ja' && m.payload.metric === 'pass@1' && m.payload.comparedWith === 'previous',
    );
    expect(jaPrevious).toMatchObject({
      type: 'EvalRegression',
      runId: third.evaluation.evalRunId,
      payload: { schedule: 'nightly-world', model: 'candidate', suite: 'world' },
    });
    expect(jaPrevious!.payload.current).toBeLessThan(jaPrevious!.payload.previous);
    const flaggedJa = third.regressions.find(
      (r) => r.language === 'ja' && r.metric === 'pass@1' && r.comparedWith === 'previous',
    )!;
    expect(jaPrevious!.payload).toMatchObject({ pValue: flaggedJa.pValue, adjustedPValue: flaggedJa.adjustedPValue });

    const report = await readFile(third.reportPath, 'utf8');
    expect(report).toContain('data-regression="true"');
    expect(report).toContain('<strong>Regression</strong>');
    expect(report).toContain('candidate: pass@1 over nights');
    expect((report.match(/<svg /g) ?? []).length).toBe(3 + 2);
  });
});
