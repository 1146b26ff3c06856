import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LanguageCode } from '@xreason/contracts';
import { holmAdjust, type SampleRecord, samplesFileName } from '@xreason/evaluation';
import { type DemoModel, compareDemoStages, renderDemoComparisons } from './demo-report.js';

const ITEMS = 20;
const SAMPLES = 4;

/** One robust-scored sample, shaped as the evaluator writes it (readSamplesFile checks the schema). */
function sample(
  model: string,
  language: LanguageCode,
  item: number,
  index: number,
  outcome: { correct: boolean; consistent: boolean },
): SampleRecord {
  return {
    model,
    model_hash: 'a'.repeat(16),
    adapter_hash: null,
    suite: 'world-test-iid',
    suite_version: '1',
    language,
    item_id: `item-${item}`,
    sample_index: index,
    task: 'math',
    gold: '42',
    prompt: { kind: 'chat', messages: [{ role: 'user', content: 'question' }] },
    params: { temperature: 0.6, top_p: 0.95, max_tokens: 64, seed: 7, n: SAMPLES },
    cache_key: (item * 31 + index).toString(16).padStart(64, '0'),
    completion: '<think>…</think> 42',
    token_ids: [1, 2, 3],
    logprobs: [-0.1, -0.2, -0.3],
    finish_reason: 'stop',
    completion_tokens: 3,
    scores: {
      robust: {
        correct: outcome.correct,
        format_ok: true,
        answer: outcome.correct ? '42' : '41',
        trace_language: outcome.consistent ? language : 'en',
        answer_language: language,
        trace_consistent: outcome.consistent,
        answer_consistent: true,
        language_consistent: outcome.consistent,
        language_shares: { [outcome.consistent ? language : 'en']: 1 },
        reward: outcome.correct ? 1 : 0,
      },
    },
  };
}

describe('the demo tests its claims on the samples its evaluations wrote', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'demo-report-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  /**
   * Writes `<out>/evals/<label>/results/<dir>/samples_world-test-iid_<language>.jsonl` for each language,
   * and the results.json that names them.
   */
  function evaluation(
    label: string,
    languages: readonly LanguageCode[],
    outcome: (language: LanguageCode, item: number) => { correct: boolean; consistent: boolean },
  ): void {
    const dir = join(out, 'evals', label, 'results', `model-${label}`);
    mkdirSync(dir, { recursive: true });
    for (const language of languages) {
      const lines: string[] = [];
      for (let item = 0; item < ITEMS; item++)
        for (let index = 0; index < SAMPLES; index++)
          lines.push(JSON.stringify(sample(label, language, item, index, outcome(language, item))));
      writeFileSync(join(dir, samplesFileName('world-test-iid', language)), `${lines.join('\n')}\n`);
    }
    const samples = Object.fromEntries(languages.map((l) => [l, samplesFileName('world-test-iid', l)]));
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ format: 'xreason.eval.results/v1', samples }));
  }

  const model = (stage: DemoModel['stage'], label: string, languages: string[]): DemoModel => ({
    stage,
    label,
    modelDir: '/unused',
    languages,
  });

  it('finds a real gain significant, a loss not, and Holm-adjusts over the whole report', async () => {
    // ja: SFT makes every trace Japanese and GRPO lifts accuracy from 30% to 80% of the problems.
    // fr: SFT makes the traces French, but "GRPO" here loses what SFT had (80% → 30%).
    const accuracy = { sft: { ja: 3, fr: 8 }, grpo: { ja: 8, fr: 3 } } as const;
    evaluation('base', ['ja', 'fr'], () => ({ correct: false, consistent: false }));
    for (const stage of ['sft', 'grpo'] as const)
      for (const language of ['ja', 'fr'] as const)
        evaluation(`${stage}-${language}`, [language], (_, item) => ({
          correct: item % 10 < accuracy[stage][language],
          consistent: true,
        }));
    const models = [
      model('base', 'base', ['ja', 'fr']),
      model('sft', 'sft-ja', ['ja']),
      model('grpo', 'grpo-ja', ['ja']),
      model('sft', 'sft-fr', ['fr']),
      model('grpo', 'grpo-fr', ['fr']),
    ];

    const comparisons = await compareDemoStages(models, out);

    const find = (language: string, to: string) => comparisons.find((c) => c.language === language && c.to === to)!;
    expect(comparisons.map((c) => `${c.language} ${c.from}→${c.to} ${c.metric}`).sort()).toEqual([
      'fr base→sft language_consistency',
      'fr sft→grpo pass@1',
      'ja base→sft language_consistency',
      'ja sft→grpo pass@1',
    ]);
    for (const language of ['ja', 'fr']) {
      const consistency = find(language, 'sft');
      expect([consistency.before, consistency.after, consistency.delta, consistency.items]).toEqual([0, 1, 1, ITEMS]);
      expect(consistency.pValue).toBeLessThan(1e-4);
    }
    const gain = find('ja', 'grpo');
    expect(gain.before).toBeCloseTo(0.3, 12);
    expect(gain.after).toBeCloseTo(0.8, 12);
    expect(gain.delta).toBeCloseTo(0.5, 12);
    // 10 of 20 problems better, none worse: the one-sided sign-flip p is 2^-10.
    expect(gain.pValue).toBeLessThan(0.002);
    const loss = find('fr', 'grpo');
    expect(loss.delta).toBeCloseTo(-0.5, 12);
    expect(loss.pValue).toBeGreaterThan(0.5);

    const adjusted = holmAdjust(comparisons.map((c) => c.pValue));
    comparisons.forEach((c, i) => {
      expect(c.adjustedPValue).toBe(adjusted[i]);
      expect(c.adjustedPValue).toBeGreaterThanOrEqual(c.pValue);
    });
    expect(gain.adjustedPValue).toBeGreaterThan(gain.pValue);

    const text = renderDemoComparisons(comparisons);
    expect(text).toMatch(/ja\s+sft → grpo\s+pass@1\s+\+50\.0 pts/);
    expect(text).toMatch(/fr\s+sft → grpo\s+pass@1\s+-50\.0 pts/);
  });

  it('skips a claim whose stage has no samples (a run stopped before GRPO) instead of failing', async () => {
    evaluation('base', ['es'], () => ({ correct: false, consistent: false }));
    evaluation('sft-es', ['es'], () => ({ correct: true, consistent: true }));
    const comparisons = await compareDemoStages(
      [model('base', 'base', ['es']), model('sft', 'sft-es', ['es']), model('grpo', 'grpo-es', ['es'])],
      out,
    );
    expect(comparisons.map((c) => `${c.from}→${c.to}`)).toEqual(['base→sft']);
  });
});
