import { Tokenizer, type ChatTemplateOptions } from '@xreason/tokenizer';
import { ModelCheckpointError } from './model-checkpoint-error.js';
import { generateFromCheckpoint, type GenerateFromCheckpointOptions } from './run-checkpoint.js';

export interface GenerateTextOptions extends GenerateFromCheckpointOptions {
  /** Directory holding tokenizer.json (+ tokenizer_config.json); defaults to the model directory. */
  tokenizer?: string;
  /** Render each prompt as one user turn through the tokenizer's chat template, ready for the reply. */
  chat?: boolean | ChatTemplateOptions;
  /** Stop at the tokenizer's eos_token (and pad_token when distinct); default true. */
  stopAtEos?: boolean;
}

export interface GeneratedText {
  /** The completions, decoded without special tokens. */
  texts: string[];
  tokens: number[][];
  logprobs: number[][];
}

/** Text in, text out: tokenises the prompts, samples from the checkpoint, decodes the completions. */
export async function generateText(
  dir: string,
  prompts: readonly string[],
  options: GenerateTextOptions,
): Promise<GeneratedText> {
  const { tokenizer: tokenizerDir, chat, stopAtEos, ...generate } = options;
  const tokenizer = Tokenizer.fromDirectory(tokenizerDir ?? dir);
  const rendered = prompts.map((prompt) => {
    if (!chat) return prompt;
    const templateOptions = typeof chat === 'object' ? chat : {};
    return tokenizer.applyChatTemplate([{ role: 'user', content: prompt }], {
      addGenerationPrompt: true,
      ...templateOptions,
    });
  });
  const ids = await tokenizer.encodeBatchIds(rendered);
  ids.forEach((p, i) => {
    if (p.length === 0) throw new ModelCheckpointError('prompts', `prompt ${i} encodes to no tokens`);
  });
  const stops = new Set(generate.stopTokens ?? []);
  if (stopAtEos ?? true) {
    for (const field of ['eos_token', 'pad_token']) {
      const token = tokenizer.specialTokens[field];
      const id = token === undefined ? undefined : tokenizer.tokenToId(token);
      if (id !== undefined) stops.add(id);
    }
  }
  const out = await generateFromCheckpoint(dir, ids, { ...generate, stopTokens: [...stops] });
  const texts = await tokenizer.decodeBatch(out.tokens, { skipSpecialTokens: true });
  return { texts, tokens: out.tokens, logprobs: out.logprobs };
}
