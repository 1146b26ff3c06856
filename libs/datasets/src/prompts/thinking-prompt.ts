import type { LanguageCode } from '@xreason/contracts';
import { ChatTemplate, CHATML_THINKING_TEMPLATE, type Tokenizer } from '@xreason/tokenizer';
import { instructionFor, type PromptTask } from './instructions.js';

export const THINK_OPEN = '<think>\n';

export interface ThinkingPromptOptions {
  task?: PromptTask;
  /** Render with this model's chat template; without one, ChatML (what our trained tokenizers use). */
  tokenizer?: Tokenizer;
  system?: string;
}

const CHATML = new ChatTemplate(CHATML_THINKING_TEMPLATE, {}, 'ChatML');

/** The user turn: the language instruction, a blank line, then the question. */
export function userMessage(question: string, language: LanguageCode, task: PromptTask = 'math'): string {
  return `${instructionFor(language, task)}\n\n${question}`;
}

/**
 * A prompt for a thinking model: the conversation rendered by the chat template with the
 * generation prompt, then the opened thinking block, so the model's first tokens are its
 * reasoning (in the language the instruction asks for). Always ends with `<think>\n`.
 */
export function thinkingPrompt(question: string, language: LanguageCode, options: ThinkingPromptOptions = {}): string {
  const messages = [
    ...(options.system ? [{ role: 'system', content: options.system }] : []),
    { role: 'user', content: userMessage(question, language, options.task) },
  ];
  const rendered = options.tokenizer
    ? options.tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true })
    : CHATML.render(messages, { addGenerationPrompt: true });
  return rendered.endsWith(THINK_OPEN) ? rendered : `${rendered}${THINK_OPEN}`;
}
