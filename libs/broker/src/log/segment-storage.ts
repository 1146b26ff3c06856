/**
 * Where a segment's bytes live: a file (the durable log) or a growing buffer (`--memory`). The log
 * above is written once against this interface, so both modes share recovery-free code paths for
 * append, read, retention and roll.
 *
 * Durability: `append` returns once the bytes are in the operating system (write(2)); a killed
 * broker process therefore never loses an acknowledged batch — the page cache outlives the process.
 * `sync` (fdatasync) is what protects against a machine crash; the log calls it on the schedule
 * chosen in `LogOptions.flushIntervalMs`.
 */
import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  ftruncateSync,
  fstatSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';

export interface SegmentStorage {
  readonly size: number;
  append(chunk: Buffer): void;
  /** Up to `length` bytes from `position`; fewer when the segment ends first. */
  read(position: number, length: number): Buffer;
  truncate(size: number): void;
  syncNow(): void;
  sync(): Promise<void>;
  close(): void;
  remove(): void;
}

export class FileSegmentStorage implements SegmentStorage {
  readonly path: string;
  private fd: number;
  private bytes: number;
  private dirty = false;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'a+');
    this.bytes = fstatSync(this.fd).size;
  }

  get size(): number {
    return this.bytes;
  }

  append(chunk: Buffer): void {
    let written = 0;
    while (written < chunk.length) {
      written += writeSync(this.fd, chunk, written, chunk.length - written, this.bytes + written);
    }
    this.bytes += chunk.length;
    this.dirty = true;
  }

  read(position: number, length: number): Buffer {
    const wanted = Math.max(0, Math.min(length, this.bytes - position));
    const out = Buffer.allocUnsafe(wanted);
    let got = 0;
    while (got < wanted) {
      const n = readSync(this.fd, out, got, wanted - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return got === wanted ? out : out.subarray(0, got);
  }

  truncate(size: number): void {
    ftruncateSync(this.fd, size);
    this.bytes = size;
    this.dirty = true;
  }

  syncNow(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fdatasyncSync(this.fd);
  }

  sync(): Promise<void> {
    if (!this.dirty || this.fd < 0) return Promise.resolve();
    this.dirty = false;
    return new Promise((resolve) => fdatasync(this.fd, () => resolve()));
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}

export class MemorySegmentStorage implements SegmentStorage {
  // Starts empty: a topic created with thousands of partitions must not reserve memory for each.
  private buffer = Buffer.alloc(0);
  private bytes = 0;

  get size(): number {
    return this.bytes;
  }

  append(chunk: Buffer): void {
    if (this.bytes + chunk.length > this.buffer.length) {
      // Readers may hold subarrays of the old buffer; they stay valid because bytes are never rewritten.
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.bytes + chunk.length, 64 * 1024));
      this.buffer.copy(grown, 0, 0, this.bytes);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.bytes);
    this.bytes += chunk.length;
  }

  read(position: number, length: number): Buffer {
    const end = Math.min(this.bytes, position + length);
    return this.buffer.subarray(Math.min(position, end), end);
  }

  truncate(size: number): void {
    this.bytes = Math.min(size, this.bytes);
  }

  syncNow(): void {}

  sync(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}

  remove(): void {
    this.buffer = Buffer.alloc(0);
    this.bytes = 0;
  }
}
