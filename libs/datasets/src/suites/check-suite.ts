import type { LanguageCode } from '@xreason/contracts';
import { DatasetError } from '../loaders/dataset-error.js';
import { findSuiteFile, loadSuiteLanguage } from './load-suite.js';
import { suiteRegistry } from './registry.js';

export interface SuiteCheckReport {
  suite: string;
  version: string;
  dir: string;
  /** Items per language, for the languages whose file was found. */
  counts: Partial<Record<LanguageCode, number>>;
  /** Languages of the suite with no file in the directory. */
  missing: LanguageCode[];
  errors: { file: string; line: number; field?: string; message: string }[];
  ok: boolean;
}

/**
 * `xreason data check --suite S --dir DIR`: finds each language's file, schema-checks every row and
 * reports the item count per language or every error (file, line, field). An unknown suite name
 * throws with a did-you-mean; a directory with no file of the suite is an error.
 */
export async function checkSuiteDirectory(
  suiteName: string,
  dir: string,
  options: { languages?: readonly LanguageCode[] } = {},
): Promise<SuiteCheckReport> {
  const suite = suiteRegistry.get(suiteName);
  const report: SuiteCheckReport = {
    suite: suite.name,
    version: suite.version,
    dir,
    counts: {},
    missing: [],
    errors: [],
    ok: true,
  };
  const collected: DatasetError[] = [];
  for (const language of options.languages ?? suite.languages) {
    if (options.languages && !findSuiteFile(suite, dir, language)) {
      collected.push(
        new DatasetError(
          dir,
          0,
          undefined,
          `no ${suite.name} file for "${language}" (looked for: ${suite.files(language).join(', ')})`,
        ),
      );
      continue;
    }
    if (!suite.languages.includes(language) || !findSuiteFile(suite, dir, language)) {
      if (suite.languages.includes(language)) report.missing.push(language);
      else collected.push(new DatasetError(dir, 0, undefined, `suite "${suite.name}" has no language "${language}"`));
      continue;
    }
    const items = await loadSuiteLanguage(suite, dir, language, { collectErrors: collected });
    report.counts[language] = items.length;
  }
  if (Object.keys(report.counts).length === 0 && collected.length === 0) {
    collected.push(
      new DatasetError(
        dir,
        0,
        undefined,
        `no ${suite.name} files found (e.g. ${suite.files(suite.languages[0] as LanguageCode)[0]})`,
      ),
    );
  }
  report.errors = collected.map((e) => ({
    file: e.file,
    line: e.line,
    ...(e.field ? { field: e.field } : {}),
    message: e.message,
  }));
  report.ok = report.errors.length === 0;
  return report;
}

/** The human form of a report (the CLI prints JSON with --json). */
export function formatCheckReport(report: SuiteCheckReport): string {
  const lines = [`${report.suite} ${report.version} in ${report.dir}`];
  for (const [language, count] of Object.entries(report.counts)) lines.push(`  ${language.padEnd(4)} ${count} items`);
  if (report.missing.length > 0) lines.push(`  (no file for: ${report.missing.join(', ')})`);
  for (const error of report.errors) lines.push(`  error: ${error.message}`);
  lines.push(report.ok ? 'ok' : `${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}
