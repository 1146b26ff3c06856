import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreRolloutsFile, type ScoreProgress } from './score-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reasoning-score-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const trace =
  'Réfléchissons étape par étape. Marie a trois boîtes de huit crayons, donc elle a vingt-quatre crayons en tout.';
const rows = [
  {
    id: 'a',
    language: 'fr',
    gold: '24',
    task: 'math',
    completion: `<think>${trace}</think>La réponse est \\boxed{24}.`,
    extra: 'kept',
  },
  '{"id": "broken", ',
  { id: 'b', language: 'xx', gold: '1', task: 'math', completion: 'x' },
  '',
  {
    id: 'c',
    language: 'en',
    gold: 'B',
    task: 'choice',
    completion: '<think>Option B fits best here.</think>The answer is (B).',
  },
  { id: 'd', language: 'en', gold: 3, task: 'poetry' },
];

async function writeInput(name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return path;
}

describe('scoring a rollouts file', () => {
  it('scores the good rows, keeps their fields, and names every bad line', async () => {
    const inPath = await writeInput('in.jsonl');
    const outPath = join(dir, 'out.jsonl');
    const progress: ScoreProgress[] = [];
    const result = await scoreRolloutsFile({ inPath, outPath, onProgress: (p) => progress.push(p), progressEvery: 2 });

    expect(result.scored).toBe(2);
    expect(result.failed).toBe(3);
    expect(result.errors.map((e) => e.line)).toEqual([2, 3, 6]);
    expect(result.errors[0]?.message).toMatch(/not valid JSON/);
    expect(result.errors[1]?.message).toMatch(/^language: .*\(got "xx"\)/);
    expect(result.errors[2]?.message).toMatch(/completion: /);
    expect(result.errors[2]?.message).toMatch(/task: /);

    const out = (await readFile(outPath, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((r) => r.id)).toEqual(['a', 'c']);
    expect(out[0]).toMatchObject({
      extra: 'kept',
      correct: true,
      format_ok: true,
      detected_language: 'fr',
      language_consistent: true,
    });
    expect(out[0].reward).toBeCloseTo(1.4, 12);
    expect(out[0].language_shares.fr).toBe(1);
    expect(out[1]).toMatchObject({ correct: true, format_ok: true, detected_language: 'en', answer: 'B' });
    expect(progress.at(-1)).toMatchObject({ lines: 6, scored: 2, failed: 3 });
    expect(progress.length).toBeGreaterThan(1);
  });

  it('seed-compatible mode scores with the published semantics', async () => {
    const inPath = await writeInput('in-seed.jsonl');
    const outPath = join(dir, 'out-seed.jsonl');
    await scoreRolloutsFile({ inPath, outPath, mode: 'seed-compatible' });
    const [first, second] = (await readFile(outPath, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(first).toMatchObject({ correct: true, format_ok: true, detected_language: 'fr' });
    expect(first.reward).toBeGreaterThan(1.35); // 1 + 0.2 + 0.2 × P(fr)
    expect(second).toMatchObject({ format_ok: false }); // no \boxed{…}: no seed format credit
    expect(second.reward).toBeLessThanOrEqual(1.2 + 1e-9);
  });

  it('a missing input file fails without leaving an output behind', async () => {
    const outPath = join(dir, 'never.jsonl');
    await expect(scoreRolloutsFile({ inPath: join(dir, 'missing.jsonl'), outPath })).rejects.toThrow(/ENOENT/);
    await expect(readFile(outPath)).rejects.toThrow(/ENOENT/);
  });
});
