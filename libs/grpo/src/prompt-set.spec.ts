import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recipeRegistry } from '@xreason/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { GrpoStageError } from './grpo-stage-error.js';
import { promptSetFromDatasets } from './prompt-set.js';

describe('promptSetFromDatasets', () => {
  const root = mkdtempSync(join(tmpdir(), 'xreason-prompts-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const dataset = (name: string, rows: readonly object[]) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'examples.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return dir;
  };

  it('takes every row of each language’s dataset, prompt and gold answer, in file order', () => {
    const ja = recipeRegistry.get('grpo-prompts').build({ languages: ['ja'], seed: 4, count: 5 });
    const fr = recipeRegistry.get('grpo-prompts').build({ languages: ['fr'], seed: 4, count: 3 });
    const prompts = promptSetFromDatasets([
      { language: 'ja', dir: dataset('ja', ja) },
      { language: 'fr', dir: dataset('fr', fr) },
    ]);
    expect(prompts).toHaveLength(8);
    expect(prompts.map((p) => p.id)).toEqual(['ja-0', 'ja-1', 'ja-2', 'ja-3', 'ja-4', 'fr-0', 'fr-1', 'fr-2']);
    expect(prompts[0]).toMatchObject({ language: 'ja', task: 'math', prompt: ja[0]!.prompt, gold: ja[0]!.answer });
    expect(prompts[5]!.gold).toBe(fr[0]!.answer);
  });

  it('names the file and line of a row without an answer, and a directory that is no dataset', () => {
    const bad = dataset('bad', [{ prompt: 'p', answer: '1' }, { prompt: 'q' }]);
    expect(() => promptSetFromDatasets([{ language: 'es', dir: bad }])).toThrow(/examples\.jsonl:2: .*answer/);
    expect(() => promptSetFromDatasets([{ language: 'es', dir: join(root, 'nothing') }])).toThrow(GrpoStageError);
  });
});
