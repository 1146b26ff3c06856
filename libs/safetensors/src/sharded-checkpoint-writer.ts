import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fsyncDirectory } from './atomic-fs.js';
import { INDEX_FILE, shardFileName, SINGLE_FILE, type CheckpointIndex } from './checkpoint-index.js';
import { ioError, writeFully } from './positioned-io.js';
import { SafetensorsError } from './safetensors-error.js';
import { ShardBuilder } from './shard-builder.js';
import { checkMetadata, checkTensorInput, type TensorInput } from './tensor-input.js';

export interface ShardedCheckpointWriterOptions {
  /** The checkpoint directory. Created if missing; if it exists, it must hold no other checkpoint weights. */
  dir: string;
  /**
   * Tensor bytes per shard; a tensor that would overflow the current shard starts the next one, and a
   * tensor larger than this gets a shard of its own (as in `save_pretrained`). Default 5 GB.
   */
  maxShardBytes?: number;
  /**
   * `__metadata__` of every shard. Default `{ format: 'pt' }`: `transformers` refuses safetensors
   * metadata without a known `format`.
   */
  metadata?: Readonly<Record<string, string>>;
  /** Write an index even when everything fits in one shard (default: one `model.safetensors`, no index). */
  alwaysIndex?: boolean;
  /** Initial header reservation per shard in bytes (default 64 KiB; see ShardBuilder). */
  headerReserveBytes?: number;
}

export interface WrittenCheckpoint {
  dir: string;
  /** Shard files in order, as absolute paths. */
  files: string[];
  indexFile: string | undefined;
  /** Sum of tensor byte lengths, the index's `metadata.total_size`. */
  totalSize: number;
}

type State = 'open' | 'finished' | 'failed';

const FINAL_NAME = /^model(-\d{5}-of-\d{5})?\.safetensors(\.index\.json)?$/;

/**
 * Streams tensors, one at a time, into a sharded Hugging Face checkpoint. Memory stays bounded by the
 * tensor being written (plus header entries): data goes straight to disk at its final offset.
 *
 * Atomic at the directory level: shards are built under a hidden staging directory and get their
 * final names (`model-0000i-of-0000N.safetensors`, N known only then) in `finish()`. A new `dir` is
 * published by renaming the whole staging directory; into an existing `dir`, shards are renamed first
 * and the index last, so a reader that finds the index finds every shard. Any failure deletes the
 * staging directory: nothing is left under the final names.
 */
export class ShardedCheckpointWriter {
  private readonly shards: ShardBuilder[] = [];
  private current: ShardBuilder | undefined;
  private readonly names = new Set<string>();
  private readonly weightMap: [string, number][] = [];
  private totalSize = 0;
  private state: State = 'open';

  private constructor(
    readonly dir: string,
    private readonly staging: string,
    private readonly publishByDirectoryRename: boolean,
    private readonly maxShardBytes: number,
    private readonly metadata: Readonly<Record<string, string>>,
    private readonly alwaysIndex: boolean,
    private readonly headerReserveBytes: number,
  ) {}

  static async create(options: ShardedCheckpointWriterOptions): Promise<ShardedCheckpointWriter> {
    const dir = resolve(options.dir);
    const maxShardBytes = options.maxShardBytes ?? 5_000_000_000;
    if (!Number.isSafeInteger(maxShardBytes) || maxShardBytes <= 0) {
      throw new SafetensorsError(
        'writer_state',
        { file: dir, field: 'maxShardBytes' },
        `must be a positive integer, found ${maxShardBytes}`,
      );
    }
    const metadata = checkMetadata(dir, options.metadata ?? { format: 'pt' }) ?? {};
    const exists = fs.existsSync(dir);
    if (exists) assertNoCheckpointIn(dir);
    const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const staging = exists
      ? join(dir, `.safetensors-partial-${suffix}`)
      : join(dirname(dir), `.${basename(dir)}.partial-${suffix}`);
    try {
      await fs.promises.mkdir(staging, { recursive: true });
    } catch (cause) {
      throw ioError(staging, 'cannot create staging directory', cause);
    }
    return new ShardedCheckpointWriter(
      dir,
      staging,
      !exists,
      maxShardBytes,
      metadata,
      options.alwaysIndex ?? false,
      options.headerReserveBytes ?? 64 * 1024,
    );
  }

  get tensorCount(): number {
    return this.names.size;
  }

  get bytesWritten(): number {
    return this.totalSize;
  }

