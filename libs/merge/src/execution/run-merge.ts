import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import {
  dtypeByteSize,
  float32ArrayToBf16,
  float32ArrayToF16,
  ShardedCheckpointWriter,
  type Dtype,
  type Tensor,
  type TensorInput,
} from '@xreason/safetensors';
import { stringify as toYaml } from 'yaml';
import { checkMergeConfig, parseMergeConfig, type ParsedMergeConfig } from '../config/parse-merge-config.js';
import { MergeError } from '../merge-error.js';
import type { MethodModelInput } from '../methods/merge-method.js';
import type { MergeProgress, ProgressCallback } from '../progress.js';
import { streamFor } from '../tensor/seeded-random.js';
import { TypedArrayPool } from './float32-pool.js';
import { planMerge, type MergePlan, type PlannedInput, type PlannedTensor } from './merge-plan.js';
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
  /**
   * Read the next tensor while merging the current one (default false). Overlaps I/O with arithmetic
   * at the cost of holding a second tensor's inputs; on the 2-core CI box it measured slower (the
   * widening of the prefetched tensor competes for the same thread), so it is opt-in.
   */
  prefetch?: boolean;
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
      throw new MergeError(
        'io',
        { file: options.configPath },
        `cannot read the merge config: ${(cause as Error).message}`,
        { cause },
      );
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
  const largest = Math.max(1, ...plan.tensors.map((t) => elementsOf(t)));
  const inputsPerTensor = Math.max(...plan.tensors.map((t) => t.models.length + (t.base ? 1 : 0)));
  // Idle scratch is capped a little above the working set — the inputs of one tensor (two with
  // prefetch) and an output — so small tensors released after a large one do not evict the large
  // buffers the next layer needs again.
  const heldInputs = (options.prefetch === true ? 2 : 1) * inputsPerTensor;
  const floats = new TypedArrayPool<Float32Array>((n) => new Float32Array(n), 4 * largest * (heldInputs + 2));
  const halves = new TypedArrayPool<Uint16Array>((n) => new Uint16Array(n), 2 * largest);
  const totalBytes = plan.tensors.reduce((sum, t) => sum + elementsOf(t) * dtypeByteSize(t.outputDtype), 0);
  const writer = await ShardedCheckpointWriter.create({
    dir: staged.staging,
    alwaysIndex: true,
    ...(options.maxShardBytes !== undefined ? { maxShardBytes: options.maxShardBytes } : {}),
  });
  const report = (progress: Omit<MergeProgress, 'total' | 'totalBytes'>) =>
    options.onProgress?.({ ...progress, total: plan.tensors.length, totalBytes });
  report({ phase: 'planned', done: 0, bytesWritten: 0 });
  // With prefetch, reads of tensor i + 1 run on the thread pool while tensor i is merged and written;
  // at most two tensors' inputs are held at once.
  let next: Promise<TensorInputs> | undefined;
  try {
    for (const [index, tensor] of plan.tensors.entries()) {
      const inputs = await (next ?? readInputs(tensor, floats));
      const following = plan.tensors[index + 1];
      next = following && options.prefetch === true ? readInputs(following, floats) : undefined;
      try {
        await mergeAndWrite(plan, tensor, inputs, writer, floats, halves, randomSeed);
      } finally {
        for (const array of inputs.held) floats.release(array);
      }
      report({ phase: 'tensor', done: index + 1, tensor: tensor.name, bytesWritten: writer.bytesWritten });
    }
    report({ phase: 'finishing', done: plan.tensors.length, bytesWritten: writer.bytesWritten });
    const written = await writer.finish();
    return {
      totalSize: written.totalSize,
      files: [...written.files, ...(written.indexFile ? [written.indexFile] : [])],
    };
  } catch (error) {
    // A read still in flight must settle before its buffers are dropped, and must not go unhandled.
    await next?.catch(() => undefined);
    await writer.abort();
    throw error;
  }
}

/** A tensor's inputs, widened to float32 into pooled buffers (`held`), or its raw bytes when not a float. */
interface TensorInputs {
  raw?: Tensor;
  base?: Float32Array;
  values: Float32Array[];
  held: Float32Array[];
}

async function readInputs(tensor: PlannedTensor, floats: TypedArrayPool<Float32Array>): Promise<TensorInputs> {
  const reference = tensor.base ?? tensor.models[0];
  if (!reference) throw new MergeError('method_input', { tensor: tensor.name }, 'no input model');
  if (!isFloat(tensor.inputDtype)) {
    // Integer buffers (position ids, masks) are not merged: copied from the reference model.
    return { raw: await reference.model.checkpoint.readTensor(reference.tensorName), values: [], held: [] };
  }
  const n = elementsOf(tensor);
  const held: Float32Array[] = [];
  const read = (input: PlannedInput) => {
    const target = floats.acquire(n);
    held.push(target);
    return input.model.checkpoint.readAsFloat32(input.tensorName, target);
  };
  const reads = [tensor.base ? read(tensor.base) : undefined, ...tensor.models.map(read)];
  const settled = await Promise.allSettled(reads);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    for (const array of held) floats.release(array);
    throw failed.reason;
  }
  const [base, ...values] = settled.map((r) => (r as PromiseFulfilledResult<Float32Array | undefined>).value);
  return { base, values: values as Float32Array[], held };
}

async function mergeAndWrite(
  plan: MergePlan,
  tensor: PlannedTensor,
  inputs: TensorInputs,
  writer: ShardedCheckpointWriter,
  floats: TypedArrayPool<Float32Array>,
  halves: TypedArrayPool<Uint16Array>,
  randomSeed: number,
): Promise<void> {
  if (inputs.raw) {
    await writer.add(tensor.name, inputs.raw);
    return;
  }
  const out = floats.acquire(elementsOf(tensor));
  try {
    const models: MethodModelInput[] = tensor.models.map((m, k) => ({
      model: m.model.ref,
      values: inputs.values[k] as Float32Array,
      parameters: m.parameters,
    }));
    try {
      plan.method.merge({
        tensorName: tensor.name,
        shape: tensor.shape,
        base: inputs.base,
        models,
        parameters: tensor.parameters,
        random: (k) => streamFor(randomSeed, tensor.name, k),
        out,
      });
    } catch (cause) {
      if (cause instanceof MergeError) throw cause;
      throw new MergeError(
        'method_input',
        { tensor: tensor.name },
        `${plan.method.name}: ${(cause as Error).message}`,
        { cause },
      );
    }
    await writer.add(tensor.name, encode(tensor, out, halves));
  } finally {
    floats.release(out);
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
