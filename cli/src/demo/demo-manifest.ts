import { API_VERSION, type AlignmentRun, type LanguageCode } from '@xreason/contracts';

/**
 * Eight prompts × six rollouts a step: with four, half the groups of a step had no reward variance and
 * the surviving two prompts' gradient was too noisy to move held-out accuracy (+0.8, +5.7, −0.8 points
 * over SFT on one base, against +4.7, +11.2, +11.2 with eight). A larger learning rate instead (2e-3)
 * collapsed the policy into repetition. Neither helps when SFT solves under ~15%: then most groups are
 * all wrong whatever the batch, which is why the demo's base pretrains long enough to do the arithmetic.
 */
const GRPO_PROMPTS_PER_STEP = 8;

export interface DemoRunOptions {
  name: string;
  baseModelDir: string;
  languages: readonly LanguageCode[];
  /** Problems per language in the SFT set. */
  problems: number;
  sftEpochs: number;
  grpoSteps: number;
  /** Held-out problems per language, and samples per problem, of every evaluation. */
  evalProblems: number;
  evalSamples: number;
  seed: number;
}

/**
 * The budget-alignment recipe (DESIGN §2) scaled to a laptop: multilingual CoT SFT with LoRA, then
 * GRPO with the published reward weights and clip range, an equal linear merge of the per-language
 * branches, and evaluation on held-out problems of the synthetic world. Same manifest shape a cluster
 * run uses — only the sizes differ.
 */
export function demoRunManifest(options: DemoRunOptions): AlignmentRun {
  // Every linear module: the base has only ever written English reasoning, and the new language's
  // words come out of the MLPs as much as the attention.
  const lora = {
    r: 16,
    alpha: 32,
    dropout: 0,
    targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  };
  return {
    apiVersion: API_VERSION,
    kind: 'AlignmentRun',
    metadata: { name: options.name, labels: { 'xreason.io/demo': 'true' } },
    spec: {
      recipe: 'budget-alignment',
      baseModel: { uri: options.baseModelDir },
      languages: [...options.languages],
      data: [
        { name: 'budget-sft', uri: `synthetic://world?count=${options.problems}&seed=${options.seed}` },
        {
          name: 'grpo-prompts',
          // Each prompt once (steps × promptsPerStep): with a few dozen reused, GRPO memorised their answers.
          uri: `synthetic://world?count=${options.grpoSteps * GRPO_PROMPTS_PER_STEP}&seed=${options.seed + 1}`,
        },
        { name: 'world', uri: `synthetic://world?split=test-iid&count=${options.evalProblems}` },
      ],
      sft: { epochs: options.sftEpochs, learningRate: 3e-3, batchSize: 8, maxSequenceLength: 256, lora },
      grpo: {
        steps: options.grpoSteps,
        learningRate: 5e-4,
        rolloutsPerPrompt: 6,
        promptsPerStep: GRPO_PROMPTS_PER_STEP,
        epsilonLow: 0.2,
        epsilonHigh: 0.28,
        klCoefficient: 0,
        lossAggregation: 'dr_grpo',
        maxPolicyLag: 1,
        rewardWeights: { accuracy: 1.0, languageConsistency: 0.2, format: 0.2 },
        // Below 1: a model this small samples stray bytes at temperature 1, and every rollout pays for them.
        temperature: 0.8,
        maxNewTokens: 96,
        lora,
      },
      merge: { method: 'linear' },
      evaluation: {
        suites: ['world'],
        samples: options.evalSamples,
        k: [1, options.evalSamples],
        // The published evaluation's sampling (temperature 0.6, top-p 0.95).
        temperature: 0.6,
        topP: 0.95,
        maxNewTokens: 128,
      },
      maxRetries: 1,
      seed: options.seed,
    },
  };
}
