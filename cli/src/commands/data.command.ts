import { resolve } from 'node:path';
import { isLanguageCode, type LanguageCode } from '@xreason/contracts';
import {
  WORLD_LANGUAGES,
  type WorldLanguage,
  buildRecipeDataset,
  checkSuiteDirectory,
  formatCheckReport,
  recipeRegistry,
} from '@xreason/datasets';
import { type CliCommand, UserError } from '../cli-command.js';
import { parseChoice, parsePositiveInteger } from '../options.js';

interface BuildOptions {
  recipe: string;
  out: string;
  languages?: string;
  count: string;
  seed: string;
  tokenizer?: string;
  vocabSize: string;
  sequenceLength: string;
  mode: string;
  json?: boolean;
}

interface CheckOptions {
  suite: string;
  dir: string;
  languages?: string;
  json?: boolean;
}

function parseLanguages(flag: string, value: string): LanguageCode[] {
  const codes = value
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const bad = codes.filter((c) => !isLanguageCode(c));
  if (bad.length > 0 || codes.length === 0)
    throw new UserError(`${flag}: unknown language code(s) ${bad.map((c) => `"${c}"`).join(', ') || '(none given)'}`);
  return codes as LanguageCode[];
}

export const dataCommand: CliCommand = {
  name: 'data',
  register(program) {
    const data = program.command('data').description('recipe datasets and benchmark files');
    data
      .command('build')
      .description(
        'build a recipe dataset from the synthetic multilingual world: examples JSONL, tokenised shards, manifest',
      )
      .requiredOption('--recipe <name>', `one of ${recipeRegistry.names().join(', ')}`)
      .requiredOption('--out <dir>', 'output directory')
      .option('--languages <codes>', `comma-separated (default: ${WORLD_LANGUAGES.join(',')})`)
      .option('--count <n>', 'problems per language', '300')
      .option('--seed <n>', 'generator seed', '1')
      .option(
        '--tokenizer <dir>',
        'a Hugging Face tokenizer directory (default: train a byte-level BPE on the examples)',
      )
      .option('--vocab-size <n>', 'vocabulary of the trained tokenizer', '2048')
      .option('--sequence-length <n>', 'tokens per row', '512')
      .option('--mode <mode>', 'pack or pad', 'pack')
      .option('--json', 'print the manifest as JSON')
      .action(async (options: BuildOptions) => {
        if (!recipeRegistry.has(options.recipe)) recipeRegistry.get(options.recipe); // throws with a did-you-mean
        const languages = options.languages ? parseLanguages('--languages', options.languages) : undefined;
        const unsupported = (languages ?? []).filter((l) => !(WORLD_LANGUAGES as readonly string[]).includes(l));
        if (unsupported.length > 0)
          throw new UserError(
            `--languages: the synthetic world has no ${unsupported.join(', ')} yet (it has ${WORLD_LANGUAGES.join(', ')})`,
          );
        console.error(`building ${options.recipe} into ${resolve(options.out)} …`);
        const result = await buildRecipeDataset({
          recipe: options.recipe,
          outDir: resolve(options.out),
          languages: languages as WorldLanguage[] | undefined,
          count: parsePositiveInteger('--count', options.count),
          seed: Number.parseInt(options.seed, 10),
          tokenizerDir: options.tokenizer,
          vocabSize: parsePositiveInteger('--vocab-size', options.vocabSize),
          sequenceLength: parsePositiveInteger('--sequence-length', options.sequenceLength),
          mode: parseChoice('--mode', options.mode, ['pack', 'pad'] as const),
        });
        const m = result.manifest;
        if (options.json) {
          console.log(JSON.stringify({ ...result }, null, 2));
          return;
        }
        console.log(
          `${m.examples} examples, ${m.totalTokens} tokens (${m.lossTokens} trained on), ${m.shards.length} shard(s), ${m.truncated} truncated`,
        );
        for (const [language, count] of Object.entries(m.examplesPerLanguage))
          console.log(`  ${language.padEnd(4)} ${count} examples, ${m.tokensPerLanguage[language] ?? 0} tokens`);
        console.log(`examples:  ${result.examplesFile}\ntokenizer: ${result.tokenizerDir}`);
      });
    data
      .command('check')
      .description("validate a user's benchmark files: item count per language, or every error by file, line and field")
      .requiredOption('--suite <name>', 'benchmark suite, e.g. mgsm')
      .requiredOption('--dir <dir>', 'directory with the suite files (Hugging Face layouts: JSONL, Parquet, TSV)')
      .option('--languages <codes>', 'only these languages')
      .option('--json', 'print the report as JSON')
      .action(async (options: CheckOptions) => {
        const report = await checkSuiteDirectory(options.suite, resolve(options.dir), {
          languages: options.languages ? parseLanguages('--languages', options.languages) : undefined,
        });
        console.log(options.json ? JSON.stringify(report, null, 2) : formatCheckReport(report));
        if (!report.ok) process.exitCode = 1;
      });
  },
};
