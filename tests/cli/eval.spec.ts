import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xreason } from './run-cli.js';

describe('xreason eval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xreason-eval-'));
  chmodSync(dir, 0o755); // as root, embedded Postgres runs as the postgres user
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores a checkpoint per language, keeps every sample, and repeats with identical numbers', async () => {
    // A tokenizer trained on the synthetic world, and a random model with its vocabulary.
    const data = join(dir, 'data');
    expect(
      (
        await xreason([
          'data',
          'build',
          '--recipe',
          'budget-sft',
          '--languages',
          'ja,fr',
          '--count',
          '8',
          '--vocab-size',
          '300',
          '--out',
          data,
        ])
      ).code,
    ).toBe(0);
    const model = join(dir, 'model');
    const init = await xreason([
      'model',
      'init',
      '--arch',
      'qwen2',
      '--vocab',
      '300',
      '--hidden',
      '32',
      '--layers',
      '1',
      '--heads',
      '2',
      '--kv-heads',
      '1',
      '--intermediate',
      '64',
      '--seed',
      '2',
      '--out',
      model,
    ]);
    expect(init.code).toBe(0);
    for (const file of readdirSync(join(data, 'tokenizer')))
      copyFileSync(join(data, 'tokenizer', file), join(model, file));

    const args = [
      'eval',
      '--model',
      model,
      '--suite',
      'world',
      '--count',
      '4',
      '--languages',
      'ja,fr',
      '--n',
      '2',
      '--k',
      '1,2',
      '--max-tokens',
      '24',
      '--state-dir',
      join(dir, 'state'),
      '--json',
    ];
    const first = await xreason([...args, '--out', join(dir, 'out1')]);
    expect(first.code).toBe(0);
    const rows = JSON.parse(first.stdout) as { language: string; metric: string; value: number; items: number }[];
    for (const language of ['ja', 'fr']) {
      for (const metric of ['pass@1', 'pass@2', 'language_consistency']) {
        const row = rows.find((r) => r.language === language && r.metric === metric);
        expect(row?.items).toBe(4);
        expect(row!.value).toBeGreaterThanOrEqual(0);
        expect(row!.value).toBeLessThanOrEqual(1);
      }
    }
    const [runDir] = readdirSync(join(dir, 'out1', 'results'));
    expect(existsSync(join(dir, 'out1', 'results', runDir!, 'samples_world-test-iid_ja.jsonl'))).toBe(true);
    expect(readFileSync(join(dir, 'out1', 'report.html'), 'utf8')).toMatch(/<svg[\s\S]*<\/svg>/);

    // The same request again (seeded sampling; generations come from the Postgres cache): the same numbers.
    const second = await xreason([...args, '--out', join(dir, 'out2')]);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(rows.map((r) => ({ ...r })));
  }, 180_000);

  it('names the missing data directory of a benchmark suite', async () => {
    const run = await xreason([
      'eval',
      '--model',
      join(dir, 'model'),
      '--suite',
      'mgsm',
      '--languages',
      'ja',
      '--no-db',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--data: the mgsm suite is read from a directory/);
  });
});
