import { bootstrapInterval, passAtK, type ScoringMode } from '@xreason/reasoning';
import type { SampleRecord, SampleScore } from '../scoring/sample-record.js';

/** One metric of one model on one suite in one language under one scoring mode, with its interval over items. */
export interface Aggregate {
  model: string;
  suite: string;
  language: string;
  mode: ScoringMode;
  metric: string;
  value: number;
  ciLow: number;
  ciHigh: number;
  /** Items the metric averages over (the bootstrap's units). */
  items: number;
  samplesPerItem: number;
}

export interface AggregateOptions {
  ks: readonly number[];
  bootstrapResamples?: number;
  bootstrapSeed?: number;
  confidence?: number;
}

/**
 * Per-item value of each metric. Every metric is a mean over items of a per-item number, so one
 * bootstrap over items gives every interval (samples of one item are correlated: resampling them
 * independently would make intervals too narrow).
 */
type PerItem = (samples: readonly SampleRecord[], scores: readonly SampleScore[]) => number;

function share(scores: readonly SampleScore[], keep: (s: SampleScore) => boolean): number {
  return scores.filter(keep).length / scores.length;
}

function itemMetrics(ks: readonly number[], n: number): Array<[string, PerItem]> {
  const metrics: Array<[string, PerItem]> = [];
  for (const k of ks) {
    if (k > n) continue; // pass@k from fewer than k samples would be a guess
    metrics.push([`pass@${k}`, (_, s) => passAtK(n, s.filter((x) => x.correct).length, k)]);
  }
  for (const k of ks) {
    if (k > n) continue;
    metrics.push([
      `consistent_pass@${k}`,
      (_, s) => passAtK(n, s.filter((x) => x.correct && x.language_consistent).length, k),
    ]);
  }
  metrics.push(
    ['language_consistency', (_, s) => share(s, (x) => x.language_consistent)],
    ['trace_language_consistency', (_, s) => share(s, (x) => x.trace_consistent)],
    ['answer_language_consistency', (_, s) => share(s, (x) => x.answer_consistent)],
    ['correct_and_consistent', (_, s) => share(s, (x) => x.correct && x.language_consistent)],
    ['format_rate', (_, s) => share(s, (x) => x.format_ok)],
    ['mean_completion_tokens', (r) => r.reduce((sum, x) => sum + x.completion_tokens, 0) / r.length],
    ['truncation_rate', (r) => r.filter((x) => x.finish_reason === 'length').length / r.length],
  );
  return metrics;
}

/** Samples grouped by (model, suite, language) and then by item, items in first-seen order. */
export function groupSamples(samples: readonly SampleRecord[]): Map<string, Map<string, SampleRecord[]>> {
  const groups = new Map<string, Map<string, SampleRecord[]>>();
  for (const sample of samples) {
    const key = JSON.stringify([sample.model, sample.suite, sample.language]);
    let items = groups.get(key);
    if (!items) groups.set(key, (items = new Map()));
    let list = items.get(sample.item_id);
    if (!list) items.set(sample.item_id, (list = []));
    list.push(sample);
  }
  return groups;
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * Every aggregate, computed from the samples alone: the same function serves a fresh evaluation
 * and a recomputation from Postgres or a samples file, so the two cannot disagree.
 */
export function aggregateSamples(samples: readonly SampleRecord[], options: AggregateOptions): Aggregate[] {
  const { ks, bootstrapResamples = 1000, bootstrapSeed = 0x5eed, confidence = 0.95 } = options;
  const out: Aggregate[] = [];
  for (const items of groupSamples(samples).values()) {
    const lists = [...items.values()].map((list) => [...list].sort((a, b) => a.sample_index - b.sample_index));
    const first = lists[0]![0]!;
    const n = lists[0]!.length;
    for (const list of lists) {
      if (list.length !== n) {
        throw new RangeError(
          `item ${list[0]!.item_id} (${first.language}) has ${list.length} samples, item ${lists[0]![0]!.item_id} has ${n}: pass@k needs the same n for every item`,
        );
      }
    }
    const modes = (['robust', 'seed-compatible'] as const).filter((mode) =>
      lists.every((l) => l.every((s) => s.scores[mode])),
    );
    for (const mode of modes) {
      const scored = lists.map((list) => list.map((s) => s.scores[mode] as SampleScore));
      for (const [metric, perItem] of itemMetrics(ks, n)) {
        const values = lists.map((list, i) => perItem(list, scored[i]!));
        const ci = bootstrapInterval(values, mean, { resamples: bootstrapResamples, seed: bootstrapSeed, confidence });
        out.push({
          model: first.model,
          suite: first.suite,
          language: first.language,
          mode,
          metric,
          value: ci.estimate,
          ciLow: ci.lower,
          ciHigh: ci.upper,
          items: lists.length,
          samplesPerItem: n,
        });
      }
    }
  }
  return out;
}

/** The aggregate for (language, mode, metric), or undefined. */
export function findAggregate(
  aggregates: readonly Aggregate[],
  language: string,
  mode: ScoringMode,
  metric: string,
): Aggregate | undefined {
  return aggregates.find((a) => a.language === language && a.mode === mode && a.metric === metric);
}
