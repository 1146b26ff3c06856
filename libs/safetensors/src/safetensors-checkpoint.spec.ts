import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_FILE } from './checkpoint-index.js';
import { bytesOf, useTempDir } from './fixtures.test-helpers.js';
import { SafetensorsCheckpoint } from './safetensors-checkpoint.js';
import { SafetensorsFile } from './safetensors-file.js';
import { ShardedCheckpointWriter } from './sharded-checkpoint-writer.js';
import { writeSafetensors } from './write-safetensors.js';

const tempDir = useTempDir();

/** Layer-like tensors whose contents encode their index, so a mix-up between shards shows. */
function layer(i: number, elements = 256): Float32Array {
  return Float32Array.from({ length: elements }, (_, j) => i * 1000 + j);
}

/** A two-shard checkpoint written the way `save_pretrained` lays it out, without our writer. */
async function handMadeShardedCheckpoint(dir: string, index: object): Promise<void> {
  await writeSafetensors(join(dir, 'model-00001-of-00002.safetensors'), {
    'model.layers.0.weight': { dtype: 'F32', shape: [256], data: layer(0) },
    'model.layers.1.weight': { dtype: 'F32', shape: [256], data: layer(1) },
  });
  await writeSafetensors(join(dir, 'model-00002-of-00002.safetensors'), {
    'lm_head.weight': { dtype: 'F32', shape: [16, 16], data: layer(2) },
  });
  writeFileSync(join(dir, INDEX_FILE), JSON.stringify(index));
}

const goodIndex = {
  metadata: { total_size: 3072 },
  weight_map: {
    'lm_head.weight': 'model-00002-of-00002.safetensors',
    'model.layers.0.weight': 'model-00001-of-00002.safetensors',
    'model.layers.1.weight': 'model-00001-of-00002.safetensors',
  },
};

