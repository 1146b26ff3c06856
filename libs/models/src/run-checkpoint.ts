import type { GenerateOptions, Generated } from '@xreason/engine';
import { loadModel } from './checkpoint.js';

export interface CheckpointCallOptions {
  /** A PEFT adapter directory applied on top of the checkpoint. */
  adapter?: string;
  signal?: AbortSignal;
}

/**
 * log p(ids[i] | ids[<i]) for i >= 1 under the checkpoint (and adapter): what `xreason model score`
 * prints as {"logprobs": [...]}, so anyone can hold the engine against another implementation.
 */
export async function scoreCheckpoint(
  dir: string,
  ids: readonly number[],
  options: CheckpointCallOptions = {},
): Promise<{ logprobs: number[] }> {
  const model = await loadModel(dir, loadOptions(options));
  const { logprobs } = await model.tokenLogprobs([ids], callOptions(options));
  return { logprobs: logprobs[0] ?? [] };
}

export interface GenerateFromCheckpointOptions extends GenerateOptions {
  adapter?: string;
  /** Fold the adapter into the base weights first (faster; the same distribution up to rounding). */
  mergeAdapter?: boolean;
}

/** Samples continuations of token-id prompts from a checkpoint: what `xreason model generate` runs. */
export async function generateFromCheckpoint(
  dir: string,
  prompts: readonly (readonly number[])[],
  options: GenerateFromCheckpointOptions,
): Promise<Generated> {
  const { adapter, mergeAdapter, ...generate } = options;
  const model = await loadModel(dir, {
    ...(adapter === undefined ? {} : { adapter }),
    mergeAdapter: mergeAdapter ?? false,
  });
  return model.generate(prompts, generate);
}

function loadOptions(options: CheckpointCallOptions): { adapter?: string } {
  return options.adapter === undefined ? {} : { adapter: options.adapter };
}

function callOptions(options: CheckpointCallOptions): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}
