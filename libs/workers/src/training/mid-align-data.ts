import * as fs from 'node:fs';
import { join } from 'node:path';
import type { TrainSequence } from '@xreason/engine';
import { Tokenizer } from '@xreason/tokenizer';
import { PermanentStageError } from '../runtime/stage-error.js';

/** An X-language question and its English original, as token ids: one contrastive pair. */
export interface ParallelPair {
  anchor: number[];
  positive: number[];
}

export interface MidAlignData {
  /** In-language task examples (thinking prompt → chain), loss on the completion. */
  task: TrainSequence[];
  pairs: ParallelPair[];
}

/**
 * The mid-align dataset (datasets' `mid-align` recipe) from its examples.jsonl: `task` rows become
 * training sequences, `parallel` rows (prompt = English question, completion = the X question) become
 * contrastive pairs with the X question as anchor. The shards cannot tell the two parts apart, so the
 * examples are tokenized here with the run's tokenizer.
 */
export async function readMidAlignData(
  datasetDirs: readonly string[],
  tokenizerDir: string,
  maxLength = Number.POSITIVE_INFINITY,
): Promise<MidAlignData> {
  const tokenizer = Tokenizer.fromDirectory(tokenizerDir);
  const encode = (text: string) => tokenizer.encodeIds(text, { addSpecialTokens: false });
  const data: MidAlignData = { task: [], pairs: [] };
  for (const dir of datasetDirs) {
    const file = join(dir, 'examples.jsonl');
    if (!fs.existsSync(file)) throw new PermanentStageError(file, 'the mid-align dataset has no examples.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (const [i, line] of lines.entries()) {
      const example = JSON.parse(line) as { part?: string; prompt?: unknown; completion?: unknown };
      if (typeof example.prompt !== 'string' || typeof example.completion !== 'string')
        throw new PermanentStageError(`${file}:${i + 1}`, 'an example needs string prompt and completion');
      if (example.part === 'parallel') {
        data.pairs.push({
          anchor: (await encode(example.completion)).slice(0, maxLength),
          positive: (await encode(example.prompt)).slice(0, maxLength),
        });
      } else if (example.part === 'task') {
        const prompt = await encode(example.prompt);
        const ids = [...prompt, ...(await encode(example.completion))].slice(0, maxLength);
        if (prompt.length < ids.length) data.task.push({ ids, promptLength: prompt.length });
      }
    }
  }
  if (data.task.length === 0) throw new PermanentStageError(datasetDirs.join(', '), 'no task examples');
  if (data.pairs.length < 2)
    throw new PermanentStageError(datasetDirs.join(', '), 'contrastive training needs at least two parallel pairs');
  return data;
}
