import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SafetensorsFile } from '@xreason/safetensors';
import { initRandomCheckpoint, loadModel } from './checkpoint.js';
import { loadAdapter, readAdapterConfig, saveAdapter } from './peft-adapter.js';
import { generateFromCheckpoint, scoreCheckpoint } from './run-checkpoint.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A qwen2 checkpoint and a trained-looking (B ≠ 0) rsLoRA adapter saved beside it. */
async function modelAndAdapter() {
  const root = fs.mkdtempSync(join(tmpdir(), 'xreason-adapter-'));
  dirs.push(root);
  const base = join(root, 'base');
  const adapter = join(root, 'adapter');
  await initRandomCheckpoint({
    arch: 'qwen2',
    vocab: 23,
    hidden: 16,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    intermediate: 24,
    seed: 2,
    out: base,
    initializerRange: 0.3,
  });
  const model = await loadModel(base);
  model.addLora({
    rank: 3,
    alpha: 5,
    rslora: true,
    targets: ['q_proj', 'v_proj', 'down_proj'],
    zeroB: false,
    seed: 4,
    dropout: 0.05,
  });
  await saveAdapter(model, adapter, { baseModel: base });
  return { root, base, adapter, model };
}

const ids = [2, 7, 1, 8, 2, 8, 1];

describe('PEFT adapters in and out', () => {
  it('writes PEFT keys and config fields', async () => {
    const { adapter } = await modelAndAdapter();
    const config = JSON.parse(fs.readFileSync(join(adapter, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      r: 3,
      lora_alpha: 5,
      use_rslora: true,
      lora_dropout: 0.05,
      target_modules: ['q_proj', 'v_proj', 'down_proj'],
    });
    const file = await SafetensorsFile.open(join(adapter, 'adapter_model.safetensors'));
    expect(file.tensorNames()).toContain('base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight');
    expect(file.info('base_model.model.model.layers.0.mlp.down_proj.lora_B.weight').shape).toEqual([16, 3]);
    expect(file.info('base_model.model.model.layers.0.mlp.down_proj.lora_A.weight').shape).toEqual([3, 24]);
    expect(file.tensorNames()).toHaveLength(2 * 3 * 2);
    await file.close();
  });

  it('an adapter loaded from files computes exactly what the in-memory adapter did', async () => {
    const { base, adapter, model } = await modelAndAdapter();
    const loaded = await loadModel(base, { adapter });
    expect(loaded.lora).toEqual(model.lora);
    expect(loaded.lora?.dropout).toBe(0.05);
    expect(await loaded.logits(ids)).toEqual(await model.logits(ids));
    // the loaded adapter's dropout acts in training calls, with the same masks for the same seed
    const sequences = [{ ids }];
    expect(await loaded.loss(sequences, { dropoutSeed: 3 })).toBe(await model.loss(sequences, { dropoutSeed: 3 }));
    const { logprobs } = await scoreCheckpoint(base, ids, { adapter });
    expect(logprobs).toEqual((await model.tokenLogprobs([ids])).logprobs[0]);
    expect(logprobs).not.toEqual((await scoreCheckpoint(base, ids)).logprobs);
  });

  it('merged equals unmerged through the files', async () => {
    const { base, adapter } = await modelAndAdapter();
    const unmerged = await (await loadModel(base, { adapter })).logits(ids);
    const merged = await loadModel(base, { adapter, mergeAdapter: true });
    expect(merged.lora).toBeUndefined();
    const logits = await merged.logits(ids);
    expect(Math.max(...logits.map((v, i) => Math.abs(v - unmerged[i]!)))).toBeLessThan(1e-5);
    const options = { maxNewTokens: 6, temperature: 0 };
    expect((await generateFromCheckpoint(base, [ids], { ...options, adapter, mergeAdapter: true })).tokens).toEqual(
      (await generateFromCheckpoint(base, [ids], { ...options, adapter })).tokens,
    );
  });

  it('an adapter whose rank disagrees with its config names the tensor and both shapes', async () => {
    const { base, adapter } = await modelAndAdapter();
    const file = join(adapter, 'adapter_config.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), r: 4 }));
    await expect(loadModel(base, { adapter })).rejects.toThrow(
      /tensor "base_model.model.model.layers.0.mlp.down_proj.lora_A.weight" has shape \[3, 24\] but adapter_config.json and the base model imply \[4, 24\]/,
    );
  });

  it('an adapter targeting a module missing from its file names the missing key', async () => {
    const { base, adapter } = await modelAndAdapter();
    const file = join(adapter, 'adapter_config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...JSON.parse(fs.readFileSync(file, 'utf8')),
        target_modules: ['q_proj', 'v_proj', 'down_proj', 'up_proj'],
      }),
    );
    await expect(loadModel(base, { adapter })).rejects.toThrow(
      /missing tensor "base_model.model.model.layers.0.mlp.up_proj.lora_A.weight"/,
    );
  });

  it.each([
    ['use_dora', true, /field "use_dora": true is not supported/],
    ['target_modules', '.*proj', /field "target_modules": must be a non-empty list/],
    ['target_modules', ['lm_head'], /unsupported module "lm_head"/],
    ['r', 0, /field "r": must be a positive integer, got 0/],
    ['layers_to_transform', [0], /field "layers_to_transform": \[0\] is not supported/],
  ])('adapter_config.json with %s = %j is refused by name', async (field, value, message) => {
    const { adapter } = await modelAndAdapter();
    const file = join(adapter, 'adapter_config.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), [field]: value }));
    expect(() => readAdapterConfig(adapter)).toThrow(message);
  });

  it('a failed adapter load leaves the model as the base', async () => {
    const { base, adapter } = await modelAndAdapter();
    const file = join(adapter, 'adapter_config.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), r: 4 }));
    const model = await loadModel(base);
    const before = await model.logits(ids);
    await expect(loadAdapter(model, adapter)).rejects.toThrow(/has shape \[3, 24\]/);
    expect(model.lora).toBeUndefined();
    expect(model.tensorNames().some((n) => n.includes('lora_'))).toBe(false);
    expect(await model.logits(ids)).toEqual(before);
  });
});
