import type { LanguageCode } from '@xreason/contracts';
import { describe, expect, it } from 'vitest';
import { findBoxedAnswers } from './boxed.js';
import { extractFinalAnswer, splitCompletion, type Task } from './extract.js';

describe('boxed answers', () => {
  it.each([
    ['nested braces stay inside the box', 'so \\boxed{\\frac{1}{2}} done', ['\\frac{1}{2}']],
    ['\\boxed without braces takes the next token', 'hence \\boxed 5 is it', ['5']],
    ['\\fbox counts as a box', '\\fbox{42}', ['42']],
    ['every box is found in order', '\\boxed{1} then \\boxed{2}', ['1', '2']],
    ['an unclosed box (cut-off completion) yields nothing', '\\boxed{\\frac{1}{2', []],
    ['an escaped brace does not close the box', '\\boxed{\\{1,2\\}}', ['\\{1,2\\}']],
    ['\\boxedfoo is not a box', '\\boxedfoo{3}', []],
  ])('%s', (_name, text, expected) => {
    expect(findBoxedAnswers(text).map((b) => b.content)).toEqual(expected);
  });
});

describe('the trace is the text before </think>', () => {
  it('splits at the last </think> and drops the <think> tag', () => {
    expect(splitCompletion('<think>a</think>b')).toEqual({ trace: 'a', answer: 'b', thinkClosed: true });
  });
  it('a completion without </think> is all trace and no answer part', () => {
    expect(splitCompletion('only thinking')).toEqual({ trace: 'only thinking', answer: '', thinkClosed: false });
  });
});

type Case = [
  name: string,
  task: Task,
  language: LanguageCode,
  completion: string,
  answer: string | undefined,
  hedged?: boolean,
];

