import { LANGUAGES, type LanguageCode } from '@xreason/contracts';

/** The Stanford Alpaca prompt, with and without an input — the layout QAlign and MindMerger train on. */
export const ALPACA_PROMPT_NO_INPUT =
  'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Response:';
export const ALPACA_PROMPT_WITH_INPUT =
  'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:';

export function alpacaPrompt(instruction: string, input?: string): string {
  // Function replacements: a `$&` in the data must stay literal.
  if (input === undefined) return ALPACA_PROMPT_NO_INPUT.replace('{instruction}', () => instruction);
  return ALPACA_PROMPT_WITH_INPUT.replace('{instruction}', () => instruction).replace('{input}', () => input);
}

/** "Translate the following sentences from {Language} to English." — QAlign stage I, MindMerger mapping. */
export function translationInstruction(from: LanguageCode, to: LanguageCode = 'en'): string {
  return `Translate the following sentences from ${LANGUAGES[from].name} to ${LANGUAGES[to].name}.`;
}

/** The full Alpaca prompt asking to translate `text` from `from` into English. */
export function translationPrompt(text: string, from: LanguageCode, to: LanguageCode = 'en'): string {
  return alpacaPrompt(translationInstruction(from, to), text);
}
