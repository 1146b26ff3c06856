import { LANGUAGE_CODES } from '@xreason/contracts';
import { describe, expect, it } from 'vitest';
import { alpacaPrompt, translationPrompt } from './alpaca.js';
import { normaliseFullWidthDigits } from './full-width-digits.js';
import { INSTRUCTIONS, instructionFor } from './instructions.js';
import { thinkingPrompt } from './thinking-prompt.js';

describe('prompts', () => {
  it.each([
    ['ja', '常に日本語で考えてください。\n\n以下の数学問題をステップバイステップで解いてください。'],
    ['fr', 'Pensez toujours en français.\n\nRésolvez le problème de mathématiques suivant étape par étape.'],
    ['es', 'Siempre piensa en español.\n\nResuelve el siguiente problema de matemáticas paso a paso.'],
  ] as const)('keeps the published %s math prompt verbatim', (language, published) => {
    expect(instructionFor(language)).toBe(published);
  });

  it('has every instruction for every supported language, each distinct from English', () => {
    for (const code of LANGUAGE_CODES) {
      const lines = INSTRUCTIONS[code];
      for (const task of ['think', 'math', 'choice', 'nli'] as const) {
        expect(lines[task].trim().length, `${code}.${task}`).toBeGreaterThan(5);
        if (code !== 'en') expect(lines[task], `${code}.${task}`).not.toBe(INSTRUCTIONS.en[task]);
      }
    }
  });

  it('ends a thinking prompt with the opened think block, after the ChatML generation prompt', () => {
    const prompt = thinkingPrompt('1+1?', 'fr');
    expect(prompt).toBe(
      '<|im_start|>user\nPensez toujours en français.\n\nRésolvez le problème de mathématiques suivant étape par étape.\n\n1+1?<|im_end|>\n<|im_start|>assistant\n<think>\n',
    );
  });

  it('writes the Alpaca translation prompt of question alignment', () => {
    expect(translationPrompt('Tom a 3 pommes.', 'fr')).toBe(
      'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\nTranslate the following sentences from French to English.\n\n### Input:\nTom a 3 pommes.\n\n### Response:',
    );
    expect(alpacaPrompt('Say $& literally')).toContain('### Instruction:\nSay $& literally\n\n### Response:');
  });

  it('turns full-width digits into ASCII and leaves everything else alone', () => {
    expect(normaliseFullWidthDigits('りんごを１２個と３個、合計１５個。Ａ')).toBe('りんごを12個と3個、合計15個。Ａ');
  });
});
