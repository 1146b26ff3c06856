import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Broker, startBroker } from '@xreason/broker';
import { Bus } from '@xreason/bus';
import { ScoredGroupTopic } from '@xreason/contracts';
import {
  type GrpoStageContext,
  type PolicyVersionRecord,
  type ScoredRecord,
  type StepRecord,
  grpoLayout,
  readJsonl,
  runGrpoStage,
} from '@xreason/grpo';
import { createRolloutScorer, groupAdvantages } from '@xreason/reasoning';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TinyTask, buildTinyTask } from './tiny-task.js';

/** The GRPO loop end to end over the project's Kafka-protocol broker, on a tiny random model. */
describe('GRPO over Kafka', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xreason-grpo-'));
  let broker: Broker;
  let task: TinyTask;

  beforeAll(async () => {
    broker = await startBroker({ port: 0, memory: true });
    task = await buildTinyTask(join(dir, 'task'));
  }, 120_000);

  afterAll(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const context = (runId: string, overrides: Partial<GrpoStageContext> = {}): GrpoStageContext => ({
    runId,
    baseModelDir: task.baseModelDir,
    sftAdapterDir: task.sftAdapterDir,
    outputDir: join(dir, runId),
    grpo: {
      steps: 30,
      promptsPerStep: 4,
      rolloutsPerPrompt: 8,
      learningRate: 0.05,
      maxNewTokens: 8,
      maxPolicyLag: 1,
    },
    languages: ['en'],
    bus: { brokers: [broker.bootstrapServers], clientId: runId },
    prompts: task.prompts,
    checkpointEvery: 10,
    seed: 3,
    ...overrides,
  });

  const scoredRecords = (outputDir: string): ScoredRecord[] => {
    const scoredDir = join(grpoLayout(outputDir).root, 'scored');
    return readdirSync(scoredDir).flatMap((f) => readJsonl<ScoredRecord>(join(scoredDir, f)));
  };

  it('raises the mean reward, advances one version per step, and drops groups older than maxPolicyLag', async () => {
    const runId = 'learn';
    let injected: string | undefined;
    const injector = await Bus.connect({ brokers: [broker.bootstrapServers], clientId: 'injector' });
    const ctx = context(runId, {
      // At step 3 a group of version 0 arrives (a slow rollout worker): lag ≥ 2 > maxPolicyLag.
      onProgress: (p) => {
        if (p.step !== 3 || injected) return;
        const first = scoredRecords(ctx.outputDir).find((r) => r.group.policyVersion === 0) as ScoredRecord;
        injected = `late-${first.scoredMessageId}`;
        void injector.publisher.publish(ScoredGroupTopic, {
          runId,
          messageId: injected,
          payload: { ...groupOf(first), policyVersion: 0 },
        });
      },
    });
    const result = await runGrpoStage(ctx);
    await injector.close();
    const layout = grpoLayout(ctx.outputDir);
    const steps = readJsonl<StepRecord>(layout.steps);
    const versions = readJsonl<PolicyVersionRecord>(layout.policyVersions);

    expect(result.steps).toBe(30);
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    expect(steps.map((s) => [s.fromVersion, s.version])).toEqual(steps.map((_, i) => [i, i + 1]));
    for (const step of steps) for (const g of step.groups) expect(g.lag).toBeLessThanOrEqual(1);
    const dropped = steps.flatMap((s) => s.dropped);
    expect(dropped).toContainEqual({ messageId: injected, policyVersion: 0, reason: 'stale' });

    const curve = result.rewardCurve;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(curve.slice(0, 8));
    const last = mean(curve.slice(-8));
    console.log(
      `reward curve (${result.secondsPerStep.toFixed(3)} s/step): ${curve.map((r) => r.toFixed(2)).join(' ')}; first 8 ${first.toFixed(3)} → last 8 ${last.toFixed(3)}`,
    );
    expect(last).toBeGreaterThan(first + 0.2);
  }, 150_000);

  it('scores every group with libs/reasoning and centres its rewards (Dr. GRPO: advantages sum to zero)', async () => {
    const records = scoredRecords(join(dir, 'learn'));
    expect(records.length).toBeGreaterThanOrEqual(120);
    const scorer = await createRolloutScorer({ weights: { accuracy: 1, 'language-consistency': 0.2, format: 0.2 } });
    for (const { group, scored } of records) {
      const rewards = group.completions.map(
        (c) =>
          scorer.score({ language: group.language, task: group.task, gold: group.gold, completion: c.text }).reward,
      );
      expect(scored.rewards).toEqual(rewards);
      const expected = groupAdvantages(rewards, 'dr-grpo');
      expect(scored.advantages).toEqual(expected.advantages);
      expect(scored.zeroVariance).toBe(expected.zeroVariance);
      expect(Math.abs(scored.advantages.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
      for (const c of group.completions) expect(c.logprobs).toHaveLength(c.tokenIds.length);
    }
  });

  it('resumes after an interruption from the checkpointed version, using no scored group twice', async () => {
    const runId = 'resume';
    const controller = new AbortController();
    const first = runGrpoStage(
      context(runId, {
        grpo: {
          steps: 12,
          promptsPerStep: 2,
          rolloutsPerPrompt: 4,
          learningRate: 0.05,
          maxNewTokens: 8,
          maxPolicyLag: 1,
        },
        checkpointEvery: 4,
        signal: controller.signal,
        onProgress: (p) => p.step === 6 && controller.abort(),
      }),
    );
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    const layout = grpoLayout(join(dir, runId));
    const publishedBefore = readJsonl<PolicyVersionRecord>(layout.policyVersions).at(-1)!.version;
    expect(publishedBefore).toBe(6);

    const resumed = await runGrpoStage(
      context(runId, {
        grpo: {
          steps: 12,
          promptsPerStep: 2,
          rolloutsPerPrompt: 4,
          learningRate: 0.05,
          maxNewTokens: 8,
          maxPolicyLag: 1,
        },
        checkpointEvery: 4,
      }),
    );
    expect(resumed.resumedFromStep).toBe(4);
    expect(resumed.steps).toBe(12);
    const versions = readJsonl<PolicyVersionRecord>(layout.policyVersions);
    // The checkpoint's weights (version 4) come back as version 7: numbers are never reused for other weights.
    const restart = versions.find((v) => v.version === 7)!;
    expect(restart.lineage).toEqual([0, 1, 2, 3, 4, 7]);
    const steps = readJsonl<StepRecord>(layout.steps);
    const after = steps.filter((s) => s.resumedFromStep === 4);
    expect(after.map((s) => s.step)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(after[0]!.fromVersion).toBe(7);
    const used = steps.flatMap((s) => s.groups.map((g) => g.messageId));
    expect(new Set(used).size).toBe(used.length);
  }, 120_000);
});

function groupOf(record: ScoredRecord) {
  return {
    promptId: record.group.promptId,
    rewards: record.scored.rewards,
    advantages: record.scored.advantages,
    zeroVariance: record.scored.zeroVariance,
    rolloutsRef: 'unused#bytes=0-0',
  };
}