  /**
   * Appends one tensor. Its bytes are written to the shard file when this resolves, so the caller may reuse the buffer.
   * Any error (bad tensor, I/O) aborts the writer and deletes what it wrote.
   */
  async add(name: string, tensor: TensorInput): Promise<void> {
    this.assertOpen();
    // Bad input aborts the writer too: a merge that produced one bad tensor must not publish the rest.
    await this.failSafely(async () => {
      const bytes = checkTensorInput(this.dir, name, tensor);
      if (this.names.has(name)) {
        throw new SafetensorsError('invalid_tensor', { file: this.dir, tensor: name }, 'tensor added twice');
      }
      if (
        this.current &&
        this.current.tensorCount > 0 &&
        this.current.byteLength + bytes.byteLength > this.maxShardBytes
      ) {
        await this.closeCurrentShard();
      }
      const shard = this.current ?? (await this.startShard());
      await shard.append(name, tensor.dtype, tensor.shape, bytes);
      this.names.add(name);
      this.weightMap.push([name, this.shards.length]);
      this.totalSize += bytes.byteLength;
    });
  }

  /** Finishes the last shard, names all shards, writes the index and publishes them under `dir`. */
  async finish(): Promise<WrittenCheckpoint> {
    this.assertOpen();
    return this.failSafely(async () => {
      if (!this.current) await this.startShard();
      await this.closeCurrentShard();
      const count = this.shards.length;
      const withIndex = count > 1 || this.alwaysIndex;
      const names = this.shards.map((_, i) => (withIndex ? shardFileName(i + 1, count) : SINGLE_FILE));
      for (const [i, shard] of this.shards.entries()) {
        await fs.promises.rename(shard.path, join(this.staging, names[i] as string));
      }
      if (withIndex) await this.writeIndex(names);
      await fsyncDirectory(this.staging);
      const published = [...names, ...(withIndex ? [INDEX_FILE] : [])];
      await this.publish(published);
      this.state = 'finished';
      return {
        dir: this.dir,
        files: names.map((name) => join(this.dir, name)),
        indexFile: withIndex ? join(this.dir, INDEX_FILE) : undefined,
        totalSize: this.totalSize,
      };
    });
  }

  /** Deletes everything written so far. Safe to call in any state, and more than once. */
  async abort(): Promise<void> {
    if (this.state === 'finished') return;
    this.state = 'failed';
    await this.current?.discard();
    this.current = undefined;
    await fs.promises.rm(this.staging, { recursive: true, force: true });
  }

  private async startShard(): Promise<ShardBuilder> {
    const path = join(this.staging, `shard-${String(this.shards.length + 1).padStart(5, '0')}.partial`);
    this.current = await ShardBuilder.create(path, this.metadata, {
      headerReserveBytes: this.headerReserveBytes,
      compactBelowBytes: 16 << 20,
    });
    return this.current;
  }

  private async closeCurrentShard(): Promise<void> {
    const shard = this.current;
    if (!shard) return;
    await shard.finish();
    this.shards.push(shard);
    this.current = undefined;
  }

  private async writeIndex(names: string[]): Promise<void> {
    // Sorted by tensor name, like save_pretrained, so indexes diff cleanly.
    const weightMap = Object.fromEntries(
      [...this.weightMap]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([tensor, shard]) => [tensor, names[shard]]),
    );
    const index: CheckpointIndex = {
      metadata: { total_size: this.totalSize },
      weight_map: weightMap as Record<string, string>,
    };
    const path = join(this.staging, INDEX_FILE);
    const handle = await fs.promises.open(path, 'wx');
    try {
      await writeFully(path, handle.fd, Buffer.from(`${JSON.stringify(index, null, 2)}\n`), 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private async publish(files: string[]): Promise<void> {
    if (this.publishByDirectoryRename) {
      // rename(2) onto a missing or empty directory is atomic; a non-empty one that appeared meanwhile fails.
      try {
        await fs.promises.rename(this.staging, this.dir);
      } catch (cause) {
        throw ioError(
          this.dir,
          'cannot publish the checkpoint directory (did something else create it meanwhile?)',
          cause,
        );
      }
      await fsyncDirectory(dirname(this.dir));
      return;
    }
    assertNoCheckpointIn(this.dir);
    const moved: string[] = [];
    try {
      for (const file of files) {
        await fs.promises.rename(join(this.staging, file), join(this.dir, file));
        moved.push(join(this.dir, file));
      }
    } catch (cause) {
      // Take back the shards already moved: without their index they would be an orphaned half checkpoint.
      await Promise.all(moved.map((path) => fs.promises.rm(path, { force: true })));
      throw ioError(this.dir, 'cannot move the checkpoint files into place', cause);
    }
    await fsyncDirectory(this.dir);
    await fs.promises.rmdir(this.staging);
  }

  private async failSafely<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.abort().catch(() => undefined);
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.state !== 'open') {
      throw new SafetensorsError('writer_state', { file: this.dir }, `writer is ${this.state}; create a new one`);
    }
  }
}

/** Refuses to mix shards of two checkpoints in one directory. */
function assertNoCheckpointIn(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (cause) {
    throw ioError(dir, 'cannot list checkpoint directory', cause);
  }
  const clash = names.filter((name) => FINAL_NAME.test(name));
  if (clash.length > 0) {
    throw new SafetensorsError(
      'writer_state',
      { file: dir },
      `already holds checkpoint weights (${clash.join(', ')}); write to a new directory`,
    );
  }
}
