import type { LanguageCode } from '@xreason/contracts';
import {
  createRolloutScorer,
  Judgement,
  loadLanguageDetector,
  SCORING_MODES,
  type LanguageDetector,
  type Rollout,
  type RolloutScorer,
  type ScoringMode,
} from '@xreason/reasoning';
import type { SampleScore } from './sample-record.js';

/**
 * @xreason/reasoning counts an answer part with fewer letters than this ("\boxed{42}") as saying
 * nothing about its language; the answer-side consistency here follows the same rule so that
 * trace ∧ answer agrees with its `language_consistent`.
 */
const MIN_ANSWER_LETTERS = 4;

/** Scores one completion under each requested mode through @xreason/reasoning's scorers. */
export class SampleJudge {
  private constructor(
    private readonly scorers: ReadonlyMap<ScoringMode, RolloutScorer>,
    private readonly detector: LanguageDetector,
  ) {}

  static async create(modes: readonly ScoringMode[] = SCORING_MODES): Promise<SampleJudge> {
    if (modes.length === 0) throw new RangeError('modes: at least one scoring mode is needed');
    for (const mode of modes) {
      if (!SCORING_MODES.includes(mode))
        throw new RangeError(`modes: unknown scoring mode "${mode}" (known: ${SCORING_MODES.join(', ')})`);
    }
    const scorers = new Map<ScoringMode, RolloutScorer>();
    for (const mode of modes) scorers.set(mode, await createRolloutScorer({ mode }));
    return new SampleJudge(scorers, await loadLanguageDetector());
  }

  get modes(): ScoringMode[] {
    return [...this.scorers.keys()];
  }

  judge(rollout: Rollout): Partial<Record<ScoringMode, SampleScore>> {
    const out: Partial<Record<ScoringMode, SampleScore>> = {};
    for (const [mode, scorer] of this.scorers) {
      const score = scorer.score(rollout);
      if (mode === 'robust') {
        const answerProfile = new Judgement(rollout, this.detector).answerLanguage;
        const tellable = answerProfile.letters >= MIN_ANSWER_LETTERS;
        const answerLanguage: LanguageCode | null = tellable ? (answerProfile.language ?? null) : null;
        out[mode] = {
          correct: score.correct,
          format_ok: score.format_ok,
          answer: score.answer,
          trace_language: score.detected_language,
          answer_language: answerLanguage,
          trace_consistent: score.detected_language === rollout.language,
          answer_consistent: !tellable || answerLanguage === rollout.language,
          language_consistent: score.language_consistent,
          language_shares: score.language_shares as Record<string, number>,
          reward: score.reward,
        };
      } else {
        // The published scripts judged the whole completion at once: trace and answer are not told apart.
        out[mode] = {
          correct: score.correct,
          format_ok: score.format_ok,
          answer: score.answer,
          trace_language: score.detected_language,
          answer_language: null,
          trace_consistent: score.language_consistent,
          answer_consistent: score.language_consistent,
          language_consistent: score.language_consistent,
          language_shares: score.language_shares as Record<string, number>,
          reward: score.reward,
        };
      }
    }
    return out;
  }
}
