import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xreason } from './run-cli.js';

describe('xreason model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xreason-model-'));
  const model = join(dir, 'tiny-qwen2');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('init writes a Hugging Face checkpoint; score agrees with the logprobs generate reports', async () => {
    const init = await xreason([
      'model',
      'init',
      '--arch',
      'qwen2',
      '--vocab',
      '64',
      '--hidden',
      '32',
      '--layers',
      '2',
      '--heads',
      '4',
      '--kv-heads',
      '2',
      '--intermediate',
      '64',
      '--seed',
      '3',
      '--out',
      model,
    ]);
    expect(init.code).toBe(0);
    const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ architectures: ['Qwen2ForCausalLM'], vocab_size: 64, num_key_value_heads: 2 });

    const prompt = [5, 17, 3];
    const generated = await xreason([
      'model',
      'generate',
      '--model',
      model,
      '--ids',
      prompt.join(','),
      '--max-new-tokens',
      '6',
      '--seed',
      '9',
    ]);
    expect(generated.code).toBe(0);
    const { tokens, logprobs } = JSON.parse(generated.stdout) as { tokens: number[][]; logprobs: number[][] };
    expect(tokens[0]).toHaveLength(6);

    // log p(id_i | id_<i) over prompt + sample: its last six entries are the sampled tokens' logprobs.
    const scored = await xreason(['model', 'score', '--model', model, '--ids', [...prompt, ...tokens[0]!].join(',')]);
    expect(scored.code).toBe(0);
    const all = (JSON.parse(scored.stdout) as { logprobs: number[] }).logprobs;
    expect(all).toHaveLength(prompt.length + 6 - 1);
    all.slice(-6).forEach((lp, i) => expect(lp).toBeCloseTo(logprobs[0]![i]!, 4));
  }, 120_000);

  it('names the bad flag or file instead of crashing', async () => {
    const arch = await xreason([
      'model',
      'init',
      '--arch',
      'gpt2',
      '--vocab',
      '8',
      '--hidden',
      '8',
      '--layers',
      '1',
      '--heads',
      '1',
      '--kv-heads',
      '1',
      '--intermediate',
      '8',
      '--seed',
      '1',
      '--out',
      join(dir, 'x'),
    ]);
    expect(arch.code).toBe(1);
    expect(arch.stderr).toMatch(/--arch: "gpt2" is not one of llama, qwen2/);
    const missing = await xreason(['model', 'score', '--model', join(dir, 'nothing-here'), '--ids', '1,2']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nothing-here\/config\.json/);
    expect(missing.stderr).not.toMatch(/\n\s+at /); // a message, not a stack
  }, 60_000);
});
