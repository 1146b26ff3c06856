import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { closestNames } from '@xreason/contracts';
import { isFloatDtype } from './dtype.js';
import { f16ToFloat32Table } from './float-conversion.js';
import {
  checkHeaderLength,
  LENGTH_PREFIX_BYTES,
  parseHeader,
  type ParsedHeader,
  type TensorEntry,
  type TensorInfo,
} from './header.js';
import { ioError, readFully, readFullySync } from './positioned-io.js';
import { SafetensorsError } from './safetensors-error.js';
import type { Tensor, TensorSource } from './tensor-source.js';

const open = promisify(fs.open);
const fstat = promisify(fs.fstat);
const close = promisify(fs.close);

/**
 * One safetensors file, opened for lazy reads. Opening reads and validates only the header; each
 * tensor is then read on demand with positioned reads on one file descriptor.
 *
 * Node has no mmap, so `readTensor` copies the tensor's bytes into a fresh buffer. The API gives out
 * owned buffers and never promises aliasing, so a native mmap-backed implementation (the engine's)
 * can replace this one without changing callers.
 */
export class SafetensorsFile implements TensorSource {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly header: ParsedHeader,
    /** File offset of the first data byte: 8 + header length. */
    readonly dataOffset: number,
  ) {
    this.fd = fd;
  }

  static async open(path: string): Promise<SafetensorsFile> {
    let fd: number;
    try {
      fd = await open(path, 'r');
    } catch (cause) {
      throw ioError(path, 'cannot open', cause);
    }
    try {
      const { size } = await fstat(fd);
      const prefix = new Uint8Array(LENGTH_PREFIX_BYTES);
      if (size >= LENGTH_PREFIX_BYTES) await readFully(path, fd, prefix, 0);
      const headerLength = checkHeaderLength(path, prefix, size);
      const headerBytes = new Uint8Array(headerLength);
      await readFully(path, fd, headerBytes, LENGTH_PREFIX_BYTES);
      const dataOffset = LENGTH_PREFIX_BYTES + headerLength;
      return new SafetensorsFile(path, fd, parseHeader(path, headerBytes, size - dataOffset), dataOffset);
    } catch (error) {
      await close(fd).catch(() => undefined);
      throw error;
    }
  }

  static openSync(path: string): SafetensorsFile {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (cause) {
      throw ioError(path, 'cannot open', cause);
    }
    try {
      const { size } = fs.fstatSync(fd);
      const prefix = new Uint8Array(LENGTH_PREFIX_BYTES);
      if (size >= LENGTH_PREFIX_BYTES) readFullySync(path, fd, prefix, 0);
      const headerLength = checkHeaderLength(path, prefix, size);
      const headerBytes = new Uint8Array(headerLength);
      readFullySync(path, fd, headerBytes, LENGTH_PREFIX_BYTES);
      const dataOffset = LENGTH_PREFIX_BYTES + headerLength;
      return new SafetensorsFile(path, fd, parseHeader(path, headerBytes, size - dataOffset), dataOffset);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  /** The header's `__metadata__`, if it has one. */
  get metadata(): Readonly<Record<string, string>> | undefined {
    return this.header.metadata;
  }

  tensorNames(): string[] {
    return [...this.header.tensors.keys()];
  }

  has(name: string): boolean {
    return this.header.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const { dtype, shape, byteLength } = this.entry(name);
    return { dtype, shape, byteLength };
  }

  /** The validated header entry, with offsets relative to `dataOffset`. */
  entry(name: string): TensorEntry {
    const entry = this.header.tensors.get(name);
    if (!entry) {
      const near = closestNames(name, this.tensorNames());
      throw new SafetensorsError(
        'unknown_tensor',
        { file: this.path, tensor: name },
        `no such tensor in this file${near.length ? ` (did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?)` : ''}`,
      );
    }
    return entry;
  }

  async readTensor(name: string): Promise<Tensor> {
    const entry = this.entry(name);
    const data = new Uint8Array(entry.byteLength);
    await readFully(this.path, this.openFd(), data, this.dataOffset + entry.begin);
    return { dtype: entry.dtype, shape: entry.shape, data };
  }

  readTensorSync(name: string): Tensor {
    const entry = this.entry(name);
    const data = new Uint8Array(entry.byteLength);
    readFullySync(this.path, this.openFd(), data, this.dataOffset + entry.begin);
    return { dtype: entry.dtype, shape: entry.shape, data };
  }

  /**
   * For 2-byte dtypes the read is pipelined: while one chunk is widened on this thread, the next is
   * already being read by the thread pool (safe: widening chunk k writes only below the bytes of
   * chunk k + 1, see prepareFloat32), so reading and converting overlap instead of adding up.
   */
  async readAsFloat32(name: string, target?: Float32Array): Promise<Float32Array> {
    const { entry, result, raw } = this.prepareFloat32(name, target);
    const fd = this.openFd();
    const position = this.dataOffset + entry.begin;
    if (entry.dtype === 'F32' || raw.byteLength <= 2 * PIPELINE_CHUNK_BYTES) {
      await readFully(this.path, fd, raw, position);
      return widenInPlace(entry, result);
    }
    const chunkElements = PIPELINE_CHUNK_BYTES / 2;
    const readChunk = (start: number) =>
      readFully(
        this.path,
        fd,
        raw.subarray(2 * start, 2 * Math.min(start + chunkElements, result.length)),
        position + 2 * start,
      );
    let pending = readChunk(0);
    for (let start = 0; start < result.length; start += chunkElements) {
      await pending;
      const next = start + chunkElements;
      if (next < result.length) pending = readChunk(next);
      widenRange(entry, result, start, Math.min(next, result.length));
    }
    return result;
  }

  readAsFloat32Sync(name: string, target?: Float32Array): Float32Array {
    const { entry, result, raw } = this.prepareFloat32(name, target);
    readFullySync(this.path, this.openFd(), raw, this.dataOffset + entry.begin);
    return widenInPlace(entry, result);
  }

  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await close(fd);
  }

  closeSync(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) fs.closeSync(fd);
  }

  /**
   * The float32 result is allocated once and the stored 2-byte elements are read into its upper half;
   * widening then runs front to back in place (element i is read before bytes [4i, 4i+4) are written,
   * and 4i + 4 <= 2n + 2(i + 1) keeps every later element intact). Peak memory is the result alone.
   */
  private prepareFloat32(
    name: string,
    target?: Float32Array,
  ): { entry: TensorEntry; result: Float32Array; raw: Uint8Array } {
    const entry = this.entry(name);
    if (!isFloatDtype(entry.dtype)) {
      throw new SafetensorsError(
        'invalid_tensor',
        { file: this.path, tensor: name, field: 'dtype' },
        `${entry.dtype} cannot be read as float32; only F32, BF16 and F16 can`,
      );
    }
    const count = entry.byteLength / (entry.dtype === 'F32' ? 4 : 2);
    if (target !== undefined && target.length !== count) {
      throw new SafetensorsError(
        'invalid_tensor',
        { file: this.path, tensor: name, field: 'shape' },
        `target holds ${target.length} floats but the tensor has ${count} elements`,
      );
    }
    const result = target ?? new Float32Array(count);
    const bytes = new Uint8Array(result.buffer, result.byteOffset, result.byteLength);
    const raw = entry.dtype === 'F32' ? bytes : bytes.subarray(2 * count);
    return { entry, result, raw };
  }

  private openFd(): number {
    if (this.fd === undefined) {
      throw new SafetensorsError('io', { file: this.path }, 'file is closed');
    }
    return this.fd;
  }
}

/** Raw bytes per read when reading and widening overlap; small enough to stay cache-friendly. */
const PIPELINE_CHUNK_BYTES = 2 << 20;

function widenInPlace(entry: TensorEntry, result: Float32Array): Float32Array {
  if (entry.dtype !== 'F32') widenRange(entry, result, 0, result.length);
  return result;
}

/** Widens stored elements [from, to) from the upper half of `result` into their float32 slots. */
function widenRange(entry: TensorEntry, result: Float32Array, from: number, to: number): void {
  const count = result.length;
  const stored = new Uint16Array(result.buffer, result.byteOffset + 2 * count, count);
  const out = new Uint32Array(result.buffer, result.byteOffset, count);
  if (entry.dtype === 'BF16') {
    for (let i = from; i < to; i++) out[i] = (stored[i] as number) << 16;
    return;
  }
  const table = f16ToFloat32Table();
  for (let i = from; i < to; i++) out[i] = table[stored[i] as number] as number;
}