describe('SafetensorsCheckpoint reads one view across shards', () => {
  it('reads a hand-made sharded checkpoint through its index, each tensor from its own shard', async () => {
    const dir = tempDir();
    await handMadeShardedCheckpoint(dir, goodIndex);
    for (const checkpoint of [await SafetensorsCheckpoint.open(dir), SafetensorsCheckpoint.openSync(dir)]) {
      expect(checkpoint.indexFile).toBe(join(dir, INDEX_FILE));
      expect(checkpoint.shards).toHaveLength(2);
      expect(checkpoint.tensorNames()).toEqual(Object.keys(goodIndex.weight_map));
      expect([...(await checkpoint.readAsFloat32('lm_head.weight'))]).toEqual([...layer(2)]);
      expect([...checkpoint.readAsFloat32Sync('model.layers.1.weight')]).toEqual([...layer(1)]);
      expect(checkpoint.info('lm_head.weight')).toEqual({ dtype: 'F32', shape: [16, 16], byteLength: 1024 });
      expect(checkpoint.fileOf('model.layers.0.weight').path).toBe(join(dir, 'model-00001-of-00002.safetensors'));
      await checkpoint.close();
    }
  });

  it('opens a directory holding a single model.safetensors, or that file directly', async () => {
    const dir = tempDir();
    await writeSafetensors(join(dir, 'model.safetensors'), {
      w: { dtype: 'BF16', shape: [2], data: new Uint16Array([0x3f80, 0xc000]) },
    });
    for (const path of [dir, join(dir, 'model.safetensors')]) {
      const checkpoint = await SafetensorsCheckpoint.open(path);
      expect(checkpoint.indexFile).toBeUndefined();
      expect([...(await checkpoint.readAsFloat32('w'))]).toEqual([1, -2]);
      await checkpoint.close();
    }
  });

  it('a weight_map entry pointing at a missing shard names the index, the tensor and the shard', async () => {
    const dir = tempDir();
    await handMadeShardedCheckpoint(dir, {
      ...goodIndex,
      weight_map: { ...goodIndex.weight_map, 'extra.weight': 'model-00003-of-00002.safetensors' },
    });
    const expected = {
      code: 'missing_shard',
      file: join(dir, INDEX_FILE),
      tensor: 'extra.weight',
      field: 'weight_map',
      message: /maps to shard model-00003-of-00002.safetensors, which does not exist/,
    };
    await expect(SafetensorsCheckpoint.open(dir)).rejects.toMatchObject(expected);
    expect(() => SafetensorsCheckpoint.openSync(dir)).toThrow(expected.message);
  });

  it('a tensor missing from the shard the weight_map names is refused', async () => {
    const dir = tempDir();
    await handMadeShardedCheckpoint(dir, {
      ...goodIndex,
      weight_map: { ...goodIndex.weight_map, 'lm_head.weight': 'model-00001-of-00002.safetensors' },
    });
    await expect(SafetensorsCheckpoint.open(dir)).rejects.toMatchObject({
      code: 'missing_tensor_in_shard',
      tensor: 'lm_head.weight',
      message: /mapped to model-00001-of-00002.safetensors, but that shard has no such tensor/,
    });
  });

  it('a corrupt shard is reported with the shard file, not the index', async () => {
    const dir = tempDir();
    await handMadeShardedCheckpoint(dir, goodIndex);
    const shard = join(dir, 'model-00002-of-00002.safetensors');
    writeFileSync(shard, readFileSync(shard).subarray(0, 100));
    await expect(SafetensorsCheckpoint.open(dir)).rejects.toMatchObject({ code: 'truncated', file: shard });
  });

  it.each([
    ['not JSON', '{"weight_map": ', { code: 'index' }, /index is not valid JSON/],
    ['without a weight_map', '{"metadata": {}}', { code: 'index', field: 'weight_map' }, /must be an object/],
    [
      'with a shard path that leaves the directory',
      JSON.stringify({ weight_map: { w: '../model.safetensors' } }),
      { code: 'index', tensor: 'w' },
      /plain file name/,
    ],
    [
      'with a non-numeric total_size',
      JSON.stringify({ metadata: { total_size: 'big' }, weight_map: {} }),
      { code: 'index', field: 'metadata.total_size' },
      /non-negative integer/,
    ],
  ])('an index %s is refused', async (_, text, context, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, INDEX_FILE), text);
    await expect(SafetensorsCheckpoint.open(dir)).rejects.toMatchObject({ ...context, message });
  });

  it('a directory without weights says what it looked for; an unknown tensor suggests the nearest', async () => {
    const dir = tempDir();
    await expect(SafetensorsCheckpoint.open(dir)).rejects.toMatchObject({
      code: 'missing_shard',
      message: /neither model.safetensors.index.json nor model.safetensors/,
    });
    await handMadeShardedCheckpoint(dir, goodIndex);
    const checkpoint = await SafetensorsCheckpoint.open(dir);
    await expect(checkpoint.readTensor('model.layers.2.weight')).rejects.toThrow(
      /did you mean "model.layers.0.weight" or "model.layers.1.weight"/,
    );
    await checkpoint.close();
  });
});

