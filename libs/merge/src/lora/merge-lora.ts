import { join } from 'node:path';
import {
  float32ArrayToBf16,
  float32ArrayToF16,
  SafetensorsCheckpoint,
  ShardedCheckpointWriter,
  type TensorInput,
} from '@xreason/safetensors';
import { MergeError } from '../merge-error.js';
import { openModel } from '../execution/model-checkpoint.js';
import { StagedDirectory, TOKENIZER_FILES } from '../execution/output-directory.js';
import type { ProgressCallback } from '../progress.js';
import {
  ADAPTER_WEIGHTS_FILE,
  groupAdapterKeys,
  loraScale,
  readAdapterConfig,
  type AdapterEntry,
} from './peft-adapter.js';

export interface MergeLoraOptions {
  /** The base model directory the adapter was trained on. */
  baseModel: string;
  /** A PEFT adapter directory: adapter_config.json and adapter_model.safetensors. */
  adapter: string;
  outDir: string;
  onProgress?: ProgressCallback;
  maxShardBytes?: number;
}

export interface MergeLoraResult {
  outDir: string;
  tensorCount: number;
  /** Base tensors changed by a low-rank update. */
  updated: number;
  /** Base tensors replaced whole (modules_to_save). */
  replaced: number;
  totalBytes: number;
}

/**
 * Folds a LoRA adapter into its base: W' = W + scale · B·A for every adapted module (transposed for
 * fan_in_fan_out layers; (B·A)ᵀ for embeddings), streaming one tensor at a time into a sharded output.
 * Every adapter key must land on a base tensor of matching shape, checked before anything is written.
 */
export async function mergeLora(options: MergeLoraOptions): Promise<MergeLoraResult> {
  const outDir = StagedDirectory.check(options.outDir);
  const config = await readAdapterConfig(options.adapter);
  const adapterFile = join(options.adapter, ADAPTER_WEIGHTS_FILE);
  let adapter: SafetensorsCheckpoint;
  try {
    adapter = await SafetensorsCheckpoint.open(adapterFile);
  } catch (cause) {
    throw new MergeError(
      'adapter',
      { file: adapterFile },
      `cannot open the adapter weights: ${(cause as Error).message}`,
      { cause },
    );
  }
  const base = await openModel(options.baseModel, process.cwd()).catch(async (error: unknown) => {
    await adapter.close();
    throw error;
  });
  try {
    const entries = groupAdapterKeys(adapter.tensorNames(), adapterFile);
    for (const [tensor, entry] of entries) checkEntry(base.checkpoint, adapter, tensor, entry, adapterFile);

    const staged = await StagedDirectory.create(outDir);
    try {
      const writer = await ShardedCheckpointWriter.create({
        dir: staged.staging,
        alwaysIndex: true,
        ...(options.maxShardBytes !== undefined ? { maxShardBytes: options.maxShardBytes } : {}),
      });
      const names = base.checkpoint.tensorNames();
      const totalBytes = names.reduce((sum, name) => sum + base.checkpoint.info(name).byteLength, 0);
      let updated = 0;
      let replaced = 0;
      try {
        for (const [index, name] of names.entries()) {
          const entry = entries.get(name);
          if (!entry) await writer.add(name, await base.checkpoint.readTensor(name));
          else if (entry.kind === 'replacement') {
            await writer.add(name, await adapter.readTensor(entry.key));
            replaced++;
          } else {
            const info = base.checkpoint.info(name);
            const weight = await base.checkpoint.readAsFloat32(name);
            const a = await adapter.readAsFloat32(entry.a);
            const b = await adapter.readAsFloat32(entry.b);
            const { scale } = loraScale(config, entry.module);
            const [rows, cols] = info.shape as [number, number];
            const rank = adapter.info(entry.a).shape[0] as number;
            // Linear: W[o, i] += s · Σ_r B[o, r] A[r, i]; stored transposed (fan_in_fan_out) W[i, o].
            // Embedding: A is [r, vocab], B is [dim, r], W[v, d] += s · Σ_r B[d, r] A[r, v].
            const transposed = entry.kind === 'embedding' || config.fan_in_fan_out === true;
            addLowRank(weight, rows, cols, a, b, rank, scale, transposed);
            await writer.add(name, narrow(info.dtype, info.shape, weight));
            updated++;
          }
          options.onProgress?.({
            phase: 'tensor',
            done: index + 1,
            total: names.length,
            tensor: name,
            bytesWritten: writer.bytesWritten,
            totalBytes,
          });
        }
        const written = await writer.finish();
        await staged.copyFrom(base.dir, ['config.json', ...TOKENIZER_FILES]);
        await staged.publish();
        return { outDir, tensorCount: names.length, updated, replaced, totalBytes: written.totalSize };
      } catch (error) {
        await writer.abort();
        throw error;
      }
    } catch (error) {
      await staged.discard();
      throw error;
    }
  } finally {
    await Promise.all([adapter.close(), base.checkpoint.close()]);
  }
}

