import type { Bus, TopicConsumer } from '@xreason/bus';
import { type MessageOf, PolicyVersionTopic, RolloutGroupTopic, seededRandom } from '@xreason/contracts';
import type { EngineModel } from '@xreason/engine';
import { loadModel } from '@xreason/models';
import { Tokenizer } from '@xreason/tokenizer';
import { JsonlLog, readJsonl } from './jsonl-log.js';
import { grpoLayout } from './layout.js';
import { swapAdapterWeights } from './policy-weights.js';
import { type GrpoPrompt, promptsForBatch, readPromptSet } from './prompt-set.js';
import type { RolloutGroup } from './reward-worker.js';
import type { GrpoRunManifest } from './run-manifest.js';

/** How often a waiting rollout worker also looks at policy-versions.jsonl. */
const POLL_MS = 1_000;

/** A policy version as the rollout worker knows it. */
interface KnownPolicy {
  version: number;
  adapterUri: string;
  contentHash: string;
}

/** What the trainer appends to policy-versions.jsonl for each PolicyVersion it publishes. */
export interface PolicyVersionRecord extends KnownPolicy {
  step: number;
  publishedAt: string;
  /** The versions of this timeline, oldest first (a resumed run restarts the lineage from its checkpoint). */
  lineage: number[];
}

export interface RolloutWorkerOptions {
  bus: Bus;
  manifest: GrpoRunManifest;
  outputDir: string;
  workerId: string;
  /** This worker's share of each batch: batch positions i with i mod workers = worker. */
  worker?: number;
  workers?: number;
  onGroup?: (group: RolloutGroup) => void;
}

export interface RolloutWorker {
  readonly consumer: TopicConsumer<typeof PolicyVersionTopic>;
  /** Batches generated, and under which version each was. */
  readonly batches: { batch: number; version: number }[];
  /** Rejects when generation fails (the trainer would otherwise wait for groups forever). */
  readonly failed: Promise<never>;
  stop(): Promise<void>;
}

/**
 * The rollout role. It follows the newest PolicyVersion of its run and generates rollout batches with it:
 * batch k holds `promptsPerStep` prompts (this worker's share of them), G completions each, with the
 * per-token logprobs of the sampling policy. Batch k is generated only once version k − maxPolicyLag is
 * out, so generation runs at most `maxPolicyLag` batches ahead of the trainer — what it makes in that
 * window is still fresh enough to be used, and overlapping it with the trainer's step is the point of the
 * asynchronous loop. With maxPolicyLag 0 the loop is synchronous.
 */
