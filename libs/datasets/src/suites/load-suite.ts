import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findProblems, type LanguageCode } from '@xreason/contracts';
import { extractFinalAnswer, type ExtractedAnswer } from '@xreason/reasoning';
import { DatasetError } from '../loaders/dataset-error.js';
import { readRecords } from '../loaders/records.js';
import { RowProblem, type BenchmarkItem, type BenchmarkSuite } from './suite.types.js';

/** The first of the suite's candidate files that exists for `language`, or undefined. */
export function findSuiteFile(suite: BenchmarkSuite, dir: string, language: LanguageCode): string | undefined {
  return suite
    .files(language)
    .map((relative) => join(dir, relative))
    .find((path) => existsSync(path));
}

/**
 * Loads one language of a suite from a user's directory. Every row is schema-checked; the first
 * bad row throws a DatasetError naming file, line and field (`collectErrors` gathers them all).
 */
export async function loadSuiteLanguage(
  suite: BenchmarkSuite,
  dir: string,
  language: LanguageCode,
  options: { collectErrors?: DatasetError[] } = {},
): Promise<BenchmarkItem[]> {
  if (!suite.languages.includes(language)) {
    throw new DatasetError(
      dir,
      0,
      undefined,
      `suite "${suite.name}" has no language "${language}" (has: ${suite.languages.join(', ')})`,
    );
  }
  const file = findSuiteFile(suite, dir, language);
  if (!file)
    throw new DatasetError(
      dir,
      0,
      undefined,
      `no ${suite.name} file for "${language}" (looked for: ${suite.files(language).join(', ')})`,
    );
  const items: BenchmarkItem[] = [];
  const fail = (error: DatasetError): void => {
    if (!options.collectErrors) throw error;
    options.collectErrors.push(error);
  };
  let records;
  try {
    records = await readRecords(file, { columns: file.endsWith('.tsv') ? suite.tsvColumns : undefined });
  } catch (error) {
    if (error instanceof DatasetError) {
      fail(error);
      return items;
    }
    throw error;
  }
  for (const { line, record } of records) {
    const problems = findProblems(suite.row, record);
    if (problems.length > 0) {
      const first = problems[0]!;
      fail(
        new DatasetError(
          file,
          line,
          first.path.replace(/^\//, '').replace(/\//g, '.') || undefined,
          first.message.toLowerCase(),
        ),
      );
      continue;
    }
    try {
      items.push({ ...suite.toItem(record as never, language, line), suite: suite.name, language, task: suite.task });
    } catch (error) {
      if (error instanceof RowProblem) fail(new DatasetError(file, line, error.field, error.message));
      else throw error;
    }
  }
  return items;
}

/** A model's final answer read by @xreason/reasoning with the suite's task kind and the item's language. */
export function extractAnswer(item: BenchmarkItem, completion: string): ExtractedAnswer {
  return extractFinalAnswer(completion, item.task, item.language);
}

/** The question as a model sees it: the stem, then one `X. text` line per option. */
export function questionText(item: BenchmarkItem): string {
  if (!item.choices) return item.question;
  return `${item.question}\n\n${item.choices.map((choice, i) => `${'ABCDEFGHIJ'[i]}. ${choice}`).join('\n')}`;
}
