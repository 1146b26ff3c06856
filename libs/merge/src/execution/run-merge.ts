import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import {
  dtypeByteSize,
  float32ArrayToBf16,
  float32ArrayToF16,
  ShardedCheckpointWriter,
  type Dtype,
  type TensorInput,
} from '@xreason/safetensors';
import { stringify as toYaml } from 'yaml';
import { checkMergeConfig, parseMergeConfig, type ParsedMergeConfig } from '../config/parse-merge-config.js';
import { MergeError } from '../merge-error.js';
import type { MethodModelInput } from '../methods/merge-method.js';
import type { MergeProgress, ProgressCallback } from '../progress.js';
import { streamFor } from '../tensor/seeded-random.js';
import { TypedArrayPool } from './float32-pool.js';
import { planMerge, type MergePlan, type PlannedTensor } from './merge-plan.js';
import { closeModels, openModels } from './model-checkpoint.js';
import { StagedDirectory, TOKENIZER_FILES } from './output-directory.js';

export interface RunMergeOptions {
  /** A mergekit YAML file; relative model paths are resolved against `modelBaseDir`. */
  configPath?: string;
  /** Or the config itself, as YAML text or an object of mergekit's shape. */
  config?: string | Record<string, unknown>;
  /** Created by the merge; must not exist or be empty. */
  outDir: string;
  /** Seeds DARE's random drops; the same seed gives the same output. Default: a fresh random seed. */
  randomSeed?: number;
  onProgress?: ProgressCallback;
  /** Directory relative model references are resolved against (default: the current directory, as mergekit). */
  modelBaseDir?: string;
  /** Output shard size in bytes (default 5 GB, as `save_pretrained`). */
  maxShardBytes?: number;
}

export interface MergeResult {
  outDir: string;
  method: string;
  tensorCount: number;
  layerCount: number;
  /** Sum of output tensor bytes. */
  totalBytes: number;
  files: string[];
  randomSeed: number;
  seconds: number;
}

/**
 * Merges models as a mergekit config describes, tensor by tensor: each output tensor's inputs are read
 * (widened to float32), merged, narrowed and streamed to the output shards before the next is read,
 * so memory holds one tensor's inputs at a time, never a model.
 */
export async function runMerge(options: RunMergeOptions): Promise<MergeResult> {
  const started = performance.now();
  const { parsed, yamlText } = await loadConfig(options);
  const outDir = StagedDirectory.check(options.outDir);
  const randomSeed = options.randomSeed ?? randomInt(0, 2 ** 31 - 1);
  if (!Number.isSafeInteger(randomSeed)) {
    throw new MergeError('parameter', { field: 'randomSeed' }, `must be an integer, found ${randomSeed}`);
  }
  const refs = referencedModels(parsed);
  const models = await openModels(refs, options.modelBaseDir ?? process.cwd());
  try {
    const plan = planMerge(parsed, models);
    const tokenizerModel = models.get(tokenizerSourceRef(parsed)) ?? plan.configModel;
    const staged = await StagedDirectory.create(outDir);
    try {
      const written = await writeTensors(plan, staged, randomSeed, options);
      await staged.writeText('config.json', `${JSON.stringify(outputHfConfig(plan, parsed), null, 2)}\n`);
      await staged.copyFrom(tokenizerModel.dir, TOKENIZER_FILES);
      await staged.writeText('mergekit_config.yml', yamlText);
      await staged.publish();
      const result: MergeResult = {
        outDir,
        method: plan.method.name,
        tensorCount: plan.tensors.length,
        layerCount: plan.layerCount,
        totalBytes: written.totalSize,
        files: written.files.map((f) => f.replace(staged.staging, outDir)),
        randomSeed,
        seconds: (performance.now() - started) / 1000,
      };
      options.onProgress?.({
        phase: 'done',
        done: plan.tensors.length,
        total: plan.tensors.length,
        bytesWritten: written.totalSize,
        totalBytes: written.totalSize,
      });
      return result;
    } catch (error) {
      await staged.discard();
      throw error;
    }
  } finally {
    await closeModels(models);
  }
}

