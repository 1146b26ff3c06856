import { resolve } from 'node:path';
import { runMerge } from '@xreason/merge';
import { type CliCommand, UserError } from '../cli-command.js';
import { Progress } from '../progress.js';

interface MergeOptions {
  randomSeed?: string;
  maxShardSize?: string;
  json?: boolean;
  quiet?: boolean;
}

const MIB = 1024 * 1024;

export const mergeCommand: CliCommand = {
  name: 'merge',
  register(program) {
    program
      .command('merge')
      .description(
        'merge checkpoints from a mergekit YAML config, tensor by tensor, into OUT_DIR (sharded safetensors)',
      )
      .argument(
        '<config>',
        'mergekit YAML (merge_method, base_model, models/slices, parameters, dtype, tokenizer_source)',
      )
      .argument('<out-dir>', 'output directory; must not exist or be empty')
      .option('--random-seed <n>', 'seed for DARE drops: the same seed gives the same output')
      .option('--max-shard-size <mib>', 'output shard size in MiB', '5000')
      .option('--json', 'print the result as JSON')
      .option('--quiet', 'no progress on stderr')
      .action(async (config: string, outDir: string, options: MergeOptions) => {
        const randomSeed = options.randomSeed === undefined ? undefined : Number.parseInt(options.randomSeed, 10);
        if (randomSeed !== undefined && !Number.isInteger(randomSeed))
          throw new UserError(`--random-seed: "${options.randomSeed}" is not an integer`);
        const progress = new Progress('merging', options.quiet);
        const result = await runMerge({
          configPath: resolve(config),
          outDir: resolve(outDir),
          randomSeed,
          maxShardBytes: Number(options.maxShardSize) * MIB,
          onProgress: (p) => {
            if (p.phase === 'tensor')
              progress.update(p.bytesWritten, p.totalBytes, `${p.done}/${p.total} tensors ${p.tensor ?? ''}`);
          },
        });
        progress.done(
          `${result.tensorCount} tensors, ${(result.totalBytes / MIB).toFixed(1)} MiB in ${result.seconds.toFixed(1)} s (seed ${result.randomSeed})`,
        );
        console.log(
          options.json
            ? JSON.stringify(result, null, 2)
            : `${result.method} merge written to ${result.outDir} (${result.files.length} files)`,
        );
      });
  },
};
