import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomWeights } from '@xreason/engine';
import { SafetensorsError, bf16ArrayToFloat32, float32ArrayToBf16 } from '@xreason/safetensors';
import {
  initRandomCheckpoint,
  loadModel,
  readModelConfig,
  saveCheckpoint,
  type InitCheckpointOptions,
} from './checkpoint.js';
import { ModelCheckpointError } from './model-checkpoint-error.js';
import { generateFromCheckpoint, scoreCheckpoint } from './run-checkpoint.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(join(tmpdir(), 'xreason-models-'));
  dirs.push(dir);
  return dir;
}

const tiny = (out: string, overrides: Partial<InitCheckpointOptions> = {}): InitCheckpointOptions => ({
  arch: 'llama',
  vocab: 19,
  hidden: 16,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  intermediate: 24,
  seed: 5,
  out,
  ...overrides,
});

const editConfig = (dir: string, edit: (json: Record<string, unknown>) => void) => {
  const file = join(dir, 'config.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
};

describe('initRandomCheckpoint', () => {
  it.each(['llama', 'qwen2'] as const)(
    'writes a %s config.json that transformers and readModelConfig agree on',
    async (arch) => {
      const out = join(tempDir(), 'model');
      const written = await initRandomCheckpoint(tiny(out, { arch, tieEmbeddings: arch === 'qwen2' }));
      const json = JSON.parse(fs.readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(json['architectures']).toEqual([arch === 'llama' ? 'LlamaForCausalLM' : 'Qwen2ForCausalLM']);
      expect(json['torch_dtype']).toBe('float32');
      expect(readModelConfig(out)).toMatchObject({
        architecture: arch,
        vocabSize: 19,
        hiddenSize: 16,
        numLayers: 2,
        numKvHeads: 2,
      });
      // embed + 2 × (2 norms + q,k,v,o + 3 mlp) + final norm + untied head; qwen2 adds q/k/v biases and ties.
      const perLayer = 2 * 16 + 16 * 16 + 2 * 8 * 16 + 16 * 16 + 3 * 16 * 24 + (arch === 'qwen2' ? 16 + 8 + 8 : 0);
      expect(written.parameters).toBe(19 * 16 + 2 * perLayer + 16 + (arch === 'llama' ? 19 * 16 : 0));
    },
  );

  it('the same options and seed give byte-identical files; another seed does not', async () => {
    const root = tempDir();
    await initRandomCheckpoint(tiny(join(root, 'a')));
    await initRandomCheckpoint(tiny(join(root, 'b')));
    await initRandomCheckpoint(tiny(join(root, 'c'), { seed: 6 }));
    const bytes = (d: string) => fs.readFileSync(join(root, d, 'model.safetensors'));
    expect(bytes('a').equals(bytes('b'))).toBe(true);
    expect(bytes('a').equals(bytes('c'))).toBe(false);
  });

  it('refuses a non-empty output directory and leaves it untouched', async () => {
    const out = tempDir();
    fs.writeFileSync(join(out, 'keep.txt'), 'mine');
    await expect(initRandomCheckpoint(tiny(out))).rejects.toThrow(/already exists and is not an empty directory/);
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
  });

  it('rejects an unknown architecture by name before writing anything', async () => {
    const root = tempDir();
    await expect(initRandomCheckpoint(tiny(join(root, 'm'), { arch: 'gpt2' as never }))).rejects.toThrow(
      /arch: unknown architecture "gpt2"; choose from llama, qwen2/,
    );
    expect(fs.readdirSync(root)).toEqual([]);
  });
});

describe('save → load round-trips bit-exactly', () => {
  it('f32: loaded tensors are the generated ones, and saving them again writes the same bytes', async () => {
    const root = tempDir();
    const options = tiny(join(root, 'a'), { arch: 'qwen2' });
    await initRandomCheckpoint(options);
    const model = await loadModel(options.out);
    const expected = randomWeights(model.config, 5, 0.02);
    for (const [name, t] of expected) expect(model.getTensor(name)).toEqual(t.data);
    await saveCheckpoint(model, join(root, 'b'));
    const bytes = (d: string) => fs.readFileSync(join(root, d, 'model.safetensors'));
    expect(bytes('b').equals(bytes('a'))).toBe(true);
    expect(readModelConfig(join(root, 'b'))).toEqual(readModelConfig(options.out));
  });

  it('bf16: loading widens exactly, and saving as bf16 again writes the same bytes', async () => {
    const root = tempDir();
    const options = tiny(join(root, 'a'), { dtype: 'bf16', tieEmbeddings: true });
    await initRandomCheckpoint(options);
    expect(JSON.parse(fs.readFileSync(join(options.out, 'config.json'), 'utf8'))).toMatchObject({
      torch_dtype: 'bfloat16',
    });
    const model = await loadModel(options.out);
    const q = randomWeights(model.config, 5, 0.02).get('model.layers.1.self_attn.q_proj.weight')!.data;
    expect(model.getTensor('model.layers.1.self_attn.q_proj.weight')).toEqual(
      bf16ArrayToFloat32(float32ArrayToBf16(q)),
    );
    await saveCheckpoint(model, join(root, 'b'), { dtype: 'bf16' });
    const bytes = (d: string) => fs.readFileSync(join(root, d, 'model.safetensors'));
    expect(bytes('b').equals(bytes('a'))).toBe(true);
  });
});

describe('scoring and sampling a checkpoint', () => {
  it('scoreCheckpoint gives log p(id_i | id_<i) for i >= 1, as the loaded model does', async () => {
    const out = join(tempDir(), 'm');
    await initRandomCheckpoint(tiny(out, { arch: 'qwen2' }));
    const ids = [3, 1, 4, 1, 5, 9];
    const { logprobs } = await scoreCheckpoint(out, ids);
    expect(logprobs).toHaveLength(5);
    const { logprobs: direct } = await (await loadModel(out)).tokenLogprobs([ids]);
    expect(logprobs).toEqual(direct[0]);
    // A near-uniform random model: every logprob is close to −log V.
    for (const lp of logprobs) expect(Math.abs(lp + Math.log(19))).toBeLessThan(0.25);
  });

  it('generateFromCheckpoint samples reproducibly from a seed', async () => {
    const out = join(tempDir(), 'm');
    await initRandomCheckpoint(tiny(out));
    const options = { maxNewTokens: 5, temperature: 1, seed: 3 };
    const a = await generateFromCheckpoint(out, [[1, 2], [3]], options);
    const b = await generateFromCheckpoint(out, [[1, 2], [3]], options);
    expect(a.tokens.map((t) => t.length)).toEqual([5, 5]);
    expect(a).toEqual(b);
  });
});

describe('a checkpoint that does not match its config gets a clear error naming the field or tensor', () => {
  async function checkpoint(): Promise<string> {
    const out = join(tempDir(), 'm');
    await initRandomCheckpoint(tiny(out));
    return out;
  }

  it('a weight shape that config.json does not imply names the tensor and both shapes', async () => {
    const dir = await checkpoint();
    editConfig(dir, (json) => (json['intermediate_size'] = 32));
    await expect(loadModel(dir)).rejects.toThrow(
      /tensor "model.layers.0.mlp.gate_proj.weight" has shape \[24, 16\] but config.json implies \[32, 16\]/,
    );
  });

  it('more layers in the file than in config.json names the first extra tensor', async () => {
    const dir = await checkpoint();
    editConfig(dir, (json) => (json['num_hidden_layers'] = 1));
    await expect(loadModel(dir)).rejects.toThrow(
      /tensor "model.layers.1\.[a-z_.]+" is not part of a llama model with 1 layers/,
    );
  });

  it('fewer layers in the file than in config.json names the missing tensor', async () => {
    const dir = await checkpoint();
    editConfig(dir, (json) => (json['num_hidden_layers'] = 3));
    await expect(loadModel(dir)).rejects.toThrow(
      /missing tensor "model.layers.2.input_layernorm.weight" \(shape \[16\]\)/,
    );
  });

  it.each([
    ['model_type', (j: Record<string, unknown>) => (j['model_type'] = 'gpt2'), /unknown model_type "gpt2"/],
    [
      'architectures',
      (j: Record<string, unknown>) => (j['architectures'] = ['MistralForCausalLM']),
      /field "architectures": unknown architecture/,
    ],
    [
      'vocab_size',
      (j: Record<string, unknown>) => delete j['vocab_size'],
      /vocab_size must be a positive integer, got undefined/,
    ],
    [
      'num_key_value_heads',
      (j: Record<string, unknown>) => (j['num_key_value_heads'] = 3),
      /num_attention_heads \(4\) must be a multiple of num_key_value_heads \(3\)/,
    ],
  ])('config.json with a bad %s names it', async (_field, edit, message) => {
    const dir = await checkpoint();
    editConfig(dir, edit);
    const error = await loadModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCheckpointError);
    expect((error as Error).message).toMatch(/config\.json: /);
    expect((error as Error).message).toMatch(message);
  });

  it('a truncated weights file is reported by the safetensors reader, naming the file', async () => {
    const dir = await checkpoint();
    const file = join(dir, 'model.safetensors');
    fs.truncateSync(file, fs.statSync(file).size - 100);
    const error = await loadModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as Error).message).toContain(file);
  });

  it('a missing config.json names the file', async () => {
    const dir = await checkpoint();
    fs.rmSync(join(dir, 'config.json'));
    await expect(loadModel(dir)).rejects.toThrow(/config\.json: cannot read/);
  });
});
