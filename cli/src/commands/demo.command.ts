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
import { renderEvalSummary } from '../eval-summary.js';
import { type CliCommand, UserError } from '../cli-command.js';
import { ensureDemoBaseModel } from '../demo/demo-base-model.js';
import { demoRunManifest } from '../demo/demo-manifest.js';
import { findFreePort } from '../local/free-port.js';
import { LocalPlatform } from '../local/local-platform.js';
import { parsePositiveInteger } from '../options.js';

interface DemoOptions {
  stateDir: string;
  languages: string;
  problems: string;
  epochs: string;
  grpoSteps: string;
  seed: string;
  timeout: string;
  keepRunning?: boolean;
}

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
      .option('--languages <codes>', `languages to align (of ${WORLD_LANGUAGES.join(', ')})`, 'ja,fr,es')
      .option('--problems <n>', 'SFT problems per language', '120')
      .option('--epochs <n>', 'SFT epochs', '3')
      .option('--grpo-steps <n>', 'GRPO steps', '6')
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
        const stateDir = resolve(options.stateDir);
        const log = (message: string) => console.error(`  · ${message}`);

        log(
          'preparing the tiny base model (Qwen2-style, ~0.3M parameters, BPE tokenizer trained on the synthetic world)',
        );
        const base = await ensureDemoBaseModel({
          dir: join(stateDir, 'demo', 'base-model'),
          languages: languages as WorldLanguage[],
          seed,
        });
        log(base.created ? `base model written to ${base.dir}` : `reusing the base model in ${base.dir}`);

        const platform = await LocalPlatform.start({
          stateDir,
          host: '127.0.0.1',
          operatorPort: await findFreePort(),
          brokerPort: 0,
          ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
          onProgress: log,
        });
        try {
          const client = new ApiClient({ stateDir, url: platform.operatorUrl });
          const name = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
          const manifest = demoRunManifest({
            name,
            baseModelDir: base.dir,
            languages: languages as LanguageCode[],
            problems: parsePositiveInteger('--problems', options.problems),
            sftEpochs: parsePositiveInteger('--epochs', options.epochs),
            grpoSteps: parsePositiveInteger('--grpo-steps', options.grpoSteps),
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
          const evalStage = status.stages.find((s) => s.kind === 'eval');
          console.log(`\nrun ${name} succeeded: ${status.stages.length} stages`);
          if (evalStage)
            console.log(
              renderEvalSummary(
                readSummary(
                  stageOutputDir(join(stateDir, 'artifacts'), { namespace: 'default', name }, evalStage.name),
                ),
              ),
            );
          console.log(`\nartifacts: ${join(stateDir, 'artifacts', 'default', name)}`);
          if (options.keepRunning) {
            console.error(`\nthe platform is still up (operator ${platform.operatorUrl}); Ctrl-C stops it`);
            await new Promise<void>((done) => {
              process.once('SIGINT', () => done());
              process.once('SIGTERM', () => done());
            });
          }
        } finally {
          await platform.stop();
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

function readSummary(evalDir: string): EvalSummaryRow[] {
  const outputsFile = join(evalDir, STAGE_OUTPUTS_FILE);
  if (!existsSync(outputsFile)) return [];
  const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, string>;
  const summary = outputs.summary;
  if (!summary || !existsSync(summary)) return [];
  return (JSON.parse(readFileSync(summary, 'utf8')) as { rows: EvalSummaryRow[] }).rows;
}
