import type { Dtype } from './dtype.js';
import type { TensorInfo } from './header.js';

/** A tensor's bytes as stored: little-endian, row-major, `shape` outermost first. */
export interface Tensor {
  dtype: Dtype;
  shape: readonly number[];
  data: Uint8Array;
}

/**
 * Read access to named tensors, from one file or a sharded checkpoint. Reads are lazy and per tensor,
 * so a caller that handles one tensor at a time holds one tensor at a time.
 */
export interface TensorSource {
  /** Names in storage order. */
  tensorNames(): string[];
  has(name: string): boolean;
  info(name: string): TensorInfo;
  readTensor(name: string): Promise<Tensor>;
  readTensorSync(name: string): Tensor;
  /** F32, BF16 or F16 tensors widened to a new float32 array (exact: every bf16/f16 is a float32). */
  readAsFloat32(name: string): Promise<Float32Array>;
  readAsFloat32Sync(name: string): Float32Array;
  close(): Promise<void>;
  closeSync(): void;
}
