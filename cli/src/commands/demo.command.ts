import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type AlignmentRunStatus,
  type LanguageCode,
  STAGE_OUTPUTS_FILE,
  isLanguageCode,
  stageOutputDir,
} from '@xreason/contracts';
import { WORLD_LANGUAGES, type WorldLanguage } from '@xreason/datasets';
import type { EvalSummaryRow } from '@xreason/workers';
import { ApiClient } from '../api-client.js';
import { type CliCommand, UserError } from '../cli-command.js';
import { demoBaseModelKey, ensureDemoBaseModel } from '../demo/demo-base-model.js';
import { demoRunManifest } from '../demo/demo-manifest.js';
import {
  type DemoModel,
  evaluateDemoModels,
  renderDemoComparisons,
  renderDemoTable,
  writeDemoReport,
} from '../demo/demo-report.js';
import { Progress } from '../progress.js';
import { findFreePort } from '../local/free-port.js';
import { LocalPlatform } from '../local/local-platform.js';
import { parsePositiveInteger } from '../options.js';

interface DemoOptions {
  stateDir: string;
  out: string;
  languages: string;
  problems?: string;
  epochs?: string;
  grpoSteps?: string;
  baseSteps?: string;
  evalProblems?: string;
  evalSamples?: string;
  seed: string;
  timeout: string;
  quick?: boolean;
  keepRunning?: boolean;
}

/** Sizes of the full demo and of `--quick` (the CI test); flags override either. */
const SIZES = {
  full: { baseSteps: 2400, problems: 400, epochs: 2, grpoSteps: 160, evalProblems: 96, samples: 4 },
  quick: { baseSteps: 120, problems: 24, epochs: 1, grpoSteps: 2, evalProblems: 6, samples: 2 },
} as const;

