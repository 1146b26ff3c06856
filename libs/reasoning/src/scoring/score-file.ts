import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ScoringMode } from './judgement.js';
import { parseRolloutLine } from './rollout-row.js';
import { createRolloutScorer } from './score.js';

export interface ScoreRolloutsFileOptions {
  inPath: string;
  outPath: string;
  mode?: ScoringMode;
  /** A reward config (weights, parameters; see parseRewardConfig); `mode` above wins over its mode. */
  config?: Record<string, unknown>;
  /** Called every `progressEvery` lines and once at the end. */
  onProgress?: (progress: ScoreProgress) => void;
  progressEvery?: number;
}

export interface ScoreProgress {
  lines: number;
  scored: number;
  failed: number;
  /** Bytes of the input read so far, for a progress bar against the file size. */
  bytesRead: number;
}

export interface RowError {
  /** 1-based line number in the input file. */
  line: number;
  message: string;
}

export interface ScoreRolloutsFileResult extends ScoreProgress {
  errors: RowError[];
}

/**
 * Scores a rollouts JSONL file into a scored JSONL file, streaming (memory does not grow with the
 * file). Each output row is the input row plus the fields of RolloutScore. A bad row is reported
 * with its line number and left out; every other row is still scored. The output appears whole or
 * not at all: it is written to a temporary file and renamed when done.
 */
export async function scoreRolloutsFile(options: ScoreRolloutsFileOptions): Promise<ScoreRolloutsFileResult> {
  const { inPath, outPath, onProgress, progressEvery = 1000 } = options;
  const config = { ...options.config, ...(options.mode ? { mode: options.mode } : {}) };
  const scorer = await createRolloutScorer(config);
  const input = createReadStream(inPath);
  const temporary = `${outPath}.tmp-${process.pid}`;
  const output = createWriteStream(temporary);
  const progress: ScoreProgress = { lines: 0, scored: 0, failed: 0, bytesRead: 0 };
  const errors: RowError[] = [];
  try {
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
      progress.lines++;
      if (line.trim().length === 0) continue;
      try {
        const { row, rollout } = parseRolloutLine(line);
        const scored = { ...row, ...scorer.score(rollout) };
        if (!output.write(JSON.stringify(scored) + '\n')) await once(output, 'drain');
        progress.scored++;
      } catch (error) {
        progress.failed++;
        errors.push({ line: progress.lines, message: (error as Error).message });
      }
      if (onProgress && progress.lines % progressEvery === 0) onProgress({ ...progress, bytesRead: input.bytesRead });
    }
    output.end();
    await once(output, 'finish');
    await rename(temporary, outPath);
  } catch (error) {
    output.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
  progress.bytesRead = input.bytesRead;
  onProgress?.({ ...progress });
  return { ...progress, errors };
}

/** What the CLI needs to wire `xreason reward score` (the CLI package owns argument parsing). */
export const scoreRolloutsCommand = {
  name: 'reward score',
  summary: 'Score rollouts: accuracy, language consistency, format, and the weighted reward',
  usage: 'xreason reward score --in rollouts.jsonl --out scored.jsonl [--mode robust|seed-compatible]',
  options: [
    {
      flag: '--in',
      required: true,
      description: 'input JSONL: {"id","language","gold","completion","task":"math"|"choice"|"nli"} per line',
    },
    {
      flag: '--out',
      required: true,
      description:
        'output JSONL: each input row plus correct, format_ok, detected_language, language_consistent, language_shares, reward',
    },
    {
      flag: '--mode',
      required: false,
      choices: ['robust', 'seed-compatible'],
      default: 'robust',
      description: "robust rules, or the published scripts' semantics to reproduce published numbers",
    },
  ],
  /** Exit status: 0 when every row was scored, 1 when some rows were bad (they are listed by line). */
  run: scoreRolloutsFile,
} as const;
