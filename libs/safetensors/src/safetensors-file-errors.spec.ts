import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawSafetensors, seededRandom, useTempDir } from './fixtures.test-helpers.js';
import { SafetensorsError } from './safetensors-error.js';
import { SafetensorsFile } from './safetensors-file.js';
import { writeSafetensors } from './write-safetensors.js';

const tempDir = useTempDir();

const f32 = (begin: number, end: number, shape: number[] = [(end - begin) / 4]) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, end],
});

/** Opens `bytes` as a file with both the async and sync paths; both must fail the same way. */
async function openBytes(bytes: Uint8Array): Promise<{ path: string; error: unknown; syncError: unknown }> {
  const path = join(tempDir(), 'bad.safetensors');
  writeFileSync(path, bytes);
  let error: unknown;
  let syncError: unknown;
  await SafetensorsFile.open(path).then(
    (file) => file.close(),
    (e: unknown) => (error = e),
  );
  try {
    SafetensorsFile.openSync(path).closeSync();
  } catch (e) {
    syncError = e;
  }
  return { path, error, syncError };
}

function withLength(bytes: Uint8Array, length: bigint): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setBigUint64(0, length, true);
  return copy;
}

const data16 = new Uint8Array(16);

describe('bad safetensors files get an error naming the file, tensor and field', () => {
  it.each([
    [
      'a file shorter than the length prefix',
      new Uint8Array(5),
      'truncated',
      {},
      /too short for the 8-byte header length/,
    ],
    [
      'a header length beyond the file size',
      withLength(rawSafetensors({}), 1000n),
      'header_length',
      { field: 'header length' },
      /header length 1000 exceeds the 2 bytes/,
    ],
    [
      'a header length of 2^63',
      withLength(rawSafetensors({}), 1n << 63n),
      'header_length',
      { field: 'header length' },
      /exceeds/,
    ],
    [
      'a header that is not UTF-8',
      rawSafetensors('{"\xff"}').map((b, i) => (i === 10 ? 0xff : b)),
      'header_encoding',
      {},
      /not valid UTF-8/,
    ],
    ['a header that is not JSON', rawSafetensors('{"a": {'), 'header_json', {}, /not valid JSON/],
    ['a header that is a JSON array', rawSafetensors('[1, 2]'), 'header_json', {}, /must be a JSON object/],
    [
      'a tensor entry that is not an object',
      rawSafetensors({ w: 3 }),
      'header_field',
      { tensor: 'w' },
      /must be an object/,
    ],
    [
      'an unknown dtype',
      rawSafetensors({ w: { ...f32(0, 16), dtype: 'F31' } }, data16),
      'unknown_dtype',
      { tensor: 'w', field: 'dtype' },
      /unknown dtype "F31" \(did you mean F32/,
    ],
    [
      'a dtype that is not a string',
      rawSafetensors({ w: { ...f32(0, 16), dtype: 4 } }, data16),
      'header_field',
      { tensor: 'w', field: 'dtype' },
      /must be a string/,
    ],
    [
      'a negative dimension',
      rawSafetensors({ w: f32(0, 16, [-4]) }, data16),
      'header_field',
      { tensor: 'w', field: 'shape' },
      /non-negative integers/,
    ],
    [
      'a fractional dimension',
      rawSafetensors({ w: f32(0, 16, [2.5]) }, data16),
      'header_field',
      { tensor: 'w', field: 'shape' },
      /non-negative integers/,
    ],
    [
      'a shape whose product overflows',
      rawSafetensors({ w: f32(0, 16, [2 ** 40, 2 ** 40]) }, data16),
      'header_field',
      { tensor: 'w', field: 'shape' },
      /below 2\^53/,
    ],
    [
      'data_offsets with one number',
      rawSafetensors({ w: { dtype: 'F32', shape: [4], data_offsets: [0] } }, data16),
      'header_field',
      { tensor: 'w', field: 'data_offsets' },
      /\[begin, end\]/,
    ],
    [
      'data_offsets ending before they begin',
      rawSafetensors({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, data16),
      'offsets_out_of_range',
      { tensor: 'w', field: 'data_offsets' },
      /end 4 is before begin 8/,
    ],
    [
      'a byte length that does not match the shape',
      rawSafetensors({ w: f32(0, 16, [3]) }, data16),
      'byte_length',
      { tensor: 'w', field: 'data_offsets' },
      /spans 16 bytes but shape \[3\] of F32 needs 3 × 4 = 12/,
    ],
    [
      'overlapping tensors',
      rawSafetensors({ a: f32(0, 12), b: f32(8, 16) }, data16),
      'offsets_overlap',
      { tensor: 'b', field: 'data_offsets' },
      /overlap tensor "a"/,
    ],
    [
      'a gap between tensors',
      rawSafetensors({ a: f32(0, 4), b: f32(8, 16) }, data16),
      'offsets_gap',
      { tensor: 'b', field: 'data_offsets' },
      /starts at byte 8 but the previous tensor "a" ends at 4/,
    ],
    [
      'a first tensor not at offset 0',
      rawSafetensors({ a: f32(4, 16) }, data16),
      'offsets_gap',
      { tensor: 'a', field: 'data_offsets' },
      /starts at byte 4/,
    ],
    [
      'offsets beyond the data',
      rawSafetensors({ a: f32(0, 32) }, data16),
      'truncated',
      { tensor: 'a', field: 'data_offsets' },
      /ends at data byte 32 but the file holds only 16/,
    ],
    [
      'bytes that belong to no tensor',
      rawSafetensors({ a: f32(0, 8) }, data16),
      'offsets_out_of_range',
      {},
      /8 trailing bytes belong to no tensor/,
    ],
    [
      'metadata that is not an object',
      rawSafetensors({ __metadata__: 'x' }),
      'header_field',
      { field: '__metadata__' },
      /must be an object/,
    ],
    [
      'metadata with a non-string value',
      rawSafetensors({ __metadata__: { epoch: 3 } }),
      'header_field',
      { field: '__metadata__.epoch' },
      /must be strings/,
    ],
  ])('%s', async (_, bytes, code, context, message) => {
    const { path, error, syncError } = await openBytes(bytes);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error).toMatchObject({ code, file: path, ...context });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(path)).toBe(true);
    expect(syncError).toMatchObject({ code, message: (error as Error).message });
  });

  it('a real file truncated anywhere is refused with a truncation error, never misread', async () => {
    const dir = tempDir();
    const path = join(dir, 'model.safetensors');
    await writeSafetensors(path, {
      'a.weight': { dtype: 'F32', shape: [64], data: new Float32Array(64).fill(1) },
      'b.weight': { dtype: 'BF16', shape: [8, 8], data: new Uint16Array(64) },
    });
    const whole = readFileSync(path);
    const file = await SafetensorsFile.open(path);
    const dataOffset = file.dataOffset;
    await file.close();
    const cuts: [number, string, RegExp][] = [
      [0, 'truncated', /too short/],
      [7, 'truncated', /too short/],
      [8, 'header_length', /exceeds the 0 bytes/],
      [20, 'header_length', /file truncated or header length corrupt/],
      [dataOffset - 1, 'header_length', /exceeds/],
      [dataOffset, 'truncated', /ends at data byte 384 but the file holds only 0/],
      [dataOffset + 100, 'truncated', /file holds only 100 data bytes/],
      [whole.byteLength - 1, 'truncated', /file truncated/],
    ];
    for (const [length, code, message] of cuts) {
      const { error } = await openBytes(whole.subarray(0, length));
      expect({ length, error }).toMatchObject({ length, error: { code } });
      expect((error as Error).message).toMatch(message);
    }
  });

  it('a file truncated after it was opened fails the read with a truncation error', async () => {
    const path = join(tempDir(), 'shrinking.safetensors');
    await writeSafetensors(path, { w: { dtype: 'F32', shape: [1024], data: new Float32Array(1024) } });
    const file = await SafetensorsFile.open(path);
    truncateSync(path, file.dataOffset + 100);
    await expect(file.readTensor('w')).rejects.toMatchObject({
      code: 'truncated',
      message: /end of file after 100 of 4096 bytes/,
    });
    expect(() => file.readAsFloat32Sync('w')).toThrow(/end of file after 100 of 4096 bytes/);
    await file.close();
  });

  it('a missing file is an io error naming it', async () => {
    const path = join(tempDir(), 'absent.safetensors');
    await expect(SafetensorsFile.open(path)).rejects.toMatchObject({
      code: 'io',
      file: path,
      message: /cannot open.*ENOENT/,
    });
  });

  it('random corruption of header bytes always yields a SafetensorsError or a valid file, never another exception', async () => {
    const path = join(tempDir(), 'model.safetensors');
    await writeSafetensors(
      path,
      {
        'model.layers.0.weight': { dtype: 'F32', shape: [4, 4], data: new Float32Array(16) },
        'model.layers.1.weight': { dtype: 'F16', shape: [3], data: new Uint16Array(3) },
      },
      { format: 'pt' },
    );
    const whole = readFileSync(path);
    const file = await SafetensorsFile.open(path);
    const headerEnd = file.dataOffset;
    await file.close();
    const random = seededRandom(11);
    const codes = new Set<string>();
    for (let trial = 0; trial < 300; trial++) {
      const bytes = Uint8Array.from(whole);
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) {
        bytes[Math.floor(random() * headerEnd)] = Math.floor(random() * 256);
      }
      const { error, syncError } = await openBytes(bytes);
      if (error !== undefined) {
        expect(error).toBeInstanceOf(SafetensorsError);
        expect(syncError).toBeInstanceOf(SafetensorsError);
        codes.add((error as SafetensorsError).code);
      }
    }
    // The corruption reached several kinds of check, not just one.
    expect(codes.size).toBeGreaterThanOrEqual(4);
  });
});
