import * as fs from 'node:fs';
import { promisify } from 'node:util';
import type { Dtype } from './dtype.js';
import {
  encodeHeader,
  entryJson,
  LENGTH_PREFIX_BYTES,
  metadataJson,
  paddedHeaderLength,
  type TensorEntry,
} from './header.js';
import { ioError, readFully, writeFully } from './positioned-io.js';

const open = promisify(fs.open);
const fsync = promisify(fs.fsync);
const close = promisify(fs.close);
const ftruncate = promisify(fs.ftruncate);

const MOVE_CHUNK_BYTES = 8 << 20;

export interface ShardBuilderOptions {
  /** Header bytes reserved in front of the data before the first tensor arrives (rounded up to 8). */
  headerReserveBytes: number;
  /** At finish, shards with at most this much data are compacted so the header carries no slack. */
  compactBelowBytes: number;
}

/**
 * One shard written in a single pass while tensors stream in. The header comes first in the format
 * but is known only at the end, so the data starts after a reserved header region: each tensor is
 * written straight to its final position and only its header entry is kept in memory. When the
 * entries outgrow the reservation, the data written so far moves up (in bounded chunks) and the
 * reservation doubles — rare with the default 64 KiB, which fits ~500 typical entries. Unused
 * reservation is space padding after the JSON, which the format allows (it pads to 8 bytes the same
 * way); small shards are compacted so test fixtures stay tight.
 */
export class ShardBuilder {
  private readonly entries: TensorEntry[] = [];
  private partBytes = 0;
  private dataBytes = 0;
  private reserve: number;

  private constructor(
    readonly path: string,
    private fd: number | undefined,
    private readonly metadata: Readonly<Record<string, string>> | undefined,
    private readonly options: ShardBuilderOptions,
  ) {
    this.reserve = paddedHeaderLength(Math.max(options.headerReserveBytes, 8));
    if (metadata !== undefined) this.partBytes = Buffer.byteLength(metadataJson(metadata));
  }

  static async create(
    path: string,
    metadata: Readonly<Record<string, string>> | undefined,
    options: ShardBuilderOptions,
  ): Promise<ShardBuilder> {
    let fd: number;
    try {
      fd = await open(path, 'wx+'); // read too: moving data reads it back
    } catch (cause) {
      throw ioError(path, 'cannot create shard', cause);
    }
    return new ShardBuilder(path, fd, metadata, options);
  }

  get tensorCount(): number {
    return this.entries.length;
  }

  get byteLength(): number {
    return this.dataBytes;
  }

  tensorNames(): string[] {
    return this.entries.map((entry) => entry.name);
  }

  async append(name: string, dtype: Dtype, shape: readonly number[], bytes: Uint8Array): Promise<void> {
    const fd = this.openFd();
    const entry: TensorEntry = {
      name,
      dtype,
      shape: [...shape],
      byteLength: bytes.byteLength,
      begin: this.dataBytes,
      end: this.dataBytes + bytes.byteLength,
    };
    const partBytes = this.partBytes + Buffer.byteLength(entryJson(entry));
    const needed = this.headerLength(partBytes, this.partCount() + 1);
    if (needed > this.reserve) {
      const grown = paddedHeaderLength(Math.max(2 * this.reserve, needed + (needed >> 1)));
      await this.moveData(fd, grown);
    }
    await writeFully(this.path, fd, bytes, LENGTH_PREFIX_BYTES + this.reserve + entry.begin);
    this.entries.push(entry);
    this.partBytes = partBytes;
    this.dataBytes = entry.end;
  }

  /** Writes the header, fsyncs and closes. The file is then a complete safetensors file. */
  async finish(): Promise<void> {
    const fd = this.openFd();
    const tight = paddedHeaderLength(this.headerLength(this.partBytes, this.partCount()));
    if (tight < this.reserve && this.dataBytes <= this.options.compactBelowBytes) {
      await this.moveData(fd, tight);
      await ftruncate(fd, LENGTH_PREFIX_BYTES + tight + this.dataBytes);
    }
    const header = encodeHeader(this.entries, this.metadata, this.reserve);
    const prefix = new Uint8Array(LENGTH_PREFIX_BYTES + header.byteLength);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(header.byteLength), true);
    prefix.set(header, LENGTH_PREFIX_BYTES);
    await writeFully(this.path, fd, prefix, 0);
    await fsync(fd);
    this.fd = undefined;
    await close(fd);
  }

  /** Closes without finishing (the caller deletes the file). */
  async discard(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await close(fd).catch(() => undefined);
  }

  private partCount(): number {
    return this.entries.length + (this.metadata === undefined ? 0 : 1);
  }

  /** `{` + parts joined by commas + `}`. */
  private headerLength(partBytes: number, parts: number): number {
    return 2 + partBytes + Math.max(0, parts - 1);
  }

  /** Moves the data section so that it starts after a header region of `reserve` bytes. */
  private async moveData(fd: number, reserve: number): Promise<void> {
    const from = LENGTH_PREFIX_BYTES + this.reserve;
    const to = LENGTH_PREFIX_BYTES + reserve;
    const length = this.dataBytes;
    if (from !== to && length > 0) {
      const chunk = new Uint8Array(Math.min(MOVE_CHUNK_BYTES, length));
      // Moving up, copy from the end so no chunk overwrites bytes not yet copied; moving down, from the start.
      const chunks = Math.ceil(length / chunk.byteLength);
      for (let k = 0; k < chunks; k++) {
        const index = to > from ? chunks - 1 - k : k;
        const start = index * chunk.byteLength;
        const piece = chunk.subarray(0, Math.min(chunk.byteLength, length - start));
        await readFully(this.path, fd, piece, from + start);
        await writeFully(this.path, fd, piece, to + start);
      }
    }
    this.reserve = reserve;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`shard ${this.path} is already closed`);
    return this.fd;
  }
}
