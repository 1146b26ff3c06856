import { EngineModel, randomWeights, weightBuffers, type DecoderConfig } from '@xreason/engine';
import { trainByteLevelBpe, type Tokenizer } from '@xreason/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineBackend } from './engine-backend.js';
import type { GenerationRequest } from './generation-backend.js';

let tokenizer: Tokenizer;
let backend: EngineBackend;

beforeAll(async () => {
  tokenizer = await trainByteLevelBpe(
    ['Combien de pommes ? La réponse est 42.', 'りんごは何個ですか。答えは42です。'],
    { vocabSize: 280 },
  );
  const config: DecoderConfig = {
    architecture: 'qwen2',
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 16,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    intermediateSize: 24,
    ropeTheta: 10000,
    rmsNormEps: 1e-6,
    tieEmbeddings: true,
  };
  const model = EngineModel.create(config, weightBuffers(randomWeights(config, 5, 0.5)));
  backend = new EngineBackend({ model, tokenizer });
});

const request = (itemId: string, seed = 1): GenerationRequest => ({
  itemId,
  language: 'fr',
  prompt: { kind: 'chat', messages: [{ role: 'user', content: 'Combien de pommes ?' }] },
  n: 3,
  params: { temperature: 1, topP: 1, maxTokens: 12, seed },
});

describe('EngineBackend (tiny random model on the native engine)', () => {
  it('returns n completions per request with token ids, one logprob per token, a finish reason and the decoded text', async () => {
    const [completions] = await backend.generate([request('q1')]);
    expect(completions).toHaveLength(3);
    for (const c of completions!) {
      expect(c.tokenIds.length).toBeGreaterThan(0);
      expect(c.tokenIds.length).toBeLessThanOrEqual(12);
      expect(c.logprobs).toHaveLength(c.tokenIds.length);
      for (const lp of c.logprobs) expect(lp).toBeLessThanOrEqual(0);
      const stopped = c.finishReason === 'stop';
      expect(stopped || c.tokenIds.length === 12).toBe(true);
      expect(c.text).toBe(
        await tokenizer.decode(stopped ? c.tokenIds.slice(0, -1) : c.tokenIds, { skipSpecialTokens: true }),
      );
    }
  });

  it("an item's samples depend on the seed and the item, not on which items share the call", async () => {
    const [alone] = await backend.generate([request('q1')]);
    const [, together] = await backend.generate([request('q2'), request('q1')]);
    expect(together).toEqual(alone);
    const [reseeded] = await backend.generate([request('q1', 2)]);
    expect(reseeded!.map((c) => c.tokenIds)).not.toEqual(alone!.map((c) => c.tokenIds));
  });

  it('renders chat prompts with the tokenizer template and opens the thinking block', async () => {
    const ids = await backend.promptIds({ kind: 'chat', messages: [{ role: 'user', content: 'Combien ?' }] });
    expect(await tokenizer.decode(ids)).toMatch(
      /<\|im_start\|>user\nCombien \?<\|im_end\|>\n<\|im_start\|>assistant\n<think>\n$/,
    );
  });
});