function checkEntry(
  base: SafetensorsCheckpoint,
  adapter: SafetensorsCheckpoint,
  tensor: string,
  entry: AdapterEntry,
  file: string,
): void {
  const key = entry.kind === 'replacement' ? entry.key : entry.a;
  if (!base.has(tensor)) {
    throw new MergeError('adapter', { file, tensor: key }, `targets ${tensor}, which the base model does not have`);
  }
  const shape = base.info(tensor).shape;
  if (entry.kind === 'replacement') {
    const own = adapter.info(entry.key).shape;
    if (own.join() !== shape.join()) {
      throw new MergeError(
        'adapter',
        { file, tensor: key },
        `shape [${own.join(', ')}] does not match the base's [${shape.join(', ')}]`,
      );
    }
    return;
  }
  const a = adapter.info(entry.a).shape;
  const b = adapter.info(entry.b).shape;
  const [rows, cols] = shape;
  const ok =
    shape.length === 2 &&
    a.length === 2 &&
    b.length === 2 &&
    a[0] === b[1] &&
    (entry.kind === 'embedding'
      ? b[0] === cols && a[1] === rows
      : (b[0] === rows && a[1] === cols) || (b[0] === cols && a[1] === rows));
  if (!ok) {
    throw new MergeError(
      'adapter',
      { file, tensor: key },
      `lora_A [${a.join(', ')}] and lora_B [${b.join(', ')}] do not fit the base's ${tensor} [${shape.join(', ')}]`,
    );
  }
}

/**
 * weight (rows × cols) += scale · B·A, or + scale · (B·A)ᵀ when `transposed`. Not transposed: B is
 * rows × rank and A rank × cols; transposed: B is cols × rank and A rank × rows. Loops run along rows
 * of the weight so the inner loop streams contiguous memory.
 */
export function addLowRank(
  weight: Float32Array,
  rows: number,
  cols: number,
  a: Float32Array,
  b: Float32Array,
  rank: number,
  scale: number,
  transposed: boolean,
): void {
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let r = 0; r < rank; r++) {
      if (!transposed) {
        const factor = scale * (b[i * rank + r] as number);
        const aRow = r * cols;
        for (let j = 0; j < cols; j++) weight[row + j] = (weight[row + j] as number) + factor * (a[aRow + j] as number);
      } else {
        const factor = scale * (a[r * rows + i] as number);
        for (let j = 0; j < cols; j++)
          weight[row + j] = (weight[row + j] as number) + factor * (b[j * rank + r] as number);
      }
    }
  }
}

function narrow(dtype: string, shape: readonly number[], values: Float32Array): TensorInput {
  if (dtype === 'BF16') return { dtype, shape, data: float32ArrayToBf16(values) };
  if (dtype === 'F16') return { dtype, shape, data: float32ArrayToF16(values) };
  return { dtype: 'F32', shape, data: values };
}
