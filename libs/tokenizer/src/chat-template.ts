import { Template } from '@huggingface/jinja';
import { TokenizerError } from './tokenizer-error.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | (string & {});
  content: string;
  /** Qwen3-style templates read the reasoning apart from the answer. */
  reasoning_content?: string;
}

export interface ChatTemplateOptions {
  /** Append the opening of the assistant's turn (what a prompt for generation needs). */
  addGenerationPrompt?: boolean;
  /** Extra template variables, e.g. `{ enable_thinking: false }` for Qwen3. */
  variables?: Record<string, unknown>;
}

/**
 * A model's chat template, rendered by Hugging Face's Jinja implementation with the variables
 * `transformers`' `apply_chat_template` passes: the messages, `add_generation_prompt` and the special
 * tokens by their config names (`bos_token`, `eos_token`, …); the Jinja runtime supplies
 * `raise_exception` itself.
 */
export class ChatTemplate {
  private readonly template: Template;

  constructor(
    readonly source: string,
    /** Special tokens as strings, keyed by their config field name (`eos_token`, `pad_token`, …). */
    readonly specialTokens: Readonly<Record<string, string>> = {},
    /** Where the template came from, for error messages. */
    readonly origin = 'chat template',
  ) {
    try {
      this.template = new Template(source);
    } catch (error) {
      throw new TokenizerError(`${origin}: cannot parse the Jinja template: ${(error as Error).message}`);
    }
  }

  render(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    try {
      return this.template.render({
        ...this.specialTokens,
        messages,
        add_generation_prompt: options.addGenerationPrompt ?? false,
        ...options.variables,
      });
    } catch (error) {
      throw new TokenizerError(`${this.origin}: rendering failed: ${(error as Error).message}`);
    }
  }
}