async function loadConfig(options: RunMergeOptions): Promise<{ parsed: ParsedMergeConfig; yamlText: string }> {
  if ((options.configPath === undefined) === (options.config === undefined)) {
    throw new MergeError('parameter', { field: 'configPath' }, 'give exactly one of configPath or config');
  }
  if (options.configPath !== undefined) {
    let text: string;
    try {
      text = await fs.promises.readFile(options.configPath, 'utf8');
    } catch (cause) {
      throw new MergeError('io', { file: options.configPath }, `cannot read the merge config: ${(cause as Error).message}`, { cause });
    }
    return { parsed: parseMergeConfig(text), yamlText: text };
  }
  const config = options.config as string | Record<string, unknown>;
  if (typeof config === 'string') return { parsed: parseMergeConfig(config), yamlText: config };
  return { parsed: checkMergeConfig(config), yamlText: toYaml(config) };
}

function referencedModels({ config }: ParsedMergeConfig): string[] {
  const refs = new Set<string>();
  if (config.base_model !== undefined) refs.add(config.base_model);
  for (const model of config.models ?? []) refs.add(model.model);
  for (const slice of config.slices ?? []) {
    if (slice.base_model !== undefined) refs.add(slice.base_model);
    for (const source of slice.sources) refs.add(source.model);
  }
  const tokenizer = tokenizerSourceRef({ config } as ParsedMergeConfig);
  if (tokenizer !== '') refs.add(tokenizer);
  return [...refs];
}

/** The model whose tokenizer files the output gets ('' = the one whose config.json it takes). */
function tokenizerSourceRef({ config }: ParsedMergeConfig): string {
  const source = config.tokenizer?.source ?? config.tokenizer_source;
  if (source === undefined || source === 'base') return config.base_model ?? '';
  return source;
}