export async function startRolloutWorker(options: RolloutWorkerOptions): Promise<RolloutWorker> {
  const { bus, manifest } = options;
  const settings = manifest.settings;
  const layout = grpoLayout(options.outputDir);
  const prompts = readPromptSet(manifest.promptsFile);
  const tokenizer = Tokenizer.fromDirectory(manifest.tokenizerDir);
  const stopTokens = ['<|im_end|>', '<|endoftext|>']
    .map((t) => tokenizer.tokenToId(t))
    .filter((id): id is number => id !== undefined);
  const log = new JsonlLog(layout.rolloutsLog(options.workerId));
  const worker = options.worker ?? 0;
  const workers = options.workers ?? 1;
  const abort = new AbortController();
  const batches: { batch: number; version: number }[] = [];

  // A restarted worker learns the current version from the trainer's log before Kafka replays it.
  let latest: KnownPolicy | undefined = readJsonl<PolicyVersionRecord>(layout.policyVersions).at(-1);
  let wake: (() => void) | undefined;
  const handler = async (message: MessageOf<typeof PolicyVersionTopic>) => {
    if (message.runId !== manifest.runId) return;
    const p = message.payload;
    if (!latest || p.version >= latest.version) latest = { ...p };
    wake?.();
  };
  const consumer = await bus.consume({
    topic: PolicyVersionTopic,
    // Every rollout worker must see every version: a group of its own, read from the beginning.
    groupId: `xreason-grpo-rollout-${manifest.runId}-${options.workerId}-${process.pid}-${Date.now()}`,
    handler,
    fromBeginning: true,
  });

  let model: EngineModel | undefined;
  let loaded: KnownPolicy | undefined;
  const promptIds = new Map<string, number[]>();
  const encodePrompt = async (p: GrpoPrompt) => {
    let ids = promptIds.get(p.id);
    if (!ids) {
      ids = await tokenizer.encodeIds(p.prompt);
      promptIds.set(p.id, ids);
    }
    return ids;
  };

  const loop = async () => {
    let k = 0;
    while (!abort.signal.aborted) {
      const policy = latest;
      if (!policy || k > policy.version + settings.maxPolicyLag) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, POLL_MS);
        });
        wake = undefined;
        // The trainer's log is the fallback when a PolicyVersion message is late (observed: a consumer
        // of the local broker going quiet for minutes); Kafka stays the normal path.
        const logged = readJsonl<PolicyVersionRecord>(layout.policyVersions).at(-1);
        if (logged && (!latest || logged.version > latest.version)) latest = logged;
        continue;
      }
      k = Math.max(k, policy.version);
      if (!model) {
        model = await loadModel(manifest.baseModelDir, { adapter: policy.adapterUri });
      } else if (loaded?.contentHash !== policy.contentHash) {
        await swapAdapterWeights(model, policy.adapterUri);
      }
      loaded = policy;
      const share = promptsForBatch(prompts, k, settings.promptsPerStep, worker, workers);
      if (share.length > 0) await generateBatch(model, policy, k, share);
      batches.push({ batch: k, version: policy.version });
      k += 1;
    }
  };

  const generateBatch = async (model: EngineModel, policy: KnownPolicy, k: number, share: GrpoPrompt[]) => {
    const G = settings.rolloutsPerPrompt;
    const encoded = await Promise.all(share.map(encodePrompt));
    const inputs = encoded.flatMap((ids) => Array.from({ length: G }, () => ids));
    // Reproducible per (run seed, batch, version); distinct across batches so groups are not repeats.
    const seed = Math.floor(
      seededRandom((manifest.seed * 1_000_003 + k * 7919 + policy.version * 31) >>> 0)() * 2 ** 31,
    );
    const generated = await model.generate(inputs, {
      maxNewTokens: settings.maxNewTokens,
      temperature: settings.temperature,
      seed,
      stopTokens,
      signal: abort.signal,
    });
    for (const [i, prompt] of share.entries()) {
      const completions = await Promise.all(
        Array.from({ length: G }, async (_, j) => {
          const tokenIds = generated.tokens[i * G + j] as number[];
          const stopped = tokenIds.length > 0 && stopTokens.includes(tokenIds.at(-1) as number);
          const text = await tokenizer.decode(stopped ? tokenIds.slice(0, -1) : tokenIds, { skipSpecialTokens: true });
          return {
            text,
            tokenIds,
            logprobs: generated.logprobs[i * G + j] as number[],
            finishReason: stopped ? ('stop' as const) : ('length' as const),
          };
        }),
      );
      const group: RolloutGroup = {
        policyVersion: policy.version,
        promptId: prompt.id,
        language: prompt.language,
        gold: prompt.gold,
        task: prompt.task,
        promptTokenIds: encoded[i] as number[],
        completions,
      };
      const messageId = `rollout:${manifest.runId}:v${policy.version}:b${k}:${prompt.id}:${options.workerId}`;
      log.append({ messageId, batch: k, generatedAt: new Date().toISOString(), ...group });
      await bus.publisher.publish(RolloutGroupTopic, { runId: manifest.runId, messageId, payload: group });
      options.onGroup?.(group);
    }
  };

  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const running = loop().catch((error: unknown) => {
    if ((error as Error).name !== 'AbortError') fail(error);
  });
  return {
    consumer,
    batches,
    failed,
    async stop() {
      abort.abort();
      await running.catch(() => undefined);
      await consumer.stop();
      log.close();
    },
  };
}
