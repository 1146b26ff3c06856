import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainByteLevelBpe } from './byte-level-bpe.js';
import { MULTILINGUAL_TEXTS } from './fixtures.test-helpers.js';
import { Tokenizer } from './tokenizer.js';

/** A small corpus in every script of the fixtures, repeated so that merges have counts to go on. */
const CORPUS = Array.from({ length: 30 }, (_, i) => Object.values(MULTILINGUAL_TEXTS).map((t) => `${t} ${i}`)).flat();

describe('a byte-level BPE tokenizer trained on a multilingual corpus', () => {
  let trained: Tokenizer;
  beforeAll(async () => {
    trained = await trainByteLevelBpe(CORPUS, { vocabSize: 600 });
  });

  it('fills the vocabulary exactly to the requested size', () => {
    expect(trained.vocabSize).toBe(600);
  });

  it.each(Object.entries(MULTILINGUAL_TEXTS))('round-trips %s text exactly', async (_lang, text) => {
    expect(await trained.decode((await trained.encode(text)).ids)).toBe(text);
  });

  it('round-trips text it never saw, in scripts absent from the corpus, through the byte alphabet', async () => {
    const unseen = 'Привет, мир! Γειά σου κόσμε. 안녕하세요 ✓ \u0000 tab\there';
    expect(await trained.decode((await trained.encode(unseen)).ids)).toBe(unseen);
  });

  it('compresses the training text: merged tokens are fewer than its UTF-8 bytes', async () => {
    const text = MULTILINGUAL_TEXTS.ja;
    expect((await trained.encode(text)).ids.length).toBeLessThan(Buffer.byteLength(text) / 2);
  });

  it('splits every number into single digits', async () => {
    const { tokens } = await trained.encode('It costs 12345 yen');
    expect(tokens.filter((t) => /^\d+$/.test(t))).toEqual(['1', '2', '3', '4', '5']);
  });

  it('keeps special and thinking tokens whole and gives them the first ids', async () => {
    expect(trained.tokenToId('<|endoftext|>')).toBe(0);
    expect(trained.tokenToId('<|im_start|>')).toBe(1);
    const { ids } = await trained.encode('<|im_start|>assistant\n<think>\nx\n</think>\n\ny<|im_end|>');
    expect(ids[0]).toBe(1);
    expect(ids).toContain(trained.tokenToId('<think>'));
    expect(ids.at(-1)).toBe(trained.tokenToId('<|im_end|>'));
    // <think> is an added token, not a special one: a reader of the output still sees it.
    expect(await trained.decode(ids, { skipSpecialTokens: true })).toBe('assistant\n<think>\nx\n</think>\n\ny');
  });

  it('is deterministic: the same corpus trains the same merges', async () => {
    const again = await trainByteLevelBpe(CORPUS, { vocabSize: 600 });
    const dir1 = mkdtempSync(join(tmpdir(), 'bpe-'));
    const dir2 = mkdtempSync(join(tmpdir(), 'bpe-'));
    trained.save(dir1);
    again.save(dir2);
    expect(readFileSync(join(dir1, 'tokenizer.json'), 'utf8')).toBe(readFileSync(join(dir2, 'tokenizer.json'), 'utf8'));
  });

  it('saves files that the library and our loader read back to the same encodings and chat template', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpe-'));
    trained.save(dir);
    const reloaded = Tokenizer.fromDirectory(dir);
    const alone = HfTokenizer.fromFile(join(dir, 'tokenizer.json'));
    for (const text of Object.values(MULTILINGUAL_TEXTS)) {
      const ids = (await trained.encode(text)).ids;
      expect((await reloaded.encode(text)).ids).toEqual(ids);
      expect((await alone.encode(text, null, { addSpecialTokens: false })).getIds()).toEqual(ids);
    }
    const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'));
    expect(config.eos_token).toBe('<|im_end|>');
    const messages = [{ role: 'user', content: '1+1?' }];
    expect(
      reloaded.applyChatTemplate(messages, { addGenerationPrompt: true, variables: { enable_thinking: true } }),
    ).toBe('<|im_start|>user\n1+1?<|im_end|>\n<|im_start|>assistant\n<think>\n');
    expect(
      reloaded.applyChatTemplate([...messages, { role: 'assistant', content: '2', reasoning_content: '1+1=2' }]),
    ).toBe('<|im_start|>user\n1+1?<|im_end|>\n<|im_start|>assistant\n<think>\n1+1=2\n</think>\n\n2<|im_end|>\n');
  });

  it('rejects a vocabulary too small for the byte alphabet, naming the minimum', async () => {
    await expect(trainByteLevelBpe(CORPUS, { vocabSize: 100 })).rejects.toThrow(
      /vocabSize 100 must be an integer ≥ 261/,
    );
  });
});
