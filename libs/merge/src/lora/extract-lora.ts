import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import {
  float32ArrayToBf16,
  float32ArrayToF16,
  ShardedCheckpointWriter,
  SINGLE_FILE,
  type FloatDtype,
  type TensorInput,
} from '@xreason/safetensors';
import { parseLayerName } from '../execution/layer-names.js';
import { openModel } from '../execution/model-checkpoint.js';
import { StagedDirectory } from '../execution/output-directory.js';
import { truncatedSvd } from '../linalg/svd.js';
import { MergeError } from '../merge-error.js';
import type { ProgressCallback } from '../progress.js';
import { streamFor } from '../tensor/seeded-random.js';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, PEFT_PREFIX } from './peft-adapter.js';

export interface ExtractLoraOptions {
  baseModel: string;
  fineTunedModel: string;
  outDir: string;
  rank: number;
  /**
   * Which modules get an adapter, by leaf name (`q_proj`, `down_proj`, …). Default: every 2-D weight
   * inside the decoder layers.
   */
  targetModules?: readonly string[];
  /** dtype of the adapter weights (default F32: adapters are small and rounding would lose rank). */
  dtype?: FloatDtype;
  /** Seeds the randomized SVD (default: random). */
  randomSeed?: number;
  onProgress?: ProgressCallback;
}

export interface ExtractLoraResult {
  outDir: string;
  rank: number;
  modules: string[];
  /** Per module: ‖ΔW − B·A‖_F / ‖ΔW‖_F, how much of the fine-tune the rank leaves out. */
  relativeErrors: Record<string, number>;
}

/**
 * Extracts a LoRA adapter from a fine-tuned model: for each target weight, ΔW = W_ft − W_base is
 * approximated by its truncated SVD U_r·S_r·V_rᵀ and split evenly, B = U_r·√S_r and A = √S_r·V_rᵀ, with
 * lora_alpha = r so PEFT's scale is 1. Written as a PEFT adapter directory.
 */
