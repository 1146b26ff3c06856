import type { LanguageCode } from '@xreason/contracts';
import { isCorrect, isCorrectSeed } from '../rewards/accuracy.js';
import { isWellFormed, isWellFormedSeed } from '../rewards/format.js';
import { rewardRegistry } from '../rewards/registry.js';
import { loadLanguageDetector, type LanguageDetector } from '../language/detector.js';
import { parseRewardConfig, type RewardConfig } from './config.js';
import { Judgement, type Rollout } from './judgement.js';

/** What scoring adds to a rollout row (snake_case: these are the JSONL output fields). */
export interface RolloutScore {
  correct: boolean;
  format_ok: boolean;
  /** Robust: the language of the reasoning trace. Seed-compatible: the detector's top language over the whole completion. */
  detected_language: LanguageCode | null;
  language_consistent: boolean;
  /** Robust: share of the trace's letters per language. Seed-compatible: the detector's probabilities. */
  language_shares: Partial<Record<LanguageCode, number>>;
  /** The final answer extracted (robust rules), null when there is none. */
  answer: string | null;
  /** Each reward's score in [0, 1], before weighting. */
  reward_components: Record<string, number>;
  /** Σ weight × score. */
  reward: number;
}

export class RolloutScorer {
  private readonly weighted: Array<{ name: string; weight: number; parameters: Record<string, unknown> }>;

  constructor(
    private readonly detector: LanguageDetector,
    readonly config: RewardConfig,
  ) {
    this.weighted = config.rewards.filter((r) => r.weight !== 0);
  }

  score(rollout: Rollout): RolloutScore {
    const judgement = new Judgement(rollout, this.detector);
    const robust = this.config.mode === 'robust';
    const components: Record<string, number> = {};
    let reward = 0;
    for (const { name, weight, parameters } of this.weighted) {
      const score = rewardRegistry.get(name).score(judgement, this.config.mode, parameters);
      components[name] = score;
      reward += weight * score;
    }
    const answer = judgement.finalAnswer.answer ?? null;
    if (robust) {
      const formatParameters = this.config.rewards.find((r) => r.name === 'format')?.parameters;
      return {
        correct: isCorrect(judgement),
        format_ok: isWellFormed(judgement, formatParameters?.requireOpenTag === true),
        detected_language: judgement.traceLanguage.language ?? null,
        language_consistent: judgement.languageConsistent,
        language_shares: judgement.traceLanguage.languageShares,
        answer,
        reward_components: components,
        reward,
      };
    }
    const whole = judgement.wholeCompletionLanguage;
    return {
      correct: isCorrectSeed(judgement),
      format_ok: isWellFormedSeed(judgement),
      detected_language: whole[0]?.[0] ?? null,
      language_consistent: whole[0]?.[0] === rollout.language,
      language_shares: Object.fromEntries(whole),
      answer,
      reward_components: components,
      reward,
    };
  }
}

/** A scorer with the shared detector loaded and `config` checked (see parseRewardConfig). */
export async function createRolloutScorer(config: unknown = {}): Promise<RolloutScorer> {
  const parsed = parseRewardConfig(config);
  return new RolloutScorer(await loadLanguageDetector(), parsed);
}
