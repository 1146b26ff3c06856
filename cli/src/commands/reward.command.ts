import { statSync } from 'node:fs';
import { SCORING_MODES, type ScoringMode, scoreRolloutsFile } from '@xreason/reasoning';
import { type CliCommand, UserError } from '../cli-command.js';
import { parseChoice } from '../options.js';
import { Progress } from '../progress.js';

interface ScoreOptions {
  in: string;
  out: string;
  mode: string;
  quiet?: boolean;
}

export const rewardCommand: CliCommand = {
  name: 'reward',
  register(program) {
    const reward = program
      .command('reward')
      .description('score completions: accuracy, language of the reasoning, format');
    reward
      .command('score')
      .description(
        'score a rollouts JSONL file into a scored JSONL file ({"id","language","gold","completion","task"} per line)',
      )
      .requiredOption('--in <file>', 'rollouts JSONL')
      .requiredOption('--out <file>', 'scored JSONL (written atomically)')
      .option(
        '--mode <mode>',
        `${SCORING_MODES.join(' or ')}: our rules, or the published scripts' semantics`,
        'robust',
      )
      .option('--quiet', 'no progress on stderr')
      .action(async (options: ScoreOptions) => {
        const mode = parseChoice<ScoringMode>('--mode', options.mode, SCORING_MODES);
        let size: number;
        try {
          size = statSync(options.in).size;
        } catch {
          throw new UserError(`--in: cannot read ${options.in}`);
        }
        const progress = new Progress('scoring', options.quiet);
        const result = await scoreRolloutsFile({
          inPath: options.in,
          outPath: options.out,
          mode,
          onProgress: (p) => progress.update(p.bytesRead, size, `${p.scored} scored, ${p.failed} bad`),
        });
        progress.done(`${result.scored} rows scored, ${result.failed} bad → ${options.out}`);
        for (const error of result.errors) console.error(`${options.in}:${error.line}: ${error.message}`);
        if (result.failed > 0)
          throw new UserError(`${result.failed} row(s) could not be scored (listed above); the others were written`);
      });
  },
};
