import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xreason } from './run-cli.js';

describe('xreason reward score', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xreason-reward-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores every good row, names each bad row by line, and exits 1', async () => {
    const input = join(dir, 'rollouts.jsonl');
    const output = join(dir, 'scored.jsonl');
    writeFileSync(
      input,
      [
        JSON.stringify({
          id: 'a',
          language: 'ja',
          gold: '42',
          task: 'math',
          completion: '<think>6と7を掛けると42になります。</think>答えは \\boxed{42} です。',
        }),
        JSON.stringify({
          id: 'b',
          language: 'fr',
          gold: '3.5',
          task: 'math',
          completion: '<think>First, 7 divided by 2 is 3.5.</think> La réponse est \\boxed{3,5}.',
        }),
        '{"id": "c", "language": "ja"',
        JSON.stringify({
          id: 'd',
          language: 'es',
          gold: 'C',
          task: 'choice',
          completion: '<think>Analicemos cada opción con cuidado.</think> La respuesta es (C).',
        }),
      ].join('\n') + '\n',
    );
    const run = await xreason(['reward', 'score', '--in', input, '--out', output, '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/rollouts\.jsonl:3: /);
    const rows = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', 'd']);
    expect(rows[0]).toMatchObject({
      correct: true,
      format_ok: true,
      detected_language: 'ja',
      language_consistent: true,
    });
    // Right answer, but reasoned in English for a French question: the failure the methods fix.
    expect(rows[1]).toMatchObject({ correct: true, language_consistent: false, detected_language: 'en' });
    expect(rows[0].reward).toBeGreaterThan(rows[1].reward);
  }, 60_000);

  it('rejects an unknown mode by naming the flag', async () => {
    const run = await xreason(['reward', 'score', '--in', 'x', '--out', 'y', '--mode', 'strict']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--mode: "strict" is not one of robust, seed-compatible/);
  });
});
