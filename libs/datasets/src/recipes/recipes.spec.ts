import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@xreason/tokenizer';
import { describe, expect, it } from 'vitest';
import { buildRecipeDataset } from './build-recipe.js';
import { RECIPES, recipeRegistry } from './registry.js';

describe('recipe builders', () => {
  it.each(RECIPES.map((r) => [r.name, r] as const))(
    '%s builds examples for the requested languages only',
    (_name, recipe) => {
      const examples = recipe.build({ languages: ['ja', 'fr'], seed: 1, count: 6 });
      expect(examples.length).toBeGreaterThan(0);
      for (const e of examples) expect(['ja', 'fr', 'en']).toContain(e.language);
    },
  );

  it('budget SFT chains reason in the question language inside the think block and box the exact answer', () => {
    const [chain] = recipeRegistry.get('budget-sft').build({ languages: ['ja'], seed: 1, count: 1 });
    expect(chain!.prompt.endsWith('<think>\n')).toBe(true);
    expect(chain!.completion).toMatch(/。\n<\/think>\n\n答えは\d+です。 \\boxed\{\d+\}<\|im_end\|>$/);
    expect(chain!.completion).toContain(`\\boxed{${chain!.answer}}`);
  });

  it('english-reasoning pairs every language’s question with the same English chain (the base model’s habit)', () => {
    const examples = recipeRegistry.get('english-reasoning').build({ languages: ['ja', 'fr'], seed: 1, count: 2 });
    expect(examples.map((e) => e.language)).toEqual(['en', 'ja', 'fr', 'en', 'ja', 'fr']);
    const [en, ja] = examples;
    expect(ja!.prompt).toContain('日本語');
    expect(ja!.completion).toBe(en!.completion);
    expect(ja!.completion).toMatch(/\n<\/think>\n\nThe answer is \d+\. \\boxed\{\d+\}<\|im_end\|>$/);
  });

  it('QAlign stage I asks to translate the X question and answers with its English version', () => {
    const [pair] = recipeRegistry.get('qalign-stage1').build({ languages: ['de'], seed: 2, count: 1 });
    expect(pair!.prompt).toContain('Translate the following sentences from German to English.');
    expect(pair!.completion).toMatch(/^[A-Z][^äöüß]*\?$/);
  });

  it('answers an unknown recipe with a did-you-mean', () => {
    expect(() => recipeRegistry.get('qalign-stage3')).toThrow(/did you mean/);
  });
});

describe('buildRecipeDataset', () => {
  it('writes examples, a trained tokenizer and packed shards whose manifest counts and hashes match the files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'recipe-'));
    const { manifest, tokenizerDir } = await buildRecipeDataset({
      recipe: 'budget-sft',
      outDir: out,
      languages: ['en', 'ja', 'zh'],
      count: 20,
      vocabSize: 400,
      sequenceLength: 256,
    });
    expect(manifest.examples).toBe(60);
    expect(manifest.examplesPerLanguage).toEqual({ en: 20, ja: 20, zh: 20 });
    const shard = manifest.shards[0]!;
    const tokens = readFileSync(join(out, 'shards', shard.tokens));
    const mask = readFileSync(join(out, 'shards', shard.lossMask));
    expect(createHash('sha256').update(tokens).digest('hex')).toBe(shard.sha256.tokens);
    expect(tokens.byteLength).toBe(shard.sequences * 256 * 4);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(manifest.lossTokens);
    expect(manifest.shards.reduce((s, x) => s + x.tokenCount, 0)).toBe(manifest.totalTokens);
    // The first row decodes back to the first example's prompt + completion.
    const tokenizer = Tokenizer.fromDirectory(tokenizerDir);
    const ids = [...new Uint32Array(tokens.buffer, tokens.byteOffset, 256)];
    const examples = readFileSync(join(out, 'examples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const decoded = await tokenizer.decode(ids);
    expect(decoded.startsWith(examples[0].prompt + examples[0].completion)).toBe(true);
  });

  it('pads one example per row and counts the examples too long to fit', async () => {
    const out = mkdtempSync(join(tmpdir(), 'recipe-'));
    const fits = await buildRecipeDataset({
      recipe: 'qalign-stage1',
      outDir: out,
      languages: ['fr'],
      count: 10,
      vocabSize: 300,
      sequenceLength: 1024,
      mode: 'pad',
    });
    expect(fits.manifest).toMatchObject({ examples: 10, truncated: 0 });
    expect(fits.manifest.shards[0]!.sequences).toBe(10);
    const tooShort = await buildRecipeDataset({
      recipe: 'qalign-stage1',
      outDir: out,
      languages: ['fr'],
      count: 10,
      vocabSize: 300,
      sequenceLength: 16,
      mode: 'pad',
    });
    expect(tooShort.manifest).toMatchObject({ examples: 0, truncated: 10, shards: [] });
  });
});
