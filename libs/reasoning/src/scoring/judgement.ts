import type { LanguageCode } from '@xreason/contracts';
import {
  extractFinalAnswer,
  splitCompletion,
  type CompletionParts,
  type ExtractedAnswer,
  type Task,
} from '../answers/extract.js';
import type { LanguageDetector } from '../language/detector.js';
import { profileLanguage, type LanguageProfile } from '../language/identify.js';

export type ScoringMode = 'robust' | 'seed-compatible';
export const SCORING_MODES: readonly ScoringMode[] = ['robust', 'seed-compatible'];

/** One rollout to judge: what was asked (language, task, gold) and what the model wrote. */
export interface Rollout {
  language: LanguageCode;
  task: Task;
  gold: string;
  completion: string;
}

/** Fewer letters than this in the answer part ("\boxed{42}", "(C)") says nothing about its language. */
const MIN_ANSWER_LETTERS = 4;

/**
 * The named extractors a reward is built from, each computed at most once per rollout however many
 * rewards read it: extraction and language profiling are the expensive part of scoring.
 */
export class Judgement {
  private partsMemo?: CompletionParts;
  private answerMemo?: ExtractedAnswer;
  private traceMemo?: LanguageProfile;
  private answerLanguageMemo?: LanguageProfile;
  private wholeMemo?: Array<[LanguageCode, number]>;

  constructor(
    readonly rollout: Rollout,
    readonly detector: LanguageDetector,
  ) {}

  /** Trace (before `</think>`) and answer part (after it). */
  get parts(): CompletionParts {
    return (this.partsMemo ??= splitCompletion(this.rollout.completion));
  }

  /** The final answer, robust rules (boxes, phrases in the row's language, last one counts, hedging). */
  get finalAnswer(): ExtractedAnswer {
    return (this.answerMemo ??= extractFinalAnswer(this.rollout.completion, this.rollout.task, this.rollout.language));
  }

  /** Language of the reasoning trace, with code-switching shares. */
  get traceLanguage(): LanguageProfile {
    return (this.traceMemo ??= profileLanguage(this.parts.trace, this.detector));
  }

  /** Language of the answer part (after `</think>`). */
  get answerLanguage(): LanguageProfile {
    return (this.answerLanguageMemo ??= profileLanguage(this.parts.answer, this.detector));
  }

  /** Trace and answer both in the requested language; an answer part too short to have a language does not count against it. */
  get languageConsistent(): boolean {
    const target = this.rollout.language;
    if (this.traceLanguage.language !== target) return false;
    const answer = this.answerLanguage;
    return answer.letters < MIN_ANSWER_LETTERS || answer.language === target;
  }

  /**
   * The detector's probabilities over the whole raw completion, as the published scripts computed
   * them (langdetect's `detect_langs` on the content there; lid.176 here).
   */
  get wholeCompletionLanguage(): Array<[LanguageCode, number]> {
    return (this.wholeMemo ??= this.detector.probabilities(this.rollout.completion, 10));
  }

  /** Candidates the published accuracy reward compared: every non-nested `\boxed{…}` plus the extracted answers. */
  get seedCandidates(): string[] {
    const boxed = [...this.rollout.completion.matchAll(/\\boxed\{([^}]+?)\}/g)].map((m) => m[1] as string);
    return [...boxed, ...this.finalAnswer.candidates, ...(this.finalAnswer.answer ? [this.finalAnswer.answer] : [])];
  }
}