describe('final answers per language and rule', () => {
  const cases: Case[] = [
    ['en phrase', 'math', 'en', '</think>The answer is 42.', '42'],
    ['fr phrase', 'math', 'fr', '</think>La réponse est 3,5.', '3,5'],
    ['es phrase', 'math', 'es', '</think>La respuesta es 18', '18'],
    ['de phrase', 'math', 'de', '</think>Die Antwort lautet 8.', '8'],
    ['it phrase', 'math', 'it', '</think>La risposta è 9', '9'],
    ['pt phrase', 'math', 'pt', '</think>A resposta é 8.', '8'],
    ['nl phrase', 'math', 'nl', '</think>Het antwoord is 6.', '6'],
    ['pl phrase', 'math', 'pl', '</think>Odpowiedź: 12', '12'],
    ['ru phrase', 'math', 'ru', '</think>Ответ: 13', '13'],
    ['bg phrase', 'math', 'bg', '</think>Отговорът е 14.', '14'],
    ['el phrase', 'math', 'el', '</think>Η απάντηση είναι 10.', '10'],
    ['tr phrase', 'math', 'tr', '</think>Cevap: 10', '10'],
    ['vi phrase', 'math', 'vi', '</think>Đáp án là 7.', '7'],
    ['id phrase', 'math', 'id', '</think>Jawabannya adalah 16.', '16'],
    ['sw phrase', 'math', 'sw', '</think>Jibu ni 11.', '11'],
    ['ar phrase', 'math', 'ar', '</think>الإجابة هي 9', '9'],
    ['ur phrase', 'math', 'ur', '</think>جواب: 8', '8'],
    ['hi phrase', 'math', 'hi', '</think>उत्तर: 9', '9'],
    ['bn phrase', 'math', 'bn', '</think>উত্তর হলো 11', '11'],
    ['te phrase', 'math', 'te', '</think>సమాధానం: 16', '16'],
    ['th phrase', 'math', 'th', '</think>คำตอบคือ 11', '11'],
    ['zh phrase', 'math', 'zh', '</think>答案是 12。', '12'],
    ['ja phrase drops the closing です', 'math', 'ja', '</think>答えは 10 です。', '10'],
    ['ko phrase drops the closing 입니다', 'math', 'ko', '</think>정답은 9입니다.', '9'],
    ['an English phrase is read in any language', 'math', 'ja', '</think>The answer is 5', '5'],
    [
      'a box beats nothing and the phrase around it is not a second answer',
      'math',
      'fr',
      '</think>La réponse est \\boxed{6}.',
      '6',
    ],
    ['the last of different final answers counts', 'math', 'en', '</think>\\boxed{3} wait, no: \\boxed{4}', '4'],
    ['a box in the trace counts when the answer part has none', 'math', 'en', '<think>so \\boxed{7}</think>Done.', '7'],
    [
      'math falls back to the last number of the answer part',
      'math',
      'en',
      '<think>12 and 5</think>So we get 17 apples',
      '17',
    ],
    ['a choice letter in parentheses', 'choice', 'en', '</think>The answer is (C).', 'C'],
    ['a choice letter in \\text{}', 'choice', 'en', '</think>\\boxed{\\text{B}}', 'B'],
    ['a full-width choice letter', 'choice', 'ja', '</think>答えは Ｃ です。', 'C'],
    ['a letter followed by its option text', 'choice', 'en', '</think>The answer is D. Paris', 'D'],
    ['J is a valid option (MMLU-Pro)', 'choice', 'en', '</think>\\boxed{J}', 'J'],
    ['a bare short answer part is the choice', 'choice', 'en', '<think>hmm</think>(A)', 'A'],
    ['listing every option is no answer', 'choice', 'en', '</think>\\boxed{A, B, C, D}', undefined, true],
    ['"A or B" is hedging', 'choice', 'en', '</think>The answer is A or B', undefined, true],
    ['an English NLI label', 'nli', 'en', '</think>The answer is entailment.', 'entailment'],
    ['a French NLI label', 'nli', 'fr', '</think>La réponse est : contradiction', 'contradiction'],
    ['a German NLI label', 'nli', 'de', '</think>Antwort: Widerspruch', 'contradiction'],
    ['a Russian NLI label', 'nli', 'ru', '</think>Ответ: нейтрально', 'neutral'],
    ['a Chinese NLI label', 'nli', 'zh', '</think>答案是：蕴含', 'entailment'],
    ['an Arabic NLI label', 'nli', 'ar', '</think>الإجابة: تناقض', 'contradiction'],
    ['a Hindi NLI label', 'nli', 'hi', '</think>उत्तर: तटस्थ', 'neutral'],
    ['a Swahili NLI label', 'nli', 'sw', '</think>Jibu: mgongano', 'contradiction'],
    ['a Greek NLI label', 'nli', 'el', '</think>Απάντηση: ουδέτερο', 'neutral'],
    ['a Thai NLI label', 'nli', 'th', '</think>คำตอบ: ขัดแย้ง', 'contradiction'],
    ['a Turkish NLI label', 'nli', 'tr', '</think>Cevap: çelişki', 'contradiction'],
    ['a Vietnamese NLI label', 'nli', 'vi', '</think>Đáp án là mâu thuẫn', 'contradiction'],
    ['a Bulgarian NLI label', 'nli', 'bg', '</think>Отговор: следствие', 'entailment'],
    ['a Spanish NLI label', 'nli', 'es', '</think>Respuesta: neutral', 'neutral'],
    ['an Urdu NLI label', 'nli', 'ur', '</think>جواب: تضاد', 'contradiction'],
    [
      'naming every NLI label is no answer',
      'nli',
      'en',
      '</think>\\boxed{entailment, neutral, contradiction}',
      undefined,
      true,
    ],
  ];
  it.each(cases)('%s', (_name, task, language, completion, answer, hedged = false) => {
    const extracted = extractFinalAnswer(completion, task, language);
    expect(extracted.answer).toBe(answer);
    expect(extracted.hedged).toBe(hedged);
  });
});
