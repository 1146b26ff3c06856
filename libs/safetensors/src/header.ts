import { closestNames } from '@xreason/contracts';
import { DTYPES, dtypeByteSize, elementCount, isDtype, type Dtype } from './dtype.js';
import { SafetensorsError } from './safetensors-error.js';

/** Where a tensor lives and what it holds, as declared by a file's header. */
export interface TensorInfo {
  dtype: Dtype;
  shape: readonly number[];
  byteLength: number;
}

/** A header entry after validation; offsets are relative to the start of the data section. */
export interface TensorEntry extends TensorInfo {
  name: string;
  begin: number;
  end: number;
}

export interface ParsedHeader {
  /** In data order (ascending offsets). */
  tensors: ReadonlyMap<string, TensorEntry>;
  metadata: Readonly<Record<string, string>> | undefined;
}

export const METADATA_KEY = '__metadata__';

/** Bytes of the little-endian u64 in front of the header. */
export const LENGTH_PREFIX_BYTES = 8;

/**
 * The reference implementation refuses headers over 100 MB; so do we, before allocating anything a
 * corrupt length field asks for.
 */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Checks the header length prefix against the file size and returns it as a number. `fileBytes` is
 * the whole file's size.
 */
export function checkHeaderLength(file: string, prefix: Uint8Array, fileBytes: number): number {
  if (fileBytes < LENGTH_PREFIX_BYTES) {
    throw new SafetensorsError(
      'truncated',
      { file },
      `file is ${fileBytes} bytes, too short for the 8-byte header length (truncated or not a safetensors file)`,
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, LENGTH_PREFIX_BYTES);
  const length = view.getBigUint64(0, true);
  const available = fileBytes - LENGTH_PREFIX_BYTES;
  if (length > BigInt(available)) {
    throw new SafetensorsError(
      'header_length',
      { file, field: 'header length' },
      `header length ${length} exceeds the ${available} bytes that follow it (file truncated or header length corrupt)`,
    );
  }
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      'header_length',
      { file, field: 'header length' },
      `header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`,
    );
  }
  if (length < 2n) {
    throw new SafetensorsError(
      'header_length',
      { file, field: 'header length' },
      `header length ${length} is too small for a JSON object`,
    );
  }
  return Number(length);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Parses and validates a header: every tensor's dtype, shape and offsets, byte length = elements ×
 * dtype size, and offsets that tile the data section exactly (from 0, no gap, no overlap, ending at
 * its last byte). `dataBytes` is the size of the data section as found on disk.
 */
export function parseHeader(file: string, headerBytes: Uint8Array, dataBytes: number): ParsedHeader {
  let text: string;
  try {
    text = utf8.decode(headerBytes);
  } catch (cause) {
    throw new SafetensorsError('header_encoding', { file }, 'header is not valid UTF-8', { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError('header_json', { file }, `header is not valid JSON (${(cause as Error).message})`, {
      cause,
    });
  }
  if (!isPlainObject(json)) {
    throw new SafetensorsError('header_json', { file }, `header must be a JSON object, found ${describe(json)}`);
  }

  let metadata: Record<string, string> | undefined;
  const entries: TensorEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === METADATA_KEY) {
      metadata = parseMetadata(file, value);
      continue;
    }
    entries.push(parseEntry(file, name, value));
  }

  // Ties (several empty tensors at one offset) keep a stable order; an empty tensor sorts first.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  let previous: TensorEntry | undefined;
  for (const entry of entries) {
    if (entry.begin < expectedBegin) {
      throw new SafetensorsError(
        'offsets_overlap',
        { file, tensor: entry.name, field: 'data_offsets' },
        `bytes [${entry.begin}, ${entry.end}) overlap tensor ${JSON.stringify(previous?.name)} at [${previous?.begin}, ${previous?.end})`,
      );
    }
    if (entry.begin > expectedBegin) {
      throw new SafetensorsError(
        'offsets_gap',
        { file, tensor: entry.name, field: 'data_offsets' },
        `starts at byte ${entry.begin} but the previous tensor${previous ? ` ${JSON.stringify(previous.name)}` : ''} ends at ${expectedBegin}: data offsets must cover the data section without gaps`,
      );
    }
    expectedBegin = entry.end;
    previous = entry;
  }
  if (expectedBegin > dataBytes) {
    throw new SafetensorsError(
      'truncated',
      { file, tensor: previous?.name, field: 'data_offsets' },
      `ends at data byte ${expectedBegin} but the file holds only ${dataBytes} data bytes after the header (file truncated)`,
    );
  }
  if (expectedBegin < dataBytes) {
    throw new SafetensorsError(
      'offsets_out_of_range',
      { file },
      `the tensors cover ${expectedBegin} data bytes but the file holds ${dataBytes}: ${dataBytes - expectedBegin} trailing bytes belong to no tensor`,
    );
  }
  return { tensors: new Map(entries.map((entry) => [entry.name, entry])), metadata };
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new SafetensorsError(
      'header_field',
      { file, field: METADATA_KEY },
      `must be an object of string values, found ${describe(value)}`,
    );
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new SafetensorsError(
        'header_field',
        { file, field: `${METADATA_KEY}.${key}` },
        `metadata values must be strings, found ${describe(item)}`,
      );
    }
  }
  return value as Record<string, string>;
}

