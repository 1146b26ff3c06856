import { readFile } from 'node:fs/promises';
import { findProblems } from '@xreason/contracts';
import { SampleRecordSchema, type SampleRecord } from '../scoring/sample-record.js';
import type { Completion, GenerationBackend, GenerationRequest } from './generation-backend.js';

/** A samples file line that is not a sample record; names the file, line and field. */
export class SamplesFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string | undefined,
    detail: string,
  ) {
    super(`${file}:${line}${field ? ` ${field}` : ''}: ${detail}`);
    this.name = 'SamplesFileError';
  }
}

/** Reads and checks a samples JSONL file (ours, as `writeEvaluationFiles` writes it); blank lines are skipped. */
export async function readSamplesFile(file: string): Promise<SampleRecord[]> {
  const text = await readFile(file, 'utf8');
  const records: SampleRecord[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new SamplesFileError(file, index + 1, undefined, `not JSON: ${(error as Error).message}`);
    }
    const problems = findProblems(SampleRecordSchema, value);
    if (problems.length > 0) {
      const first = problems[0]!;
      throw new SamplesFileError(
        file,
        index + 1,
        first.path.replace(/^\//, '').replace(/\//g, '.') || undefined,
        first.message.toLowerCase(),
      );
    }
    records.push(value as SampleRecord);
  }
  return records;
}

export function completionOf(record: SampleRecord): Completion {
  return {
    text: record.completion,
    tokenIds: record.token_ids,
    logprobs: record.logprobs,
    finishReason: record.finish_reason,
  };
}

/**
 * Serves stored completions instead of generating: re-scoring kept generations under new rules
 * (`--from-samples`) must not need the model. An item is found by (language, item id); its first
 * n stored samples, by sample index, answer a request for n.
 */
export class ReplayBackend implements GenerationBackend {
  readonly name: string;
  private readonly byItem = new Map<string, SampleRecord[]>();

  constructor(
    records: readonly SampleRecord[],
    private readonly origin = 'samples',
  ) {
    this.name = `replay:${origin}`;
    for (const record of records) {
      const key = `${record.language}\u0000${record.item_id}`;
      let list = this.byItem.get(key);
      if (!list) this.byItem.set(key, (list = []));
      if (list.some((r) => r.sample_index === record.sample_index)) {
        throw new RangeError(
          `${origin}: sample ${record.sample_index} of ${record.item_id} (${record.language}) appears twice`,
        );
      }
      list.push(record);
    }
    for (const list of this.byItem.values()) list.sort((a, b) => a.sample_index - b.sample_index);
  }

  static async fromFiles(files: readonly string[]): Promise<ReplayBackend> {
    const records: SampleRecord[] = [];
    for (const file of files) records.push(...(await readSamplesFile(file)));
    return new ReplayBackend(records, files.join(','));
  }

  async generate(requests: readonly GenerationRequest[]): Promise<Completion[][]> {
    return requests.map((request) => {
      const stored = this.byItem.get(`${request.language}\u0000${request.itemId}`) ?? [];
      if (stored.length < request.n) {
        throw new RangeError(
          `${this.origin} has ${stored.length} samples of ${request.itemId} (${request.language}), ${request.n} requested`,
        );
      }
      return stored.slice(0, request.n).map(completionOf);
    });
  }
}
