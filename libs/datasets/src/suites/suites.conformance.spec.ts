import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isLanguageCode } from '@xreason/contracts';
import { describe, expect, it } from 'vitest';
import { thinkingPrompt } from '../prompts/thinking-prompt.js';
import { checkSuiteDirectory } from './check-suite.js';
import { extractAnswer, findSuiteFile, loadSuiteLanguage, questionText } from './load-suite.js';
import { SUITES, suiteRegistry } from './registry.js';

const here = dirname(new URL(import.meta.url).pathname);

/** The one generic test every suite passes: its folder, README, fixture, items and answers. */
describe.each(SUITES.map((s) => [s.name, s] as const))('suite %s conforms', (name, suite) => {
  const folder = join(here, name);
  const fixtures = join(folder, 'fixtures');

  it('has a README with its version and a changelog, and a spec of its own', () => {
    const readme = readFileSync(join(folder, 'README.md'), 'utf8');
    expect(readme).toContain(`Version: ${suite.version}`);
    expect(readme).toMatch(/## Changelog/);
    expect(readdirSync(folder).some((f) => f.endsWith('.spec.ts'))).toBe(true);
  });

  it('declares a task kind and only languages xreason knows', () => {
    expect(['math', 'choice', 'nli']).toContain(suite.task);
    expect(suite.languages.length).toBeGreaterThan(0);
    for (const language of suite.languages) expect(isLanguageCode(language)).toBe(true);
  });

  it('loads its fixture into items whose gold answer its own task kind can read back', async () => {
    const languages = suite.languages.filter((l) => findSuiteFile(suite, fixtures, l));
    expect(languages.length).toBeGreaterThan(0);
    for (const language of languages) {
      const items = await loadSuiteLanguage(suite, fixtures, language);
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        expect(item).toMatchObject({ suite: name, language, task: suite.task });
        if (item.choices) expect('ABCDEFGHIJ'.indexOf(item.gold)).toBeLessThan(item.choices.length);
        const prompt = thinkingPrompt(questionText(item), language, { task: suite.task });
        expect(prompt.endsWith('<think>\n')).toBe(true);
        // A completion that boxes the gold answer is read back as that answer by @xreason/reasoning.
        const extracted = extractAnswer(item, `…\n\\boxed{${item.gold}}`);
        expect(JSON.stringify(extracted)).toContain(item.gold);
      }
    }
  });

  it('reports counts through the check command', async () => {
    const report = await checkSuiteDirectory(name, fixtures);
    expect(report.ok).toBe(true);
    expect(Object.values(report.counts).every((n) => (n ?? 0) > 0)).toBe(true);
  });
});

describe('suite registry and loader errors', () => {
  it('answers an unknown suite with a did-you-mean', () => {
    expect(() => suiteRegistry.get('mgms')).toThrow(/did you mean "mgsm"/);
  });

  it.each([
    ['mgsm', 'mgsm_de.tsv', 'Frage ohne Antwort\n', /mgsm_de\.tsv:1: has 1 fields, expected 2/],
    ['mgsm', 'mgsm_de.tsv', 'Q1\t4\nQ2\tvier\n', /mgsm_de\.tsv:2: field "answer_number" is not a number/],
    [
      'xcsqa',
      'de/dev.jsonl',
      '{"question":{"stem":"s","choices":[{"label":"A","text":"a"},{"label":"B","text":"b"}]},"answerKey":"A"}\n{"question":{"stem":"s"},"answerKey":"A"}\n',
      /dev\.jsonl:2: field "question\.choices" expected required property/,
    ],
    [
      'xcsqa',
      'de/dev.jsonl',
      '{"question":{"stem":"s","choices":[{"label":"A","text":"a"}, {"label":"B","text":"b"}]},"answerKey":"E"}\n',
      /dev\.jsonl:1: field "answerKey" "E" is not one of the choice labels A, B/,
    ],
    ['xcsqa', 'de/dev.jsonl', '{"question": oops}\n', /dev\.jsonl:1: is not valid JSON/],
    ['mmlu', 'mmlu.csv', 'Question,A,B,C,D,Answer\nq,a,b,c,d,E\n', /mmlu\.csv:2: field "Answer"/],
    [
      'gpqa-diamond',
      'de.jsonl',
      '{"problem":"p","solution":"no box here"}\n',
      /de\.jsonl:1: field "solution" has no \\boxed/,
    ],
    [
      'mmlu-pro',
      'test.jsonl',
      '{"question":"q","options":["a","b"],"answer":"D"}\n',
      /test\.jsonl:1: field "answer" "D" is beyond the 2 options/,
    ],
    [
      'aime2025',
      'de.jsonl',
      '{"problem":"p","answer":"1000"}\n',
      /de\.jsonl:1: field "answer" AIME answers are integers/,
    ],
  ])('%s rejects a malformed row in %s naming file, line and field', async (suiteName, relative, content, expected) => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-'));
    mkdirSync(dirname(join(dir, relative)), { recursive: true });
    writeFileSync(join(dir, relative), content);
    const suite = suiteRegistry.get(suiteName);
    const language = suite.languages.includes('de') ? 'de' : 'en';
    await expect(loadSuiteLanguage(suite, dir, language)).rejects.toThrow(expected);
    const report = await checkSuiteDirectory(suiteName, dir, { languages: [language] });
    expect(report.ok).toBe(false);
    expect(report.errors[0]?.file).toBe(join(dir, relative));
  });

  it('reports a directory without the suite files as an error', async () => {
    const report = await checkSuiteDirectory('xnli', mkdtempSync(join(tmpdir(), 'suite-')));
    expect(report.ok).toBe(false);
    expect(report.errors[0]?.message).toMatch(/no xnli files found/);
  });
});