function parseEntry(file: string, name: string, value: unknown): TensorEntry {
  const at = (field?: string) => ({ file, tensor: name, ...(field === undefined ? {} : { field }) });
  if (!isPlainObject(value)) {
    throw new SafetensorsError(
      'header_field',
      at(),
      `must be an object with dtype, shape and data_offsets, found ${describe(value)}`,
    );
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') {
    throw new SafetensorsError('header_field', at('dtype'), `must be a string, found ${describe(dtype)}`);
  }
  if (!isDtype(dtype)) {
    const near = closestNames(dtype, DTYPES);
    throw new SafetensorsError(
      'unknown_dtype',
      at('dtype'),
      `unknown dtype ${JSON.stringify(dtype)}${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; known: ${DTYPES.join(', ')}`,
    );
  }
  if (!Array.isArray(shape)) {
    throw new SafetensorsError('header_field', at('shape'), `must be an array of dimensions, found ${describe(shape)}`);
  }
  const elements = elementCount(shape);
  if (elements === undefined) {
    throw new SafetensorsError(
      'header_field',
      at('shape'),
      `dimensions must be non-negative integers with a product below 2^53, found ${describe(shape)}`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((offset) => typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0)
  ) {
    throw new SafetensorsError(
      'header_field',
      at('data_offsets'),
      `must be [begin, end] with non-negative integers, found ${describe(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    throw new SafetensorsError('offsets_out_of_range', at('data_offsets'), `end ${end} is before begin ${begin}`);
  }
  const byteLength = elements * dtypeByteSize(dtype);
  if (end - begin !== byteLength) {
    throw new SafetensorsError(
      'byte_length',
      at('data_offsets'),
      `spans ${end - begin} bytes but shape ${describe(shape)} of ${dtype} needs ${elements} × ${dtypeByteSize(dtype)} = ${byteLength}`,
    );
  }
  return { name, dtype, shape: [...(shape as number[])], byteLength, begin, end };
}

/**
 * Serialises a header for tensors laid out in the order given, padded with spaces so that the data
 * section starts on an 8-byte boundary (or, with `reservedBytes`, to exactly that many bytes).
 * Returns the bytes to put after the 8-byte length prefix.
 */
export function encodeHeader(
  entries: readonly TensorEntry[],
  metadata: Readonly<Record<string, string>> | undefined,
  reservedBytes?: number,
): Uint8Array {
  const json = headerJson(entries, metadata);
  const length = Buffer.byteLength(json);
  const target = reservedBytes ?? paddedHeaderLength(length);
  if (target < length) throw new RangeError(`header needs ${length} bytes but only ${target} are reserved`);
  const bytes = Buffer.alloc(target, 0x20);
  bytes.write(json, 0, 'utf8');
  return bytes;
}

export function headerJson(
  entries: readonly TensorEntry[],
  metadata: Readonly<Record<string, string>> | undefined,
): string {
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(metadataJson(metadata));
  for (const entry of entries) parts.push(entryJson(entry));
  return `{${parts.join(',')}}`;
}

export function metadataJson(metadata: Readonly<Record<string, string>>): string {
  return `${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`;
}

export function entryJson(entry: TensorEntry): string {
  return `${JSON.stringify(entry.name)}:${JSON.stringify({ dtype: entry.dtype, shape: entry.shape, data_offsets: [entry.begin, entry.end] })}`;
}

/** Header bytes rounded up so that 8 + header is a multiple of 8. */
export function paddedHeaderLength(jsonBytes: number): number {
  return Math.ceil(jsonBytes / 8) * 8;
}