export const demoCommand: CliCommand = {
  name: 'demo',
  register(program) {
    program
      .command('demo')
      .description(
        'the whole pipeline on one machine: local platform, a tiny model, budget-alignment (data → SFT → GRPO → merge → eval), results',
      )
      .option(
        '--state-dir <dir>',
        'local state (database, broker log, artifacts, logs)',
        process.env.XREASON_STATE_DIR ?? '.xreason',
      )
      .option('--out <dir>', 'where report.json and report.html go', 'xreason-demo')
      .option('--languages <codes>', `languages to align (of ${WORLD_LANGUAGES.join(', ')})`, 'ja,fr,es')
      .option('--quick', 'minimum sizes: the whole path in a few minutes, numbers not meaningful')
      .option(
        '--base-steps <n>',
        `pretraining steps of the base model (${SIZES.full.baseSteps}; quick ${SIZES.quick.baseSteps})`,
      )
      .option('--problems <n>', `SFT problems per language (${SIZES.full.problems}; quick ${SIZES.quick.problems})`)
      .option('--epochs <n>', `SFT epochs (${SIZES.full.epochs}; quick ${SIZES.quick.epochs})`)
      .option('--grpo-steps <n>', `GRPO steps (${SIZES.full.grpoSteps}; quick ${SIZES.quick.grpoSteps})`)
      .option(
        '--eval-problems <n>',
        `held-out problems per language in every evaluation (${SIZES.full.evalProblems}; quick ${SIZES.quick.evalProblems})`,
      )
      .option(
        '--eval-samples <n>',
        `samples per held-out problem (${SIZES.full.samples}; quick ${SIZES.quick.samples})`,
      )
      .option('--seed <n>', 'seed of the model, the data and the sampling', '7')
      .option('--timeout <minutes>', 'give up after this long', '30')
      .option('--keep-running', 'leave the platform up afterwards (inspect with xreason run status)')
      .action(async (options: DemoOptions) => {
        const languages = options.languages.split(',').map((l) => l.trim());
        const notInWorld = languages.filter(
          (l) => !isLanguageCode(l) || !(WORLD_LANGUAGES as readonly string[]).includes(l),
        );
        if (notInWorld.length > 0)
          throw new UserError(
            `--languages: the synthetic world has no ${notInWorld.join(', ')} (it has ${WORLD_LANGUAGES.join(', ')})`,
          );
        const seed = parsePositiveInteger('--seed', options.seed);
        const sizes = options.quick ? SIZES.quick : SIZES.full;
        const size = (flag: string, value: string | undefined, fallback: number) =>
          value === undefined ? fallback : parsePositiveInteger(flag, value);
        const baseSteps = size('--base-steps', options.baseSteps, sizes.baseSteps);
        const evalProblems = size('--eval-problems', options.evalProblems, sizes.evalProblems);
        const evalSamples = size('--eval-samples', options.evalSamples, sizes.samples);
        const stateDir = resolve(options.stateDir);
        const outDir = resolve(options.out);
        const started = Date.now();
        const log = (message: string) => console.error(`  · ${message}`);

        const baseKey = demoBaseModelKey({ languages: languages as WorldLanguage[], seed, steps: baseSteps });
        const pretraining = new Progress('  · pretraining the base model');
        const base = await ensureDemoBaseModel({
          dir: join(stateDir, 'demo', baseKey),
          languages: languages as WorldLanguage[],
          seed,
          steps: baseSteps,
          onProgress: (step, total, loss) =>
            pretraining.update(step, total, `step ${step}/${total} loss ${loss.toFixed(3)}`),
        });
        if (base.created) pretraining.done(`done: ${base.dir}`);
        log(
          base.created
            ? 'base model built (Qwen2-style, ~0.9M parameters, reasons in English whatever the question’s language)'
            : `reusing the base model in ${base.dir}`,
        );

        const platform = await LocalPlatform.start({
          stateDir,
          host: '127.0.0.1',
          operatorPort: await findFreePort(),
          brokerPort: 0,
          ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
          onProgress: log,
        });
        // Ctrl-C mid-demo stops the platform too: left running, its Postgres would hold the state
        // directory and the next demo would refuse to start.
        let interrupted: (() => void) | undefined;
        const interruption = new Promise<never>((_, reject) => {
          interrupted = () => reject(new UserError('interrupted; the platform is stopped, the run keeps its state'));
        });
        interruption.catch(() => undefined);
        const onSignal = () => interrupted?.();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          await Promise.race([interruption, demoRun()]);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await platform.stop();
        }

        async function demoRun(): Promise<void> {
          const client = new ApiClient({ stateDir, url: platform.operatorUrl });
          const name = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
          const manifest = demoRunManifest({
            name,
            baseModelDir: base.dir,
            languages: languages as LanguageCode[],
            problems: size('--problems', options.problems, sizes.problems),
            sftEpochs: size('--epochs', options.epochs, sizes.epochs),
            grpoSteps: size('--grpo-steps', options.grpoSteps, sizes.grpoSteps),
            evalProblems,
            evalSamples,
            seed,
          });
          await client.request('POST', '/runs', { text: JSON.stringify(manifest), contentType: 'application/json' });
          log(`submitted AlignmentRun ${name} (budget-alignment: ${languages.join(', ')})`);
          const status = await follow(client, name, parsePositiveInteger('--timeout', options.timeout) * 60_000);
          if (status.phase !== 'Succeeded') {
            const failed = status.stages
              .filter((s) => s.phase === 'Failed')
              .map((s) => `${s.name}: ${s.message ?? 'failed'}`);
            throw new UserError(
              `run ${name} ${status.phase}${failed.length ? `\n  ${failed.join('\n  ')}` : ''}\n  logs: xreason run logs ${name} --state-dir ${options.stateDir}`,
            );
          }
          console.error(`\nrun ${name} succeeded: ${status.stages.length} stages`);

          // Every model of the run on the same held-out problems: the base, each language's SFT and GRPO
          // adapters, and the merge (whose numbers the run's own eval stage produced).
          const artifacts = join(stateDir, 'artifacts');
          const outputsOf = (stage: string) =>
            readOutputs(stageOutputDir(artifacts, { namespace: 'default', name }, stage));
          const models: DemoModel[] = [{ stage: 'base', label: 'base', modelDir: base.dir, languages }];
          for (const language of languages)
            for (const kind of ['sft', 'grpo'] as const) {
              const stage = status.stages.find((s) => s.kind === kind && s.name === `${kind}-${language}`);
              const outputs = stage ? outputsOf(stage.name) : {};
              if (!outputs.adapter || !outputs.base) throw new UserError(`stage ${kind}-${language} left no adapter`);
              models.push({
                stage: kind,
                label: `${kind}-${language}`,
                modelDir: outputs.base,
                adapterDir: outputs.adapter,
                languages: [language],
              });
            }
          const evalStage = status.stages.find((s) => s.kind === 'eval');
          const mergedRows = evalStage ? readSummary(outputsOf(evalStage.name)) : [];
          const evaluating = new Progress('  · evaluating');
          const evaluated = await evaluateDemoModels({
            models,
            merged: mergedRows,
            manifest,
            outDir,
            onProgress: (done, total, detail) => evaluating.update(done, total, detail),
          });
          evaluating.done('done');
          const seconds = (Date.now() - started) / 1000;
          const files = writeDemoReport(outDir, evaluated, {
            title: `xreason demo ${name}`,
            seconds,
            quick: Boolean(options.quick),
            samplesPerItem: evalSamples,
          });
          console.log(renderDemoTable(evaluated.rows));
          if (evaluated.comparisons.length > 0) console.log(`\n${renderDemoComparisons(evaluated.comparisons)}`);
          console.log(`\nwall time ${(seconds / 60).toFixed(1)} min · report ${files.html} · ${files.json}`);
          console.log(`artifacts: ${join(artifacts, 'default', name)}`);
          if (options.keepRunning) {
            console.error(`\nthe platform is still up (operator ${platform.operatorUrl}); Ctrl-C stops it`);
            process.off('SIGINT', onSignal); // here Ctrl-C is the way to finish, not an interruption
            process.off('SIGTERM', onSignal);
            await new Promise<void>((done) => {
              process.once('SIGINT', () => done());
              process.once('SIGTERM', () => done());
            });
          }
        }
      });
  },
};

