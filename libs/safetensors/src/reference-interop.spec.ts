import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesOf, useTempDir } from './fixtures.test-helpers.js';
import { SafetensorsFile } from './safetensors-file.js';
import type { TensorInput } from './tensor-input.js';
import { writeSafetensors } from './write-safetensors.js';

const fixture = join(import.meta.dirname, '..', 'test', 'fixtures', 'reference-0.8.0.safetensors');
const tempDir = useTempDir();

/** The tensors make-reference-fixture.py gave the reference writer. */
const referenceTensors: Record<string, TensorInput> = {
  'model.embed_tokens.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) },
  'model.norm.weight': { dtype: 'BF16', shape: [4], data: new Uint16Array([0x3f80, 0xc040, 0x7fc0, 0x0001]) },
  'lm_head.weight': { dtype: 'F16', shape: [2], data: new Uint16Array([0x2e66, 0xfbff]) }, // 0.1, -65504
  position_ids: { dtype: 'I32', shape: [3], data: new Int32Array([1, -2, 3]) },
  empty: { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) },
};

describe('interoperability with the Hugging Face reference implementation (safetensors 0.8.0)', () => {
  it('reads every tensor and the metadata of a file the reference wrote', async () => {
    const file = await SafetensorsFile.open(fixture);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.tensorNames()).toEqual([
      'empty',
      'model.embed_tokens.weight',
      'position_ids',
      'model.norm.weight',
      'lm_head.weight',
    ]);
    for (const [name, tensor] of Object.entries(referenceTensors)) {
      const read = await file.readTensor(name);
      expect({ name, dtype: read.dtype, shape: read.shape }).toEqual({
        name,
        dtype: tensor.dtype,
        shape: tensor.shape,
      });
      expect(read.data).toEqual(bytesOf(tensor.data));
    }
    const norm = await file.readAsFloat32('model.norm.weight');
    expect([norm[0], norm[1], Number.isNaN(norm[2]), norm[3]]).toEqual([1, -3, true, 2 ** -133]);
    expect([...(await file.readAsFloat32('lm_head.weight'))]).toEqual([0.0999755859375, -65504]);
    await file.close();
  });

  it('writes byte-for-byte the file the reference writes for the same tensors', async () => {
    const path = join(tempDir(), 'ours.safetensors');
    await writeSafetensors(path, referenceTensors, { format: 'pt' });
    expect(Buffer.compare(readFileSync(path), readFileSync(fixture))).toBe(0);
  });
});
