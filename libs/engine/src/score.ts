import { native } from './binding.js';
import type { CallOptions, EngineModel } from './engine-model.js';

/**
 * log p(ids[i] | ids[<i]) for i >= 1: what `xreason model score` prints as {"logprobs": [...]},
 * so anyone can hold the engine against another implementation.
 */
export async function scoreTokens(
  model: EngineModel,
  ids: readonly number[],
  options: CallOptions = {},
): Promise<number[]> {
  const { logprobs } = await model.tokenLogprobs([ids], options);
  return logprobs[0] ?? [];
}

/** Which backend and GEMM kernel run, and on how many threads (for logs and bench reports). */
export function engineInfo(): {
  backend: string;
  gemmKernel: string;
  blasAvailable: boolean;
  /** The CPU kernel OpenBLAS chose at load time (e.g. Cooperlake: AVX-512); empty without BLAS. */
  blasCore: string;
  threads: number;
} {
  return native.backendInfo();
}
