import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { closestNames } from '@xreason/contracts';
import { INDEX_FILE, parseCheckpointIndex, SINGLE_FILE, type CheckpointIndex } from './checkpoint-index.js';
import type { TensorInfo } from './header.js';
import { ioError } from './positioned-io.js';
import { SafetensorsError } from './safetensors-error.js';
import { SafetensorsFile } from './safetensors-file.js';
import type { Tensor, TensorSource } from './tensor-source.js';

type Layout = { kind: 'single'; file: string } | { kind: 'index'; file: string };

/**
 * A Hugging Face checkpoint — one `model.safetensors`, or shards listed by
 * `model.safetensors.index.json` — seen as one set of named tensors. Opening checks every shard's
 * header and that each tensor of the weight map is in the shard it is mapped to; tensor data is read
 * lazily, one tensor at a time. Tensors present in a shard but absent from the weight map are not
 * visible, as in `transformers`.
 */
export class SafetensorsCheckpoint implements TensorSource {
  private constructor(
    /** The directory (or single file) this checkpoint was opened from. */
    readonly path: string,
    /** The index file, when the checkpoint is sharded. */
    readonly indexFile: string | undefined,
    readonly index: CheckpointIndex | undefined,
    private readonly shardOf: ReadonlyMap<string, SafetensorsFile>,
    readonly shards: readonly SafetensorsFile[],
  ) {}

  /** Opens a checkpoint directory, an index file, or a single safetensors file. */
  static async open(path: string): Promise<SafetensorsCheckpoint> {
    const layout = resolveLayout(path);
    if (layout.kind === 'single') {
      const file = await SafetensorsFile.open(layout.file);
      return SafetensorsCheckpoint.fromSingle(path, file);
    }
    const index = parseCheckpointIndex(layout.file, await readText(layout.file));
    const opened: SafetensorsFile[] = [];
    try {
      const byName = new Map<string, SafetensorsFile>();
      for (const [shardName, firstTensor] of shardFiles(index)) {
        const shardPath = join(dirname(layout.file), shardName);
        checkShardExists(layout.file, shardPath, shardName, firstTensor);
        const shard = await SafetensorsFile.open(shardPath);
        opened.push(shard);
        byName.set(shardName, shard);
      }
      return SafetensorsCheckpoint.fromIndex(path, layout.file, index, byName);
    } catch (error) {
      await Promise.all(opened.map((shard) => shard.close()));
      throw error;
    }
  }

  static openSync(path: string): SafetensorsCheckpoint {
    const layout = resolveLayout(path);
    if (layout.kind === 'single') return SafetensorsCheckpoint.fromSingle(path, SafetensorsFile.openSync(layout.file));
    const index = parseCheckpointIndex(layout.file, readTextSync(layout.file));
    const opened: SafetensorsFile[] = [];
    try {
      const byName = new Map<string, SafetensorsFile>();
      for (const [shardName, firstTensor] of shardFiles(index)) {
        const shardPath = join(dirname(layout.file), shardName);
        checkShardExists(layout.file, shardPath, shardName, firstTensor);
        const shard = SafetensorsFile.openSync(shardPath);
        opened.push(shard);
        byName.set(shardName, shard);
      }
      return SafetensorsCheckpoint.fromIndex(path, layout.file, index, byName);
    } catch (error) {
      for (const shard of opened) shard.closeSync();
      throw error;
    }
  }

  private static fromSingle(path: string, file: SafetensorsFile): SafetensorsCheckpoint {
    return new SafetensorsCheckpoint(
      path,
      undefined,
      undefined,
      new Map(file.tensorNames().map((name) => [name, file])),
      [file],
    );
  }

  private static fromIndex(
    path: string,
    indexFile: string,
    index: CheckpointIndex,
    byName: ReadonlyMap<string, SafetensorsFile>,
  ): SafetensorsCheckpoint {
    const shardOf = new Map<string, SafetensorsFile>();
    for (const [tensor, shardName] of Object.entries(index.weight_map)) {
      const shard = byName.get(shardName) as SafetensorsFile;
      if (!shard.has(tensor)) {
        throw new SafetensorsError(
          'missing_tensor_in_shard',
          { file: indexFile, tensor, field: 'weight_map' },
          `mapped to ${shardName}, but that shard has no such tensor`,
        );
      }
      shardOf.set(tensor, shard);
    }
    return new SafetensorsCheckpoint(path, indexFile, index, shardOf, [...byName.values()]);
  }

  tensorNames(): string[] {
    return [...this.shardOf.keys()];
  }

  has(name: string): boolean {
    return this.shardOf.has(name);
  }

  /** The shard file that holds `name`. */
  fileOf(name: string): SafetensorsFile {
    const shard = this.shardOf.get(name);
    if (!shard) {
      const near = closestNames(name, this.tensorNames());
      throw new SafetensorsError(
        'unknown_tensor',
        { file: this.indexFile ?? this.path, tensor: name },
        `no such tensor in this checkpoint${near.length ? ` (did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?)` : ''}`,
      );
    }
    return shard;
  }

  info(name: string): TensorInfo {
    return this.fileOf(name).info(name);
  }

  // async so that an unknown name rejects rather than throwing synchronously.
  async readTensor(name: string): Promise<Tensor> {
    return this.fileOf(name).readTensor(name);
  }

  readTensorSync(name: string): Tensor {
    return this.fileOf(name).readTensorSync(name);
  }

  async readAsFloat32(name: string, target?: Float32Array): Promise<Float32Array> {
    return this.fileOf(name).readAsFloat32(name, target);
  }

  readAsFloat32Sync(name: string, target?: Float32Array): Float32Array {
    return this.fileOf(name).readAsFloat32Sync(name, target);
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.close()));
  }

  closeSync(): void {
    for (const shard of this.shards) shard.closeSync();
  }
}

function resolveLayout(path: string): Layout {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(path);
  } catch (cause) {
    throw ioError(path, 'cannot open checkpoint', cause);
  }
  if (!stats.isDirectory())
    return path.endsWith('.json') ? { kind: 'index', file: path } : { kind: 'single', file: path };
  // The index wins when both exist, as in transformers (a stale single file is the likelier leftover).
  const indexFile = join(path, INDEX_FILE);
  if (fs.existsSync(indexFile)) return { kind: 'index', file: indexFile };
  const single = join(path, SINGLE_FILE);
  if (fs.existsSync(single)) return { kind: 'single', file: single };
  throw new SafetensorsError('missing_shard', { file: path }, `directory has neither ${INDEX_FILE} nor ${SINGLE_FILE}`);
}

/** Each distinct shard file with the first tensor mapped to it (to name in an error). */
function shardFiles(index: CheckpointIndex): Map<string, string> {
  const files = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(index.weight_map)) if (!files.has(shard)) files.set(shard, tensor);
  return files;
}

function checkShardExists(indexFile: string, shardPath: string, shardName: string, tensor: string): void {
  if (!fs.existsSync(shardPath)) {
    throw new SafetensorsError(
      'missing_shard',
      { file: indexFile, tensor, field: 'weight_map' },
      `maps to shard ${shardName}, which does not exist at ${shardPath}`,
    );
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (cause) {
    throw ioError(file, 'cannot read index', cause);
  }
}

function readTextSync(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw ioError(file, 'cannot read index', cause);
  }
}
