import { resolve } from 'node:path';
import { ARCHITECTURES, type Architecture } from '@xreason/engine';
import {
  STORAGE_DTYPES,
  type StorageDtype,
  generateFromCheckpoint,
  initRandomCheckpoint,
  scoreCheckpoint,
} from '@xreason/models';
import { type CliCommand, UserError } from '../cli-command.js';
import { parseChoice, parsePositiveInteger } from '../options.js';

interface InitOptions {
  arch: string;
  vocab: string;
  hidden: string;
  layers: string;
  heads: string;
  kvHeads: string;
  intermediate: string;
  tieEmbeddings?: boolean;
  dtype: string;
  seed: string;
  out: string;
}

interface ScoreOptions {
  model: string;
  adapter?: string;
  ids: string;
}

interface GenerateOptions {
  model: string;
  adapter?: string;
  ids: string;
  maxNewTokens: string;
  temperature: string;
  topP?: string;
  topK?: string;
  seed: string;
  stop?: string;
}

/** "1,2,3" → [1, 2, 3]; several prompts separated by ";" for generate. */
function parseIds(flag: string, value: string): number[] {
  const ids = value.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((s) => !/^\d+$/.test(s)))
    throw new UserError(`${flag}: expected comma-separated token ids, got "${value}"`);
  return ids.map(Number);
}

function parseNumber(flag: string, value: string, min = -Infinity, max = Infinity): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UserError(`${flag}: "${value}" is not a number in [${min}, ${max}]`);
  return n;
}

export const modelCommand: CliCommand = {
  name: 'model',
  register(program) {
    const model = program.command('model').description('Hugging Face checkpoints on the engine: create, score, sample');
    model
      .command('init')
      .description('write a randomly initialised Hugging Face checkpoint (config.json + safetensors) for smoke tests')
      .requiredOption('--arch <arch>', ARCHITECTURES.join(' or '))
      .requiredOption('--vocab <n>', 'vocabulary size')
      .requiredOption('--hidden <n>', 'hidden size')
      .requiredOption('--layers <n>', 'decoder layers')
      .requiredOption('--heads <n>', 'attention heads')
      .requiredOption('--kv-heads <n>', 'key/value heads (grouped-query attention)')
      .requiredOption('--intermediate <n>', 'SwiGLU intermediate size')
      .option('--tie-embeddings', 'share the input embedding with the output head')
      .option('--dtype <dtype>', STORAGE_DTYPES.join(' or '), 'f32')
      .requiredOption('--seed <n>', 'initialisation seed')
      .requiredOption('--out <dir>', 'output directory')
      .action(async (o: InitOptions) => {
        const written = await initRandomCheckpoint({
          arch: parseChoice<Architecture>('--arch', o.arch, ARCHITECTURES),
          vocab: parsePositiveInteger('--vocab', o.vocab),
          hidden: parsePositiveInteger('--hidden', o.hidden),
          layers: parsePositiveInteger('--layers', o.layers),
          heads: parsePositiveInteger('--heads', o.heads),
          kvHeads: parsePositiveInteger('--kv-heads', o.kvHeads),
          intermediate: parsePositiveInteger('--intermediate', o.intermediate),
          tieEmbeddings: o.tieEmbeddings ?? false,
          dtype: parseChoice<StorageDtype>('--dtype', o.dtype, STORAGE_DTYPES),
          seed: Number.parseInt(o.seed, 10),
          out: resolve(o.out),
        });
        console.log(JSON.stringify({ dir: written.dir, parameters: written.parameters }));
      });
    model
      .command('score')
      .description(
        'print {"logprobs":[…]}: log p(id_i | id_<i) for i ≥ 1, to hold the engine against another implementation',
      )
      .requiredOption('--model <dir>', 'checkpoint directory')
      .option('--adapter <dir>', 'PEFT adapter directory')
      .requiredOption('--ids <ids>', 'comma-separated token ids')
      .action(async (o: ScoreOptions) => {
        const ids = parseIds('--ids', o.ids);
        if (ids.length < 2) throw new UserError('--ids: at least two token ids are needed to score one');
        const result = await scoreCheckpoint(resolve(o.model), ids, o.adapter ? { adapter: resolve(o.adapter) } : {});
        console.log(JSON.stringify(result));
      });
    model
      .command('generate')
      .description('sample continuations of token-id prompts; prints {"tokens":[[…]],"logprobs":[[…]]}')
      .requiredOption('--model <dir>', 'checkpoint directory')
      .option('--adapter <dir>', 'PEFT adapter directory')
      .requiredOption('--ids <ids>', 'prompt token ids, comma-separated; several prompts separated by ";"')
      .option('--max-new-tokens <n>', 'tokens to sample per prompt', '32')
      .option('--temperature <t>', '0 = greedy', '1')
      .option('--top-p <p>', 'nucleus sampling')
      .option('--top-k <k>', 'top-k sampling')
      .option('--seed <n>', 'sampling seed', '0')
      .option('--stop <ids>', 'comma-separated stop token ids')
      .action(async (o: GenerateOptions) => {
        const prompts = o.ids.split(';').map((p) => parseIds('--ids', p));
        const result = await generateFromCheckpoint(resolve(o.model), prompts, {
          ...(o.adapter ? { adapter: resolve(o.adapter) } : {}),
          maxNewTokens: parsePositiveInteger('--max-new-tokens', o.maxNewTokens),
          temperature: parseNumber('--temperature', o.temperature, 0),
          ...(o.topP ? { topP: parseNumber('--top-p', o.topP, 0, 1) } : {}),
          ...(o.topK ? { topK: parsePositiveInteger('--top-k', o.topK) } : {}),
          seed: Number.parseInt(o.seed, 10),
          ...(o.stop ? { stopTokens: parseIds('--stop', o.stop) } : {}),
        });
        console.log(JSON.stringify(result));
      });
  },
};
