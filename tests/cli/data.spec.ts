import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xreason } from './run-cli.js';

const mgsmFixtures = join(import.meta.dirname, '../../libs/datasets/src/suites/mgsm/fixtures');

describe('xreason data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xreason-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a recipe dataset with a manifest whose counts match the examples', async () => {
    const out = join(dir, 'sft');
    const run = await xreason([
      'data',
      'build',
      '--recipe',
      'budget-sft',
      '--languages',
      'ja,fr',
      '--count',
      '8',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const { manifest } = JSON.parse(run.stdout);
    expect(manifest.examplesPerLanguage).toEqual({ ja: 8, fr: 8 });
    const examples = readFileSync(join(out, 'examples.jsonl'), 'utf8').trim().split('\n');
    expect(examples).toHaveLength(manifest.examples);
    expect(JSON.parse(readFileSync(join(out, 'tokenizer/tokenizer.json'), 'utf8')).model.type).toBe('BPE');
  }, 120_000);

  it('refuses a language the synthetic world does not have, naming the flag', async () => {
    const run = await xreason([
      'data',
      'build',
      '--recipe',
      'budget-sft',
      '--languages',
      'ja,xx',
      '--out',
      join(dir, 'x'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--languages: unknown language code\(s\) "xx"/);
  });

  it('checks benchmark files: counts per language, or each bad row by file and line', async () => {
    const good = await xreason(['data', 'check', '--suite', 'mgsm', '--dir', mgsmFixtures, '--json']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).counts).toEqual({ en: 2, ja: 2 });

    const broken = join(dir, 'mgsm');
    rmSync(broken, { recursive: true, force: true });
    mkdirSync(broken);
    copyFileSync(join(mgsmFixtures, 'mgsm_en.tsv'), join(broken, 'mgsm_en.tsv'));
    writeFileSync(
      join(broken, 'mgsm_en.tsv'),
      readFileSync(join(broken, 'mgsm_en.tsv'), 'utf8') + 'a question with no answer column\n',
    );
    const bad = await xreason(['data', 'check', '--suite', 'mgsm', '--dir', broken]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/mgsm_en\.tsv:3/);
  }, 60_000);

  it('answers an unknown suite with a did-you-mean', async () => {
    const run = await xreason(['data', 'check', '--suite', 'msgm', '--dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unknown .*"msgm"; did you mean "mgsm"/);
  });
});
