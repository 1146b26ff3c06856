import { THINK_OPEN } from '@xreason/datasets';
import type { EngineModel } from '@xreason/engine';
import type { Tokenizer } from '@xreason/tokenizer';
import {
  itemSeed,
  type Completion,
  type GenerationBackend,
  type GenerationPrompt,
  type GenerationRequest,
} from './generation-backend.js';

export interface EngineBackendOptions {
  model: EngineModel;
  tokenizer: Tokenizer;
  /** Tokens that end a completion; default the tokenizer's `<|im_end|>` and `<|endoftext|>`. */
  stopTokens?: number[];
  /** Open the thinking block after a chat prompt (`<think>\n`), so the first tokens are the reasoning. Default true. */
  thinking?: boolean;
}

/**
 * Generation on the native engine (local mode): each item's n samples are one batch of n copies of
 * its prompt through the engine's KV-cache sampler, seeded from the run's seed and the item so an
 * item's samples do not depend on which items share a call. Calls run one after another (the engine
 * queues them anyway).
 */
export class EngineBackend implements GenerationBackend {
  readonly name = 'engine';
  private readonly stopTokens: number[];

  constructor(private readonly options: EngineBackendOptions) {
    this.stopTokens =
      options.stopTokens ??
      ['<|im_end|>', '<|endoftext|>']
        .map((t) => options.tokenizer.tokenToId(t))
        .filter((id): id is number => id !== undefined);
  }

  async promptIds(prompt: GenerationPrompt): Promise<number[]> {
    if (prompt.kind === 'tokens') return prompt.tokenIds;
    if (prompt.kind === 'text') return this.options.tokenizer.encodeIds(prompt.text);
    let text = this.options.tokenizer.applyChatTemplate(prompt.messages, { addGenerationPrompt: true });
    if ((this.options.thinking ?? true) && !text.endsWith(THINK_OPEN)) text += THINK_OPEN;
    return this.options.tokenizer.encodeIds(text);
  }

  async generate(
    requests: readonly GenerationRequest[],
    options: { signal?: AbortSignal } = {},
  ): Promise<Completion[][]> {
    const answers: Completion[][] = [];
    for (const request of requests) {
      const ids = await this.promptIds(request.prompt);
      const out = await this.options.model.generate(
        Array.from({ length: request.n }, () => ids),
        {
          maxNewTokens: request.params.maxTokens,
          temperature: request.params.temperature,
          topP: request.params.topP,
          seed: itemSeed(request.params.seed, request.itemId, request.language),
          stopTokens: this.stopTokens,
          ...(options.signal ? { signal: options.signal } : {}),
        },
      );
      const completions: Completion[] = [];
      for (let i = 0; i < request.n; i++) {
        const tokenIds = out.tokens[i] ?? [];
        const logprobs = out.logprobs[i] ?? [];
        const stopped = tokenIds.length > 0 && this.stopTokens.includes(tokenIds[tokenIds.length - 1]!);
        // The stop token stays in tokenIds/logprobs (it was sampled and has a probability) but not in the text.
        const text = await this.options.tokenizer.decode(stopped ? tokenIds.slice(0, -1) : tokenIds, {
          skipSpecialTokens: true,
        });
        completions.push({ text, tokenIds, logprobs, finishReason: stopped ? 'stop' : 'length' });
      }
      answers.push(completions);
    }
    return answers;
  }
}