async function writeTensors(
  plan: MergePlan,
  staged: StagedDirectory,
  randomSeed: number,
  options: RunMergeOptions,
): Promise<{ totalSize: number; files: string[] }> {
  const largest = Math.max(1, ...plan.tensors.map((t) => t.shape.reduce((a, b) => a * b, 1)));
  const inputsPerTensor = Math.max(...plan.tensors.map((t) => t.models.length + (t.base ? 1 : 0)));
  // Idle scratch is capped a little above one tensor's working set (inputs + output): small tensors
  // released after a large one must not evict the large buffers the next layer needs again.
  const floats = new TypedArrayPool((n) => new Float32Array(n), 4 * largest * (inputsPerTensor + 2));
  const halves = new TypedArrayPool((n) => new Uint16Array(n), 2 * largest);
  const totalBytes = plan.tensors.reduce((sum, t) => sum + elementsOf(t) * dtypeByteSize(t.outputDtype), 0);
  const writer = await ShardedCheckpointWriter.create({
    dir: staged.staging,
    alwaysIndex: true,
    ...(options.maxShardBytes !== undefined ? { maxShardBytes: options.maxShardBytes } : {}),
  });
  const report = (progress: Omit<MergeProgress, 'total' | 'totalBytes'>) =>
    options.onProgress?.({ ...progress, total: plan.tensors.length, totalBytes });
  report({ phase: 'planned', done: 0, bytesWritten: 0 });
  try {
    for (const [index, tensor] of plan.tensors.entries()) {
      await mergeOne(plan, tensor, writer, floats, halves, randomSeed);
      report({ phase: 'tensor', done: index + 1, tensor: tensor.name, bytesWritten: writer.bytesWritten });
    }
    report({ phase: 'finishing', done: plan.tensors.length, bytesWritten: writer.bytesWritten });
    const written = await writer.finish();
    return { totalSize: written.totalSize, files: [...written.files, ...(written.indexFile ? [written.indexFile] : [])] };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

async function mergeOne(
  plan: MergePlan,
  tensor: PlannedTensor,
  writer: ShardedCheckpointWriter,
  floats: TypedArrayPool<Float32Array>,
  halves: TypedArrayPool<Uint16Array>,
  randomSeed: number,
): Promise<void> {
  const reference = tensor.base ?? tensor.models[0];
  if (!reference) throw new MergeError('method_input', { tensor: tensor.name }, 'no input model');
  if (!isFloat(tensor.inputDtype)) {
    // Integer buffers (position ids, masks) are not merged: copied from the reference model.
    const raw = await reference.model.checkpoint.readTensor(reference.tensorName);
    await writer.add(tensor.name, raw);
    return;
  }
  const n = elementsOf(tensor);
  const held: Float32Array[] = [];
  const read = async (input: { model: { checkpoint: { readAsFloat32(name: string, target: Float32Array): Promise<Float32Array> } }; tensorName: string }) => {
    const target = floats.acquire(n);
    held.push(target);
    return input.model.checkpoint.readAsFloat32(input.tensorName, target);
  };
  try {
    const [base, ...values] = await Promise.all([
      tensor.base ? read(tensor.base) : Promise.resolve(undefined),
      ...tensor.models.map((m) => read(m)),
    ]);
    const out = floats.acquire(n);
    held.push(out);
    const models: MethodModelInput[] = tensor.models.map((m, k) => ({
      model: m.model.ref,
      values: values[k] as Float32Array,
      parameters: m.parameters,
    }));
    try {
      plan.method.merge({
        tensorName: tensor.name,
        shape: tensor.shape,
        base,
        models,
        parameters: tensor.parameters,
        random: (k) => streamFor(randomSeed, tensor.name, k),
        out,
      });
    } catch (cause) {
      if (cause instanceof MergeError) throw cause;
      throw new MergeError('method_input', { tensor: tensor.name }, `${plan.method.name}: ${(cause as Error).message}`, { cause });
    }
    await writer.add(tensor.name, encode(tensor, out, halves));
  } finally {
    for (const array of held) floats.release(array);
  }
}

function encode(tensor: PlannedTensor, values: Float32Array, halves: TypedArrayPool<Uint16Array>): TensorInput {
  const { outputDtype: dtype, shape } = tensor;
  if (dtype === 'F32') return { dtype, shape, data: values };
  const target = halves.acquire(values.length);
  // The writer copies nothing and is done with the bytes once add() resolves; the caller awaits it
  // before the next acquire, so handing the buffer back to the pool right away is safe.
  halves.release(target);
  if (dtype === 'BF16') return { dtype, shape, data: float32ArrayToBf16(values, target) };
  if (dtype === 'F16') return { dtype, shape, data: float32ArrayToF16(values, target) };
  throw new MergeError('method_input', { tensor: tensor.name }, `cannot write a merged tensor as ${dtype}`);
}

function isFloat(dtype: Dtype): boolean {
  return dtype === 'F32' || dtype === 'BF16' || dtype === 'F16';
}

function elementsOf(tensor: PlannedTensor): number {
  return tensor.shape.reduce((a, b) => a * b, 1);
}

/** The output's config.json: the config model's, with the output's layer count and dtype. */
function outputHfConfig(plan: MergePlan, { config }: ParsedMergeConfig): Record<string, unknown> {
  const hfConfig: Record<string, unknown> = { ...(plan.configModel.hfConfig ?? {}) };
  if ('num_hidden_layers' in hfConfig || plan.layerCount > 0) hfConfig['num_hidden_layers'] = plan.layerCount;
  const dtype = config.out_dtype ?? config.dtype;
  if (dtype !== undefined) {
    hfConfig['torch_dtype'] = { fp32: 'float32', bf16: 'bfloat16', fp16: 'float16' }[dtype as 'fp32'] ?? dtype;
  }
  return hfConfig;
}

