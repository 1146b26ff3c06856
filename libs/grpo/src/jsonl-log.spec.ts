import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonlLog, formatLineRef, parseLineRef, readJsonl, readLine } from './jsonl-log.js';
import { promptsForBatch, type GrpoPrompt } from './prompt-set.js';

describe('JsonlLog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grpo-jsonl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hands out byte ranges that read back the very line appended', () => {
    const log = new JsonlLog(join(dir, 'a.jsonl'));
    const first = log.append({ n: 1 });
    const second = log.append({ n: 2, text: 'réponse' });
    log.close();
    expect(readLine(parseLineRef(formatLineRef(second)))).toEqual({ n: 2, text: 'réponse' });
    expect(readLine(first)).toEqual({ n: 1 });
  });

  it('skips the torn line a killed writer left and starts the next record on a line of its own', () => {
    const path = join(dir, 'b.jsonl');
    new JsonlLog(path).append({ n: 1 });
    appendFileSync(path, '{"n": 2, "tru');
    const log = new JsonlLog(path);
    const ref = log.append({ n: 3 });
    log.close();
    expect(readJsonl(path)).toEqual([{ n: 1 }, { n: 3 }]);
    expect(readLine(ref)).toEqual({ n: 3 });
  });
});

describe('promptsForBatch', () => {
  const prompts = Array.from({ length: 5 }, (_, i) => ({ id: `p${i}` }) as GrpoPrompt);

  it.each([
    [0, 0, 1, ['p0', 'p1', 'p2']],
    [1, 0, 1, ['p3', 'p4', 'p0']],
    [1, 0, 2, ['p3', 'p0']],
    [1, 1, 2, ['p4']],
  ])(
    'batch %i, worker %i of %i takes its share of a window sliding over the prompt set',
    (batch, worker, workers, ids) => {
      expect(promptsForBatch(prompts, batch, 3, worker, workers).map((p) => p.id)).toEqual(ids);
    },
  );
});
