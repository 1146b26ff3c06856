import { DTYPES, dtypeByteSize, elementCount, isDtype, type Dtype } from './dtype.js';
import { METADATA_KEY } from './header.js';
import { SafetensorsError } from './safetensors-error.js';

/** A tensor to write: `data` is any typed array or byte view whose bytes are already little-endian `dtype`. */
export interface TensorInput {
  dtype: Dtype;
  shape: readonly number[];
  data: ArrayBufferView;
}

export type TensorsInput = Iterable<readonly [string, TensorInput]> | Readonly<Record<string, TensorInput>>;

export function tensorEntries(tensors: TensorsInput): [string, TensorInput][] {
  return Symbol.iterator in tensors
    ? [...(tensors as Iterable<readonly [string, TensorInput]>)].map(([name, tensor]) => [name, tensor])
    : Object.entries(tensors as Record<string, TensorInput>);
}

/** Checks a tensor about to be written and returns its bytes; the error names the tensor and field. */
export function checkTensorInput(file: string, name: string, tensor: TensorInput): Uint8Array {
  if (typeof name !== 'string' || name.length === 0 || name === METADATA_KEY) {
    throw new SafetensorsError(
      'invalid_tensor',
      { file, tensor: String(name) },
      `tensor name must be a non-empty string other than ${METADATA_KEY}`,
    );
  }
  if (!isDtype(tensor.dtype)) {
    throw new SafetensorsError(
      'unknown_dtype',
      { file, tensor: name, field: 'dtype' },
      `unknown dtype ${JSON.stringify(tensor.dtype)}; known: ${DTYPES.join(', ')}`,
    );
  }
  const elements = Array.isArray(tensor.shape) ? elementCount(tensor.shape) : undefined;
  if (elements === undefined) {
    throw new SafetensorsError(
      'invalid_tensor',
      { file, tensor: name, field: 'shape' },
      `dimensions must be non-negative integers, found ${JSON.stringify(tensor.shape)}`,
    );
  }
  if (!ArrayBuffer.isView(tensor.data)) {
    throw new SafetensorsError(
      'invalid_tensor',
      { file, tensor: name, field: 'data' },
      'data must be a typed array or DataView',
    );
  }
  const expected = elements * dtypeByteSize(tensor.dtype);
  if (tensor.data.byteLength !== expected) {
    throw new SafetensorsError(
      'byte_length',
      { file, tensor: name, field: 'data' },
      `holds ${tensor.data.byteLength} bytes but shape ${JSON.stringify(tensor.shape)} of ${tensor.dtype} needs ${expected}`,
    );
  }
  return new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
}

export function checkMetadata(file: string, metadata: unknown): Record<string, string> | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError('header_field', { file, field: METADATA_KEY }, 'metadata must be an object of strings');
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new SafetensorsError(
        'header_field',
        { file, field: `${METADATA_KEY}.${key}` },
        `metadata values must be strings, found ${typeof value}`,
      );
    }
  }
  return { ...(metadata as Record<string, string>) };
}
