import { join, resolve } from 'node:path';
import { isLanguageCode } from '@xreason/contracts';
import { type Database, openDatabase } from '@xreason/db';
import type { EvalSummaryRow } from '@xreason/workers';
import { type CliCommand, UserError } from '../cli-command.js';
import { renderEvalSummary } from '../eval-summary.js';
import { evaluateCheckpoint, writeHtmlReport } from '../evaluate-checkpoint.js';
import { registerEvalScheduleCommands } from './eval-schedule.command.js';
import { parseChoice, parsePositiveInteger } from '../options.js';
import { Progress } from '../progress.js';

interface EvalOptions {
  model: string;
  adapter?: string;
  suite: string;
  data?: string;
  count: string;
  languages: string;
  n: string;
  k: string;
  temperature?: string;
  topP?: string;
  maxTokens: string;
  mode: string;
  seed: string;
  out: string;
  stateDir: string;
  db: boolean;
  json?: boolean;
}

/**
 * `xreason eval`: the pipeline's own eval stage (libs/workers) on one checkpoint, outside a run — the
 * same scoring, storage, cache and files, so a number from the CLI and one from a run are comparable.
 */
export const evalCommand: CliCommand = {
  name: 'eval',
  register(program) {
    const evalCommand = program.command('eval');
    registerEvalScheduleCommands(evalCommand);
    evalCommand
      .description('evaluate a checkpoint on a suite: pass@k and language consistency per language, every sample kept')
      .option('--model <dir>', 'Hugging Face checkpoint directory (with tokenizer.json); required')
      .option('--adapter <dir>', 'PEFT adapter directory')
      .option('--suite <name>', '"world" (held-out synthetic problems) or a benchmark suite, e.g. mgsm; required')
      .option('--data <dir>', 'directory with the suite files (for benchmark suites)')
      .option('--count <n>', 'problems per language for the world suite', '50')
      .option('--languages <codes>', 'comma-separated, e.g. ja,fr,es; required')
      .option('--n <n>', 'samples per item', '4')
      .option('--k <list>', 'pass@k for these k (each ≤ n)', '1')
      .option('--temperature <t>', 'sampling temperature (default 0.7 when n > 1, else greedy)')
      .option('--top-p <p>', 'nucleus sampling')
      .option('--max-tokens <n>', 'new tokens per sample', '256')
      .option('--mode <mode>', 'robust or seed-compatible scoring (default: both are computed, robust shown)', 'robust')
      .option('--seed <n>', 'sampling and bootstrap seed', '1')
      .option('--out <dir>', 'results.json + samples JSONL go here', 'eval-results')
      .option('--state-dir <dir>', 'local state (the embedded database)', process.env.XREASON_STATE_DIR ?? '.xreason')
      .option('--no-db', 'files only: no Postgres (no cache, no history)')
      .option('--json', 'print the summary rows as JSON')
      .action(async (o: EvalOptions) => {
        // Checked here rather than by commander: its required options would be demanded of the
        // `eval schedule …` subcommands too.
        for (const [flag, value] of [
          ['--model <dir>', o.model],
          ['--suite <name>', o.suite],
          ['--languages <codes>', o.languages],
        ] as const)
          if (value === undefined) throw new UserError(`required option '${flag}' not specified`);
        const languages = o.languages.split(',').map((l) => l.trim());
        const bad = languages.filter((l) => !isLanguageCode(l));
        if (bad.length > 0) throw new UserError(`--languages: unknown language code(s) ${bad.join(', ')}`);
        const n = parsePositiveInteger('--n', o.n);
        const ks = o.k.split(',').map((k) => parsePositiveInteger('--k', k.trim()));
        const mode = parseChoice('--mode', o.mode, ['robust', 'seed-compatible'] as const);
        if (o.suite !== 'world' && !o.data)
          throw new UserError(`--data: the ${o.suite} suite is read from a directory of its files`);
        const count = parsePositiveInteger('--count', o.count);
        const dataUri =
          o.suite === 'world' ? `synthetic://world?split=test-iid&count=${count}` : resolve(o.data as string);
        const outputDir = resolve(o.out);
        let database: Database | undefined;
        if (o.db)
          database = await openDatabase({
            stateDir: resolve(o.stateDir),
            ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
          });
        const progress = new Progress('evaluating', Boolean(o.json));
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        let rows: EvalSummaryRow[];
        try {
          // The same validated spec a run carries: an invalid flag combination fails, naming the field.
          rows = await evaluateCheckpoint({
            modelDir: o.model,
            ...(o.adapter ? { adapterDir: o.adapter } : {}),
            languages,
            data: { name: o.suite, uri: dataUri },
            evaluation: {
              suites: [o.suite],
              samples: n,
              k: ks,
              ...(o.temperature === undefined ? {} : { temperature: Number(o.temperature) }),
              ...(o.topP === undefined ? {} : { topP: Number(o.topP) }),
              maxNewTokens: parsePositiveInteger('--max-tokens', o.maxTokens),
              mode,
            },
            seed: Number.parseInt(o.seed, 10),
            outputDir,
            signal: controller.signal,
            ...(database ? { dataSource: database.dataSource } : {}),
            onProgress: (fraction, message) => progress.update(fraction, 1, message),
          });
        } finally {
          await database?.close();
        }
        progress.done(`done → ${outputDir}`);
        const report = join(outputDir, 'report.html');
        writeHtmlReport(report, { title: `${o.suite}: ${resolve(o.model)}`, rows, samplesPerItem: n, mode });
        console.log(o.json ? JSON.stringify(rows, null, 2) : `${renderEvalSummary(rows, mode)}\n\nreport: ${report}`);
      });
  },
};
