export * from './dtype.js';
export * from './safetensors-error.js';
export type { TensorInfo } from './header.js';
export type { Tensor, TensorSource } from './tensor-source.js';
export type { TensorInput, TensorsInput } from './tensor-input.js';
export {
  bf16ArrayToFloat32,
  bf16FromFloat32,
  bf16ToFloat32,
  bytesToFloat32,
  f16ArrayToFloat32,
  f16FromFloat32,
  f16ToFloat32,
  float32ArrayToBf16,
  float32ArrayToF16,
  float32Bits,
  float32FromBits,
  float32ToBytes,
} from './float-conversion.js';
export { SafetensorsFile } from './safetensors-file.js';
export { SafetensorsCheckpoint } from './safetensors-checkpoint.js';
export { INDEX_FILE, SINGLE_FILE, shardFileName, type CheckpointIndex } from './checkpoint-index.js';
export { writeSafetensors, writeSafetensorsSync } from './write-safetensors.js';
export {
  ShardedCheckpointWriter,
  type ShardedCheckpointWriterOptions,
  type WrittenCheckpoint,
} from './sharded-checkpoint-writer.js';
