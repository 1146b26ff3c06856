import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { dtypeRank } from './dtype.js';
import { fsyncDirectory, fsyncDirectorySync, temporarySibling } from './atomic-fs.js';
import { encodeHeader, LENGTH_PREFIX_BYTES, type TensorEntry } from './header.js';
import { ioError, writeFully, writeFullySync } from './positioned-io.js';
import { SafetensorsError } from './safetensors-error.js';
import { checkMetadata, checkTensorInput, tensorEntries, type TensorsInput } from './tensor-input.js';

const open = promisify(fs.open);
const fsync = promisify(fs.fsync);
const close = promisify(fs.close);

interface FilePlan {
  prefixAndHeader: Uint8Array;
  dataOffset: number;
  entries: TensorEntry[];
  bytes: Uint8Array[];
}

/**
 * Lays tensors out exactly as the reference writer does (descending dtype rank, then name byte by
 * byte), so the same tensors give the same bytes. The rank order groups widest dtypes first: with
 * the data section 8-byte aligned, every tensor starts on a multiple of its element size, which lets
 * a memory-mapped reader view it in place.
 */
function planFile(
  path: string,
  tensors: TensorsInput,
  metadata: Readonly<Record<string, string>> | undefined,
): FilePlan {
  const checkedMetadata = checkMetadata(path, metadata);
  const seen = new Set<string>();
  const items = tensorEntries(tensors).map(([name, tensor]) => {
    const bytes = checkTensorInput(path, name, tensor);
    if (seen.has(name))
      throw new SafetensorsError('invalid_tensor', { file: path, tensor: name }, 'tensor name given twice');
    seen.add(name);
    return { name, tensor, bytes };
  });
  items.sort(
    (a, b) =>
      dtypeRank(b.tensor.dtype) - dtypeRank(a.tensor.dtype) || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
  );
  let offset = 0;
  const entries = items.map(({ name, tensor, bytes }): TensorEntry => {
    const entry = {
      name,
      dtype: tensor.dtype,
      shape: [...tensor.shape],
      byteLength: bytes.byteLength,
      begin: offset,
      end: offset + bytes.byteLength,
    };
    offset = entry.end;
    return entry;
  });
  const header = encodeHeader(entries, checkedMetadata);
  const prefixAndHeader = new Uint8Array(LENGTH_PREFIX_BYTES + header.byteLength);
  new DataView(prefixAndHeader.buffer).setBigUint64(0, BigInt(header.byteLength), true);
  prefixAndHeader.set(header, LENGTH_PREFIX_BYTES);
  return { prefixAndHeader, dataOffset: prefixAndHeader.byteLength, entries, bytes: items.map((item) => item.bytes) };
}

/**
 * Writes a safetensors file atomically: everything goes to a hidden temporary file in the same
 * directory, which is fsynced and then renamed over `path`. A reader sees the old file or the new
 * one, never a torn one; a failure leaves no temporary file behind.
 */
export async function writeSafetensors(
  path: string,
  tensors: TensorsInput,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  const plan = planFile(path, tensors, metadata);
  const temporary = temporarySibling(path);
  let fd: number | undefined;
  try {
    try {
      fd = await open(temporary, 'wx');
    } catch (cause) {
      throw ioError(path, `cannot create temporary file ${temporary}`, cause);
    }
    await writeFully(path, fd, plan.prefixAndHeader, 0);
    for (const [i, entry] of plan.entries.entries()) {
      await writeFully(path, fd, plan.bytes[i] as Uint8Array, plan.dataOffset + entry.begin);
    }
    await fsync(fd);
    await close(fd);
    fd = undefined;
    await fs.promises.rename(temporary, path);
    await fsyncDirectory(dirname(path));
  } catch (error) {
    if (fd !== undefined) await close(fd).catch(() => undefined);
    await fs.promises.rm(temporary, { force: true });
    throw error instanceof SafetensorsError ? error : ioError(path, 'write failed', error);
  }
}

export function writeSafetensorsSync(
  path: string,
  tensors: TensorsInput,
  metadata?: Readonly<Record<string, string>>,
): void {
  const plan = planFile(path, tensors, metadata);
  const temporary = temporarySibling(path);
  let fd: number | undefined;
  try {
    try {
      fd = fs.openSync(temporary, 'wx');
    } catch (cause) {
      throw ioError(path, `cannot create temporary file ${temporary}`, cause);
    }
    writeFullySync(path, fd, plan.prefixAndHeader, 0);
    for (const [i, entry] of plan.entries.entries()) {
      writeFullySync(path, fd, plan.bytes[i] as Uint8Array, plan.dataOffset + entry.begin);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temporary, path);
    fsyncDirectorySync(dirname(path));
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    throw error instanceof SafetensorsError ? error : ioError(path, 'write failed', error);
  }
}
