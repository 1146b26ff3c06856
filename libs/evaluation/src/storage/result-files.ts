import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Aggregate } from '../metrics/aggregate.js';
import type { SampleRecord } from '../scoring/sample-record.js';
import { writeFileAtomic } from './atomic-write.js';

/** What an evaluation was: written at the top of results.json and into `eval_runs`. */
export interface EvaluationDescription {
  model: string;
  modelHash: string;
  adapterHash: string | null;
  suite: string;
  suiteVersion: string;
  languages: string[];
  params: {
    temperature: number;
    topP: number;
    maxTokens: number;
    seed: number;
    n: number;
    ks: number[];
    modes: string[];
  };
  backend: string;
  schedule?: string | null;
  night?: string | null;
}

export interface MetricValue {
  value: number;
  ci_low: number;
  ci_high: number;
}

/** results.json, in lm-eval-harness's spirit: configuration, then `results[language][mode][metric]`, then the samples files. */
export interface ResultsFile {
  format: 'xreason.eval.results/v1';
  evaluation_id: string;
  created_at: string;
  model: { name: string; hash: string; adapter_hash: string | null };
  suite: { name: string; version: string };
  config: EvaluationDescription['params'] & { backend: string; schedule: string | null; night: string | null };
  results: Record<string, Record<string, Record<string, MetricValue>>>;
  items: Record<string, number>;
  samples: Record<string, string>;
}

export function samplesFileName(suite: string, language: string): string {
  return `samples_${suite}_${language}.jsonl`;
}

export function resultsFileOf(
  evaluationId: string,
  description: EvaluationDescription,
  aggregates: readonly Aggregate[],
  createdAt = new Date(),
): ResultsFile {
  const results: ResultsFile['results'] = {};
  const items: Record<string, number> = {};
  for (const a of aggregates) {
    ((results[a.language] ??= {})[a.mode] ??= {})[a.metric] = { value: a.value, ci_low: a.ciLow, ci_high: a.ciHigh };
    items[a.language] = a.items;
  }
  return {
    format: 'xreason.eval.results/v1',
    evaluation_id: evaluationId,
    created_at: createdAt.toISOString(),
    model: { name: description.model, hash: description.modelHash, adapter_hash: description.adapterHash },
    suite: { name: description.suite, version: description.suiteVersion },
    config: {
      ...description.params,
      backend: description.backend,
      schedule: description.schedule ?? null,
      night: description.night ?? null,
    },
    results,
    items,
    samples: Object.fromEntries(description.languages.map((l) => [l, samplesFileName(description.suite, l)])),
  };
}

/**
 * Writes `<dir>/results.json` and one `samples_<suite>_<language>.jsonl` per language, each
 * atomically; the samples first, so a results.json on disk always has its samples beside it.
 */
export async function writeEvaluationFiles(
  dir: string,
  evaluationId: string,
  description: EvaluationDescription,
  samples: readonly SampleRecord[],
  aggregates: readonly Aggregate[],
): Promise<{ resultsPath: string; samplesPaths: string[] }> {
  const samplesPaths: string[] = [];
  for (const language of description.languages) {
    const path = join(dir, samplesFileName(description.suite, language));
    const lines = samples.filter((s) => s.language === language).map((s) => `${JSON.stringify(s)}\n`);
    await writeFileAtomic(path, lines);
    samplesPaths.push(path);
  }
  const resultsPath = join(dir, 'results.json');
  await writeFileAtomic(
    resultsPath,
    `${JSON.stringify(resultsFileOf(evaluationId, description, aggregates), null, 2)}\n`,
  );
  return { resultsPath, samplesPaths };
}

export async function readResultsFile(path: string): Promise<ResultsFile> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as ResultsFile;
  if (parsed.format !== 'xreason.eval.results/v1')
    throw new Error(`${path}: format is ${JSON.stringify(parsed.format)}, expected "xreason.eval.results/v1"`);
  return parsed;
}
