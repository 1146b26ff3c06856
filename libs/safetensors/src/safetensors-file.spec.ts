import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesToFloat32, float32ToBytes } from './float-conversion.js';
import { bytesOf, rawSafetensors, seededRandom, useTempDir } from './fixtures.test-helpers.js';
import { SafetensorsFile } from './safetensors-file.js';
import type { TensorInput } from './tensor-input.js';
import { writeSafetensors, writeSafetensorsSync } from './write-safetensors.js';

const tempDir = useTempDir();

function randomFloats(count: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => (random() - 0.5) * 100);
}

function sampleTensors(): Record<string, TensorInput> {
  const weird = new Uint32Array([0x7f800001, 0xffc12345, 0x00000001, 0x80000000]); // NaN payloads, subnormal, -0
  return {
    'model.embed.weight': { dtype: 'F32', shape: [2, 3, 4], data: randomFloats(24, 1) },
    'model.norm.weight': { dtype: 'BF16', shape: [5, 7], data: float32ToBytes('BF16', randomFloats(35, 2)) },
    'lm_head.weight': { dtype: 'F16', shape: [3], data: float32ToBytes('F16', randomFloats(3, 3)) },
    'nan.payloads': { dtype: 'F32', shape: [4], data: weird },
    'position.ids': { dtype: 'I64', shape: [], data: new BigInt64Array([-42n]) },
    'empty.tensor': { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
    'mask.flags': { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
  };
}

describe('SafetensorsFile round trips', () => {
  it.each([
    [
      'async',
      async (path: string, t: Record<string, TensorInput>, m?: Record<string, string>) => writeSafetensors(path, t, m),
    ],
    [
      'sync',
      async (path: string, t: Record<string, TensorInput>, m?: Record<string, string>) =>
        writeSafetensorsSync(path, t, m),
    ],
  ])('every tensor and the metadata read back bit-exactly (%s writer)', async (_, write) => {
    const path = join(tempDir(), 'model.safetensors');
    const tensors = sampleTensors();
    await write(path, tensors, { format: 'pt', note: 'ünïcode ✓' });

    const file = await SafetensorsFile.open(path);
    try {
      expect(file.metadata).toEqual({ format: 'pt', note: 'ünïcode ✓' });
      expect(new Set(file.tensorNames())).toEqual(new Set(Object.keys(tensors)));
      for (const [name, tensor] of Object.entries(tensors)) {
        const read = await file.readTensor(name);
        expect(read.dtype).toBe(tensor.dtype);
        expect(read.shape).toEqual(tensor.shape);
        expect(read.data).toEqual(bytesOf(tensor.data));
        expect(file.readTensorSync(name).data).toEqual(bytesOf(tensor.data));
        expect(file.info(name)).toEqual({
          dtype: tensor.dtype,
          shape: tensor.shape,
          byteLength: tensor.data.byteLength,
        });
      }
    } finally {
      await file.close();
    }
  });

  it('a file without metadata has none, and an empty file holds no tensors', async () => {
    const path = join(tempDir(), 'empty.safetensors');
    writeSafetensorsSync(path, {});
    const file = SafetensorsFile.openSync(path);
    expect(file.metadata).toBeUndefined();
    expect(file.tensorNames()).toEqual([]);
    file.closeSync();
  });

  it('lays out widest dtypes first so every tensor is aligned to its element size, data on an 8-byte boundary', async () => {
    const path = join(tempDir(), 'aligned.safetensors');
    await writeSafetensors(path, sampleTensors());
    const file = await SafetensorsFile.open(path);
    expect(file.dataOffset % 8).toBe(0);
    for (const name of file.tensorNames()) {
      const entry = file.entry(name);
      expect(entry.begin % ({ F32: 4, BF16: 2, F16: 2, I64: 8, BOOL: 1 } as Record<string, number>)[entry.dtype]!).toBe(
        0,
      );
    }
    expect(file.tensorNames()[0]).toBe('position.ids');
    // The padding is spaces after the JSON, as the format specifies.
    const bytes = readFileSync(path);
    const headerEnd = file.dataOffset;
    const header = bytes.subarray(8, headerEnd).toString('utf8');
    expect(header.trimEnd().endsWith('}')).toBe(true);
    expect(/^ *$/.test(header.slice(header.trimEnd().length))).toBe(true);
    await file.close();
  });

  it.each(['F32', 'BF16', 'F16'] as const)('readAsFloat32 widens %s exactly, async and sync', async (dtype) => {
    const path = join(tempDir(), 'float.safetensors');
    const values = randomFloats(1001, 9);
    const stored = float32ToBytes(dtype, values);
    await writeSafetensors(path, { w: { dtype, shape: [7, 143], data: stored } });
    const expected = float32ToBytes(
      'F32',
      new Float32Array(Array.from({ length: 1001 }, (_, i) => decode(dtype, stored, i))),
    );
    const file = await SafetensorsFile.open(path);
    expect(bytesOf(await file.readAsFloat32('w'))).toEqual(expected);
    expect(bytesOf(file.readAsFloat32Sync('w'))).toEqual(expected);
    await file.close();
  });

  it.each(['BF16', 'F16'] as const)(
    'readAsFloat32 of a large %s tensor (read and widened in overlapping chunks) equals the plain conversion',
    async (dtype) => {
      const path = join(tempDir(), 'large.safetensors');
      const count = 3_000_017; // several pipeline chunks plus a ragged tail
      const stored = new Uint16Array(count);
      for (let i = 0; i < count; i++) stored[i] = (i * 2654435761) >>> 16;
      await writeSafetensors(path, { w: { dtype, shape: [count], data: stored } });
      const expected = bytesOf(bytesToFloat32(dtype, bytesOf(stored)));
      const file = await SafetensorsFile.open(path);
      expect(Buffer.compare(bytesOf(await file.readAsFloat32('w')), expected)).toBe(0);
      await file.close();
    },
  );

  it.each(['F32', 'BF16', 'F16'] as const)(
    'readAsFloat32 fills a caller-supplied %s target in place, even at an offset',
    async (dtype) => {
      const path = join(tempDir(), 'target.safetensors');
      const values = randomFloats(301, 5);
      const stored = float32ToBytes(dtype, values);
      await writeSafetensors(path, { w: { dtype, shape: [301], data: stored } });
      const file = await SafetensorsFile.open(path);
      const backing = new Float32Array(303).fill(7);
      const target = backing.subarray(1, 302);
      expect(await file.readAsFloat32('w', target)).toBe(target);
      expect(bytesOf(target)).toEqual(bytesOf(bytesToFloat32(dtype, stored)));
      expect([backing[0], backing[302]]).toEqual([7, 7]);
      target.fill(0);
      file.readAsFloat32Sync('w', target);
      expect(bytesOf(target)).toEqual(bytesOf(bytesToFloat32(dtype, stored)));
      await expect(file.readAsFloat32('w', new Float32Array(300))).rejects.toMatchObject({
        code: 'invalid_tensor',
        message: /target holds 300 floats but the tensor has 301 elements/,
      });
      await file.close();
    },
  );

  it('readAsFloat32 refuses integer tensors, naming the tensor and dtype', async () => {
    const path = join(tempDir(), 'ints.safetensors');
    await writeSafetensors(path, { ids: { dtype: 'I32', shape: [2], data: new Int32Array([1, 2]) } });
    const file = await SafetensorsFile.open(path);
    await expect(file.readAsFloat32('ids')).rejects.toMatchObject({
      code: 'invalid_tensor',
      tensor: 'ids',
      field: 'dtype',
    });
    await file.close();
  });

  it('reads a file built by hand without padding (another writer), and an unknown name suggests the nearest', async () => {
    const path = join(tempDir(), 'hand.safetensors');
    const data = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    writeFileSync(path, rawSafetensors({ 'layer.0.weight': { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, data));
    const file = await SafetensorsFile.open(path);
    expect([...(await file.readAsFloat32('layer.0.weight'))]).toEqual([1.5, -2]);
    expect(() => file.info('layer.0.weight ')).toThrow(
      /no such tensor in this file \(did you mean "layer.0.weight"\?\)/,
    );
    await file.close();
    await expect(file.readTensor('layer.0.weight')).rejects.toThrow(/file is closed/);
  });

  it('an atomic write leaves no temporary file and replaces an existing file whole', async () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    await writeSafetensors(path, { a: { dtype: 'F32', shape: [1], data: new Float32Array([1]) } });
    await writeSafetensors(path, { b: { dtype: 'F32', shape: [2], data: new Float32Array([2, 3]) } });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    const file = await SafetensorsFile.open(path);
    expect(file.tensorNames()).toEqual(['b']);
    await file.close();
  });

  it.each([
    [{ dtype: 'F32', shape: [3], data: new Float32Array(2) }, 'byte_length', 'data'],
    [{ dtype: 'F33', shape: [1], data: new Float32Array(1) }, 'unknown_dtype', 'dtype'],
    [{ dtype: 'F32', shape: [-1], data: new Float32Array(1) }, 'invalid_tensor', 'shape'],
    [{ dtype: 'F32', shape: [1], data: [1] }, 'invalid_tensor', 'data'],
  ])('writing a bad tensor fails with %#, naming the field, and writes nothing', async (tensor, code, field) => {
    const dir = tempDir();
    const path = join(dir, 'bad.safetensors');
    await expect(writeSafetensors(path, { t: tensor as unknown as TensorInput })).rejects.toMatchObject({
      code,
      tensor: 't',
      field,
    });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir)).toEqual([]);
  });
});

function decode(dtype: 'F32' | 'BF16' | 'F16', bytes: Uint8Array, i: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F32') return view.getFloat32(4 * i, true);
  const bits = view.getUint16(2 * i, true);
  if (dtype === 'BF16') {
    const wide = new DataView(new ArrayBuffer(4));
    wide.setUint32(0, bits << 16);
    return wide.getFloat32(0);
  }
  // Independent half decoder: sign × 2^(e-15) × (1 + m/1024), or subnormal m × 2^-24.
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * 2 ** (e - 15) * (1 + m / 1024);
}