/** Polls the run and prints each stage transition until the run finishes or the deadline passes. */
async function follow(client: ApiClient, name: string, timeoutMs: number): Promise<AlignmentRunStatus> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, string>();
  const started = Date.now();
  for (;;) {
    const run = await client.request<{ status?: AlignmentRunStatus }>('GET', `/runs/${name}`);
    const status = run.status;
    for (const stage of status?.stages ?? []) {
      const key = `${stage.phase}#${stage.attempts}`;
      if (seen.get(stage.name) === key) continue;
      seen.set(stage.name, key);
      if (stage.phase === 'Pending') continue;
      const elapsed = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
      const attempt = stage.attempts > 1 ? ` (attempt ${stage.attempts})` : '';
      console.error(
        `  [${elapsed}s] ${stage.name.padEnd(14)} ${stage.phase}${attempt}${stage.phase === 'Failed' && stage.message ? `: ${stage.message}` : ''}`,
      );
    }
    if (status && (status.phase === 'Succeeded' || status.phase === 'Failed' || status.phase === 'Cancelled'))
      return status;
    if (Date.now() > deadline)
      throw new UserError(
        `run ${name} did not finish within the timeout; it keeps its state (xreason run status ${name})`,
      );
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

function readOutputs(stageDir: string): Record<string, string> {
  const outputsFile = join(stageDir, STAGE_OUTPUTS_FILE);
  return existsSync(outputsFile) ? (JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, string>) : {};
}

function readSummary(outputs: Record<string, string>): EvalSummaryRow[] {
  const summary = outputs.summary;
  if (!summary || !existsSync(summary)) return [];
  return (JSON.parse(readFileSync(summary, 'utf8')) as { rows: EvalSummaryRow[] }).rows;
}
