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
  /**
   * F32, BF16 or F16 tensors widened to float32 (exact: every bf16/f16 value is a float32). Into
   * `target` when given (its length must be the element count), so a loop over tensors can reuse one
   * buffer; otherwise into a new array.
   */
  readAsFloat32(name: string, target?: Float32Array): Promise<Float32Array>;
  readAsFloat32Sync(name: string, target?: Float32Array): Float32Array;
  close(): Promise<void>;
  closeSync(): void;
}
