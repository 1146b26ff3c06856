// Adds up the per-project Vitest JSON reports into one closing line, "N passed, N failed",
// and fails when nothing ran: a suite that silently runs no test must not look green.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? '.';
const allowMissing = process.argv.includes('--allow-missing');
const projectDirs = ['libs', 'services']
  .flatMap((group) =>
    existsSync(join(root, group)) ? readdirSync(join(root, group)).map((d) => join(root, group, d)) : [],
  )
  .concat([join(root, 'cli'), join(root, 'tests')]);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of projectDirs) {
  if (!existsSync(join(dir, 'package.json'))) continue;
  const reportPath = join(dir, 'test-results/vitest.json');
  if (!existsSync(reportPath)) {
    missing.push(dir);
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}
if (missing.length > 0) console.log(`no test report from: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed === 0 || failed > 0 || (missing.length > 0 && !allowMissing)) process.exit(1);
