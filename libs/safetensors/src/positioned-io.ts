import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { SafetensorsError } from './safetensors-error.js';

const read = promisify(fs.read);
const write = promisify(fs.write);

// One fs.read moves at most 2 GiB - 1 bytes; stay well below.
const MAX_IO_BYTES = 1 << 30;

/**
 * Reads exactly `target.byteLength` bytes at `position`. The kernel may return short reads; an end of
 * file before the last byte means the file shrank after its header was checked.
 */
export async function readFully(file: string, fd: number, target: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < target.byteLength) {
    const length = Math.min(target.byteLength - done, MAX_IO_BYTES);
    let bytesRead: number;
    try {
      ({ bytesRead } = await read(fd, target, done, length, position + done));
    } catch (cause) {
      throw ioError(file, `read of ${length} bytes at offset ${position + done} failed`, cause);
    }
    if (bytesRead === 0) throw endOfFile(file, position, target.byteLength, done);
    done += bytesRead;
  }
}

export function readFullySync(file: string, fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.byteLength) {
    const length = Math.min(target.byteLength - done, MAX_IO_BYTES);
    let bytesRead: number;
    try {
      bytesRead = fs.readSync(fd, target, done, length, position + done);
    } catch (cause) {
      throw ioError(file, `read of ${length} bytes at offset ${position + done} failed`, cause);
    }
    if (bytesRead === 0) throw endOfFile(file, position, target.byteLength, done);
    done += bytesRead;
  }
}

export async function writeFully(file: string, fd: number, source: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < source.byteLength) {
    const length = Math.min(source.byteLength - done, MAX_IO_BYTES);
    try {
      const { bytesWritten } = await write(fd, source, done, length, position + done);
      done += bytesWritten;
    } catch (cause) {
      throw ioError(file, `write of ${length} bytes at offset ${position + done} failed`, cause);
    }
  }
}

export function writeFullySync(file: string, fd: number, source: Uint8Array, position: number): void {
  let done = 0;
  while (done < source.byteLength) {
    const length = Math.min(source.byteLength - done, MAX_IO_BYTES);
    try {
      done += fs.writeSync(fd, source, done, length, position + done);
    } catch (cause) {
      throw ioError(file, `write of ${length} bytes at offset ${position + done} failed`, cause);
    }
  }
}

export function ioError(file: string, what: string, cause: unknown): SafetensorsError {
  return new SafetensorsError('io', { file }, `${what}: ${(cause as Error).message}`, { cause });
}

function endOfFile(file: string, position: number, wanted: number, got: number): SafetensorsError {
  return new SafetensorsError(
    'truncated',
    { file },
    `end of file after ${got} of ${wanted} bytes at offset ${position} (file truncated after it was opened)`,
  );
}
