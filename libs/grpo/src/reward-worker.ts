import type { Bus, TopicConsumer } from '@xreason/bus';
import { type MessageOf, type PayloadOf, RolloutGroupTopic, ScoredGroupTopic } from '@xreason/contracts';
import { type AdvantageEstimator, type RolloutScorer, createRolloutScorer, groupAdvantages } from '@xreason/reasoning';
import { JsonlLog, formatLineRef } from './jsonl-log.js';
import { grpoLayout } from './layout.js';
import { type GrpoRunManifest } from './run-manifest.js';
import { advantageEstimatorFor, rewardConfigFor } from './settings.js';

export type RolloutGroup = PayloadOf<typeof RolloutGroupTopic>;

/** One rollout group judged: per completion the reward and its parts, then the group's advantages. */
export interface ScoredRollouts {
  rewards: number[];
  components: Record<string, number>[];
  correct: boolean[];
  languageConsistent: boolean[];
  formatOk: boolean[];
  advantages: number[];
  mean: number;
  std: number;
  zeroVariance: boolean;
}

/** Scores every completion of a group with libs/reasoning and turns the rewards into group advantages. */
export function scoreRolloutGroup(
  scorer: RolloutScorer,
  group: RolloutGroup,
  estimator: AdvantageEstimator,
): ScoredRollouts {
  const scores = group.completions.map((c) =>
    scorer.score({ language: group.language, task: group.task, gold: group.gold, completion: c.text }),
  );
  const rewards = scores.map((s) => s.reward);
  const advantages = groupAdvantages(rewards, estimator);
  return {
    rewards,
    components: scores.map((s) => s.reward_components),
    correct: scores.map((s) => s.correct),
    languageConsistent: scores.map((s) => s.language_consistent),
    formatOk: scores.map((s) => s.format_ok),
    ...advantages,
  };
}

/** What a reward worker writes per group into `scored/<worker>.jsonl`; the trainer reads it by byte range. */
export interface ScoredRecord {
  runId: string;
  rolloutMessageId: string;
  scoredMessageId: string;
  group: RolloutGroup;
  scored: ScoredRollouts;
  scoredAt: string;
}

/** A redelivered rollout group gets the same ScoredGroup id, so the trainer's de-duplication sees one group. */
export function scoredMessageId(rolloutMessageId: string): string {
  return `scored:${rolloutMessageId}`;
}

export interface RewardWorkerOptions {
  bus: Bus;
  manifest: GrpoRunManifest;
  outputDir: string;
  workerId: string;
  onScored?: (record: ScoredRecord) => void;
}

export interface RewardWorker {
  readonly consumer: TopicConsumer<typeof RolloutGroupTopic>;
  stop(): Promise<void>;
}

/**
 * The reward role: consumes RolloutGroups of one run, scores them (weights from the spec), computes group
 * advantages (Dr. GRPO's centring by default), appends the scored group to its JSONL log, then publishes a
 * ScoredGroup pointing at that line. Reward workers of one run share a consumer group, so each group is
 * scored by one of them; a redelivery re-scores and republishes under the same message id.
 */
export async function startRewardWorker(options: RewardWorkerOptions): Promise<RewardWorker> {
  const { bus, manifest } = options;
  const scorer = await createRolloutScorer(rewardConfigFor(manifest.settings));
  const estimator = advantageEstimatorFor(manifest.settings.lossAggregation);
  const log = new JsonlLog(grpoLayout(options.outputDir).scoredLog(options.workerId));
  const handler = async (message: MessageOf<typeof RolloutGroupTopic>) => {
    if (message.runId !== manifest.runId) return;
    const group = message.payload;
    const scored = scoreRolloutGroup(scorer, group, estimator);
    const record: ScoredRecord = {
      runId: message.runId,
      rolloutMessageId: message.messageId,
      scoredMessageId: scoredMessageId(message.messageId),
      group,
      scored,
      scoredAt: new Date().toISOString(),
    };
    const ref = log.append(record);
    await bus.publisher.publish(ScoredGroupTopic, {
      runId: message.runId,
      messageId: record.scoredMessageId,
      payload: {
        policyVersion: group.policyVersion,
        promptId: group.promptId,
        rewards: scored.rewards,
        advantages: scored.advantages,
        zeroVariance: scored.zeroVariance,
        rolloutsRef: formatLineRef(ref),
      },
    });
    options.onScored?.(record);
  };
  const consumer = await bus.consume({
    topic: RolloutGroupTopic,
    groupId: `xreason-grpo-reward-${manifest.runId}`,
    handler,
  });
  return {
    consumer,
    async stop() {
      await consumer.stop();
      log.close();
    },
  };
}
