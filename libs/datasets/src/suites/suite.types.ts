import type { Static, TObject } from '@sinclair/typebox';
import type { LanguageCode } from '@xreason/contracts';
import type { Task } from '@xreason/reasoning';

/** One benchmark question, normalised across suites. */
export interface BenchmarkItem {
  /** `<suite>/<language>/<line>` unless the file carries an id. */
  id: string;
  suite: string;
  language: LanguageCode;
  task: Task;
  question: string;
  /** Option texts in letter order (A, B, …) for choice tasks. */
  choices?: string[];
  /** The gold answer as @xreason/reasoning compares it: a number, a letter, or an NLI label. */
  gold: string;
}

/**
 * A benchmark suite: where its files sit in a user's directory (the layouts the Hugging Face hub
 * publishes), the schema of one row, and how a row becomes an item. Extraction and checking of a
 * model's answer belong to @xreason/reasoning; a suite only says which task kind it is.
 */
export interface BenchmarkSuite<Row extends TObject = TObject> {
  name: string;
  /** Bumped when loading or prompting changes; see the suite's README changelog. */
  version: string;
  description: string;
  reference: string;
  task: Task;
  languages: readonly LanguageCode[];
  /** Candidate paths relative to the suite directory, first existing wins. */
  files(language: LanguageCode): string[];
  row: Row;
  /** Column names for headerless TSV files. */
  tsvColumns?: readonly string[];
  /** Turns a schema-checked row into an item; throw `RowProblem` to name a field whose value is wrong. */
  toItem(row: Static<Row>, language: LanguageCode, line: number): Omit<BenchmarkItem, 'suite' | 'language' | 'task'>;
}

/** A value that matches the schema but not the suite's rules (a gold letter outside the choices, say). */
export class RowProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function defineSuite<Row extends TObject>(suite: BenchmarkSuite<Row>): BenchmarkSuite<Row> {
  return suite;
}

/** The layouts common to most suites: `<lang>.jsonl`, `<lang>.parquet`, `<lang>/test.jsonl`, the hub's parquet shard. */
export function commonFiles(language: string): string[] {
  return [
    `${language}.jsonl`,
    `${language}.json`,
    `${language}.parquet`,
    `${language}/test.jsonl`,
    `${language}/test-00000-of-00001.parquet`,
  ];
}

export const LETTERS = 'ABCDEFGHIJ';
