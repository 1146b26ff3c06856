import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer, trainByteLevelBpe } from '@xreason/tokenizer';
import { initRandomCheckpoint } from './checkpoint.js';
import { generateText } from './generate-text.js';
import { generateFromCheckpoint } from './run-checkpoint.js';

let root: string;
let model: string;
let tokenizer: Tokenizer;

beforeAll(async () => {
  root = fs.mkdtempSync(join(tmpdir(), 'xreason-text-'));
  model = join(root, 'model');
  const corpus = [
    'the cat sat on the mat',
    'a dog ran to the park',
    'two plus three is five',
    'le chat est sur le tapis',
  ];
  tokenizer = await trainByteLevelBpe(corpus, { vocabSize: 300 });
  await initRandomCheckpoint({
    arch: 'qwen2',
    vocab: tokenizer.vocabSize,
    hidden: 16,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    intermediate: 24,
    tieEmbeddings: true,
    seed: 1,
    out: model,
    initializerRange: 0.5,
  });
  tokenizer.save(model);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('generateText', () => {
  it('samples what generateFromCheckpoint samples for the encoded prompts, and decodes it', async () => {
    const prompts = ['the cat', 'two plus'];
    const options = { maxNewTokens: 6, temperature: 0, stopAtEos: false };
    const out = await generateText(model, prompts, options);
    const ids = await tokenizer.encodeBatchIds(prompts);
    const direct = await generateFromCheckpoint(model, ids, { maxNewTokens: 6, temperature: 0 });
    expect(out.tokens).toEqual(direct.tokens);
    expect(out.texts).toEqual(await tokenizer.decodeBatch(direct.tokens, { skipSpecialTokens: true }));
  });

  it('with chat, the prompt goes through the chat template as a user turn awaiting the reply', async () => {
    const out = await generateText(model, ['hello'], { maxNewTokens: 4, temperature: 0, chat: true, stopAtEos: false });
    const rendered = tokenizer.applyChatTemplate([{ role: 'user', content: 'hello' }], { addGenerationPrompt: true });
    expect(rendered.endsWith('<|im_start|>assistant\n')).toBe(true);
    const direct = await generateFromCheckpoint(model, [await tokenizer.encodeIds(rendered)], {
      maxNewTokens: 4,
      temperature: 0,
    });
    expect(out.tokens).toEqual(direct.tokens);
  });
});