describe('ShardedCheckpointWriter', () => {
  it('splits tensors into shards under maxShardBytes, writes the index, and reads back bit-exactly', async () => {
    const dir = join(tempDir(), 'out');
    const writer = await ShardedCheckpointWriter.create({ dir, maxShardBytes: 2048 });
    // 1 KiB each: two per shard. The 3 KiB tensor exceeds the limit and gets a shard of its own.
    for (let i = 0; i < 5; i++)
      await writer.add(`model.layers.${i}.weight`, { dtype: 'F32', shape: [256], data: layer(i) });
    await writer.add('lm_head.weight', { dtype: 'F32', shape: [3, 256], data: layer(9, 768) });
    await writer.add('model.norm.weight', { dtype: 'BF16', shape: [4], data: new Uint16Array([1, 2, 3, 4]) });
    const written = await writer.finish();

    const names = ['00001', '00002', '00003', '00004', '00005'].map((i) => `model-${i}-of-00005.safetensors`);
    expect(written.files).toEqual(names.map((name) => join(dir, name)));
    expect(readdirSync(dir).sort()).toEqual([...names, INDEX_FILE].sort());
    const index = JSON.parse(readFileSync(join(dir, INDEX_FILE), 'utf8'));
    expect(index.metadata).toEqual({ total_size: 5 * 1024 + 3072 + 8 });
    expect(Object.keys(index.weight_map)).toEqual(Object.keys(index.weight_map).sort());
    expect(index.weight_map['model.layers.2.weight']).toBe(names[1]);
    expect(index.weight_map['lm_head.weight']).toBe(names[3]);
    expect(index.weight_map['model.norm.weight']).toBe(names[4]);

    const checkpoint = await SafetensorsCheckpoint.open(dir);
    for (let i = 0; i < 5; i++) expect(await checkpoint.readAsFloat32(`model.layers.${i}.weight`)).toEqual(layer(i));
    expect(await checkpoint.readAsFloat32('lm_head.weight')).toEqual(layer(9, 768));
    expect((await checkpoint.readTensor('model.norm.weight')).data).toEqual(bytesOf(new Uint16Array([1, 2, 3, 4])));
    expect(checkpoint.shards[0]?.metadata).toEqual({ format: 'pt' });
    await checkpoint.close();
    // No staging leftovers beside the published directory.
    expect(readdirSync(join(dir, '..'))).toEqual(['out']);
  });

  it('everything in one shard becomes model.safetensors without an index, as save_pretrained does', async () => {
    const dir = join(tempDir(), 'single');
    const writer = await ShardedCheckpointWriter.create({
      dir,
      maxShardBytes: 1 << 20,
      metadata: { format: 'pt', by: 'test' },
    });
    await writer.add('w', { dtype: 'F16', shape: [2, 2], data: new Uint16Array([0x3c00, 0, 0, 0x3c00]) });
    const written = await writer.finish();
    expect(written).toMatchObject({ files: [join(dir, 'model.safetensors')], indexFile: undefined, totalSize: 8 });
    const file = await SafetensorsFile.open(join(dir, 'model.safetensors'));
    expect(file.metadata).toEqual({ format: 'pt', by: 'test' });
    expect([...(await file.readAsFloat32('w'))]).toEqual([1, 0, 0, 1]);
    await file.close();
  });

  it('alwaysIndex writes model-00001-of-00001 plus an index even for one shard', async () => {
    const dir = join(tempDir(), 'indexed');
    const writer = await ShardedCheckpointWriter.create({ dir, maxShardBytes: 1 << 20, alwaysIndex: true });
    await writer.add('w', { dtype: 'F32', shape: [1], data: new Float32Array([5]) });
    await writer.finish();
    expect(readdirSync(dir).sort()).toEqual([INDEX_FILE, 'model-00001-of-00001.safetensors'].sort());
  });

  it('a header that outgrows its reservation moves the data up and stays readable and aligned', async () => {
    const dir = join(tempDir(), 'many');
    const big = new Float32Array((17 << 20) / 4);
    for (let i = 0; i < big.length; i++) big[i] = i;
    // A 17 MiB tensor first (above the compaction threshold), then 300 small ones to overflow a 256-byte reservation.
    const writer = await ShardedCheckpointWriter.create({ dir, headerReserveBytes: 256 });
    await writer.add('big', { dtype: 'F32', shape: [big.length], data: big });
    for (let i = 0; i < 300; i++)
      await writer.add(`model.layers.${i}.mlp.weight`, { dtype: 'F32', shape: [2], data: new Float32Array([i, -i]) });
    await writer.finish();
    const file = await SafetensorsFile.open(join(dir, 'model.safetensors'));
    expect(file.dataOffset % 8).toBe(0);
    expect(Buffer.compare(bytesOf(await file.readAsFloat32('big')), bytesOf(big))).toBe(0);
    expect([...(await file.readAsFloat32('model.layers.299.mlp.weight'))]).toEqual([299, -299]);
    expect(file.tensorNames()).toHaveLength(301);
    await file.close();
  });

  it('small shards are compacted: no reserved header slack beyond 8-byte padding', async () => {
    const dir = join(tempDir(), 'tight');
    const writer = await ShardedCheckpointWriter.create({ dir });
    await writer.add('w', { dtype: 'F32', shape: [1], data: new Float32Array([1]) });
    await writer.finish();
    const file = await SafetensorsFile.open(join(dir, 'model.safetensors'));
    expect(file.dataOffset).toBeLessThan(8 + 100);
    await file.close();
  });

  it('a bad tensor midway aborts the writer: the output directory never appears and nothing is left behind', async () => {
    const parent = tempDir();
    const dir = join(parent, 'out');
    const writer = await ShardedCheckpointWriter.create({ dir, maxShardBytes: 16 });
    await writer.add('a', { dtype: 'F32', shape: [4], data: new Float32Array(4) });
    await writer.add('b', { dtype: 'F32', shape: [4], data: new Float32Array(4) });
    await expect(writer.add('c', { dtype: 'F32', shape: [5], data: new Float32Array(4) })).rejects.toMatchObject({
      code: 'byte_length',
      tensor: 'c',
    });
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
    await expect(writer.add('d', { dtype: 'F32', shape: [1], data: new Float32Array(1) })).rejects.toMatchObject({
      code: 'writer_state',
    });
    await expect(writer.finish()).rejects.toMatchObject({ code: 'writer_state' });
  });

  it('an I/O failure midway aborts the writer and leaves an existing directory as it was', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{}');
    const writer = await ShardedCheckpointWriter.create({ dir, maxShardBytes: 16 });
    await writer.add('a', { dtype: 'F32', shape: [4], data: new Float32Array(4) });
    // Pull the staging directory away: the next shard cannot be created.
    const staging = readdirSync(dir).find((name) => name.startsWith('.safetensors-partial-')) as string;
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, staging), { recursive: true });
    await expect(writer.add('b', { dtype: 'F32', shape: [4], data: new Float32Array(4) })).rejects.toMatchObject({
      code: 'io',
    });
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('publishes into an existing directory beside its other files, index last', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{}');
    const writer = await ShardedCheckpointWriter.create({ dir, maxShardBytes: 16 });
    await writer.add('a', { dtype: 'F32', shape: [4], data: new Float32Array(4) });
    await writer.add('b', { dtype: 'F32', shape: [4], data: new Float32Array(4) });
    await writer.finish();
    expect(readdirSync(dir).sort()).toEqual(
      ['config.json', INDEX_FILE, 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'].sort(),
    );
  });

  it('weights that appear in the directory while writing stop the publish, and the staged shards are removed', async () => {
    const dir = tempDir();
    const writer = await ShardedCheckpointWriter.create({ dir, maxShardBytes: 16 });
    await writer.add('a', { dtype: 'F32', shape: [4], data: new Float32Array(4) });
    writeFileSync(join(dir, 'model.safetensors'), 'someone else');
    await expect(writer.finish()).rejects.toMatchObject({
      code: 'writer_state',
      message: /already holds checkpoint weights/,
    });
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('refuses a directory that already holds checkpoint weights, and a tensor added twice', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'old'));
    await writeSafetensors(join(dir, 'old', 'model.safetensors'), {});
    await expect(ShardedCheckpointWriter.create({ dir: join(dir, 'old') })).rejects.toMatchObject({
      code: 'writer_state',
      message: /already holds checkpoint weights \(model.safetensors\)/,
    });
    const writer = await ShardedCheckpointWriter.create({ dir: join(dir, 'new') });
    await writer.add('a', { dtype: 'U8', shape: [1], data: new Uint8Array(1) });
    await expect(writer.add('a', { dtype: 'U8', shape: [1], data: new Uint8Array(1) })).rejects.toMatchObject({
      code: 'invalid_tensor',
      message: /added twice/,
    });
  });
});