export async function extractLora(options: ExtractLoraOptions): Promise<ExtractLoraResult> {
  const { rank } = options;
  if (!Number.isInteger(rank) || rank < 1)
    throw new MergeError('parameter', { field: 'rank' }, `must be a positive integer, found ${rank}`);
  const outDir = StagedDirectory.check(options.outDir);
  const dtype = options.dtype ?? 'F32';
  const seed = options.randomSeed ?? randomInt(0, 2 ** 31 - 1);
  const base = await openModel(options.baseModel, process.cwd());
  const tuned = await openModel(options.fineTunedModel, process.cwd()).catch(async (error: unknown) => {
    await base.checkpoint.close();
    throw error;
  });
  try {
    const targets = base.checkpoint.tensorNames().filter((name) => {
      const layer = parseLayerName(name);
      const shape = base.checkpoint.info(name).shape;
      if (!layer || !name.endsWith('.weight') || shape.length !== 2) return false;
      const leaf = name.slice(0, -'.weight'.length).split('.').pop() as string;
      return options.targetModules === undefined || options.targetModules.includes(leaf);
    });
    if (targets.length === 0)
      throw new MergeError('parameter', { field: 'targetModules' }, 'no 2-D layer weight matches');
    for (const name of targets) {
      if (!tuned.checkpoint.has(name))
        throw new MergeError('missing_tensor', { model: tuned.ref, tensor: name }, 'not in the fine-tuned model');
      const [a, b] = [base.checkpoint.info(name).shape, tuned.checkpoint.info(name).shape];
      if (a.join() !== b.join()) {
        throw new MergeError(
          'shape_mismatch',
          { model: tuned.ref, tensor: name },
          `shape [${b.join(', ')}] differs from the base's [${a.join(', ')}]`,
        );
      }
    }

    const staged = await StagedDirectory.create(outDir);
    try {
      const writer = await ShardedCheckpointWriter.create({
        dir: staged.staging,
        maxShardBytes: Number.MAX_SAFE_INTEGER,
      });
      const relativeErrors: Record<string, number> = {};
      const leaves = new Set<string>();
      try {
        for (const [index, name] of targets.entries()) {
          const [rows, cols] = base.checkpoint.info(name).shape as [number, number];
          const delta = await tuned.checkpoint.readAsFloat32(name);
          const original = await base.checkpoint.readAsFloat32(name);
          for (let i = 0; i < delta.length; i++) delta[i] = (delta[i] as number) - (original[i] as number);
          const svd = truncatedSvd(delta, rows, cols, rank, { random: streamFor(seed, name, 0) });
          // Padded with zeros when the matrix has fewer than `rank` singular values, so r is uniform.
          const loraB = new Float32Array(rows * rank);
          const loraA = new Float32Array(rank * cols);
          for (let k = 0; k < svd.rank; k++) {
            const root = Math.sqrt(svd.s[k] as number);
            for (let i = 0; i < rows; i++) loraB[i * rank + k] = (svd.u[i * svd.rank + k] as number) * root;
            for (let j = 0; j < cols; j++) loraA[k * cols + j] = (svd.vt[k * cols + j] as number) * root;
          }
          relativeErrors[name.slice(0, -'.weight'.length)] = residual(delta, loraB, loraA, rows, cols, rank);
          const module = `${PEFT_PREFIX}${name.slice(0, -'.weight'.length)}`;
          await writer.add(`${module}.lora_A.weight`, encode(dtype, [rank, cols], loraA));
          await writer.add(`${module}.lora_B.weight`, encode(dtype, [rows, rank], loraB));
          leaves.add(name.slice(0, -'.weight'.length).split('.').pop() as string);
          options.onProgress?.({
            phase: 'tensor',
            done: index + 1,
            total: targets.length,
            tensor: name,
            bytesWritten: writer.bytesWritten,
            totalBytes: 0,
          });
        }
        await writer.finish();
      } catch (error) {
        await writer.abort();
        throw error;
      }
      await fs.promises.rename(staged.path(SINGLE_FILE), staged.path(ADAPTER_WEIGHTS_FILE));
      const modules = [...leaves].sort();
      const adapterConfig = {
        peft_type: 'LORA',
        task_type: 'CAUSAL_LM',
        base_model_name_or_path: options.baseModel,
        r: rank,
        lora_alpha: rank,
        lora_dropout: 0,
        bias: 'none',
        fan_in_fan_out: false,
        use_rslora: false,
        use_dora: false,
        inference_mode: true,
        target_modules: modules,
        modules_to_save: null,
      };
      await staged.writeText(ADAPTER_CONFIG_FILE, `${JSON.stringify(adapterConfig, null, 2)}\n`);
      await staged.publish();
      return { outDir, rank, modules, relativeErrors };
    } catch (error) {
      await staged.discard();
      throw error;
    }
  } finally {
    await Promise.all([base.checkpoint.close(), tuned.checkpoint.close()]);
  }
}

function residual(
  delta: Float32Array,
  b: Float32Array,
  a: Float32Array,
  rows: number,
  cols: number,
  rank: number,
): number {
  let error = 0;
  let norm = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let approx = 0;
      for (let k = 0; k < rank; k++) approx += (b[i * rank + k] as number) * (a[k * cols + j] as number);
      const d = delta[i * cols + j] as number;
      error += (d - approx) ** 2;
      norm += d * d;
    }
  }
  return norm === 0 ? 0 : Math.sqrt(error / norm);
}

function encode(dtype: FloatDtype, shape: number[], values: Float32Array): TensorInput {
  if (dtype === 'BF16') return { dtype, shape, data: float32ArrayToBf16(values) };
  if (dtype === 'F16') return { dtype, shape, data: float32ArrayToF16(values) };
  return { dtype, shape, data: values };
}
