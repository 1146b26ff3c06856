import type { LanguageCode } from '@xreason/contracts';
import { findBoxedAnswers } from './boxed.js';
import { readChoice } from './choice.js';
import { readNliLabel, type NliLabel } from './nli.js';
import { findPhraseAnswers } from './phrases.js';

export type Task = 'math' | 'choice' | 'nli';
export const TASKS: readonly Task[] = ['math', 'choice', 'nli'];

/** A completion cut at its reasoning: the trace before `</think>` and the answer after it. */
export interface CompletionParts {
  trace: string;
  answer: string;
  /** `</think>` was present: the model closed its reasoning. */
  thinkClosed: boolean;
}

export function splitCompletion(completion: string): CompletionParts {
  const close = completion.lastIndexOf('</think>');
  if (close < 0) return { trace: completion, answer: '', thinkClosed: false };
  const open = completion.indexOf('<think>');
  const traceStart = open >= 0 && open < close ? open + '<think>'.length : 0;
  return {
    trace: completion.slice(traceStart, close),
    answer: completion.slice(close + '</think>'.length),
    thinkClosed: true,
  };
}

export type AnswerSource = 'boxed' | 'phrase' | 'last-number' | 'bare';

export interface ExtractedAnswer {
  /** The final answer (a math string, an option letter, an NLI label), undefined when there is none. */
  answer: string | undefined;
  source: AnswerSource | undefined;
  /** Every candidate found, in order; the last one is the final answer. */
  candidates: string[];
  /** The final answer named several options or labels: no answer, and no credit. */
  hedged: boolean;
}

const NONE: ExtractedAnswer = { answer: undefined, source: undefined, candidates: [], hedged: false };

interface Candidate {
  content: string;
  index: number;
  source: AnswerSource;
}

function candidatesIn(text: string, language: LanguageCode): Candidate[] {
  const boxed = findBoxedAnswers(text).map((b) => ({ ...b, source: 'boxed' as const }));
  // A phrase whose answer is a box ("The answer is \boxed{4}") is the box's, found above.
  const phrases = findPhraseAnswers(text, language)
    .filter((p) => !/\\(?:boxed|fbox)/.test(p.content))
    .map((p) => ({ ...p, source: 'phrase' as const }));
  return [...boxed, ...phrases].sort((a, b) => a.index - b.index);
}

/**
 * The final answer of a completion for `task`. Candidates (boxes and answer phrases in `language`
 * or English) are looked for after `</think>` first, in the whole completion when the answer part
 * has none; when a completion gives different final answers, the last one counts. Math falls back
 * to the last number of the answer part; a choice or NLI answer that names several options is
 * hedging and yields no answer.
 */
export function extractFinalAnswer(completion: string, task: Task, language: LanguageCode): ExtractedAnswer {
  const parts = splitCompletion(completion);
  const answerPart = parts.thinkClosed ? parts.answer : completion;
  let found = candidatesIn(answerPart, language);
  if (found.length === 0 && parts.thinkClosed) found = candidatesIn(completion, language);
  const candidates = found.map((c) => c.content);
  const last = found.at(-1);

  if (task === 'math') {
    if (last) return { answer: last.content, source: last.source, candidates, hedged: false };
    const numbers = answerPart.normalize('NFKC').match(/[-+−]?\d[\d,.\u00A0\u202F ]*\d|[-+−]?\d/g);
    const lastNumber = numbers?.at(-1)?.trim();
    return lastNumber
      ? { answer: lastNumber, source: 'last-number', candidates, hedged: false }
      : { ...NONE, candidates };
  }

  const tail = answerPart.trim();
  const read = (text: string) => (task === 'choice' ? readChoiceAnswer(text) : readNliAnswer(text, language));
  if (last) {
    const reading = read(last.content);
    if (reading === 'hedged') return { answer: undefined, source: last.source, candidates, hedged: true };
    if (reading) return { answer: reading, source: last.source, candidates, hedged: false };
  }
  // No phrase or box: a short answer part ("(C)", "Ｃ", "Neutral.") is the answer itself.
  if (tail.length > 0 && tail.length <= 40) {
    const reading = read(tail);
    if (reading === 'hedged') return { answer: undefined, source: 'bare', candidates, hedged: true };
    if (reading) return { answer: reading, source: 'bare', candidates, hedged: false };
  }
  return { ...NONE, candidates };
}

function readChoiceAnswer(text: string): string | 'hedged' | undefined {
  const reading = readChoice(text);
  if (!reading) return undefined;
  return 'hedged' in reading ? 'hedged' : reading.letter;
}

function readNliAnswer(text: string, language: LanguageCode): NliLabel | 'hedged' | undefined {
  const reading = readNliLabel(text, language);
  if (reading === undefined) return undefined;
  return typeof reading === 'object' ? 'hedged' : reading;
}
