import { readFile } from 'node:fs/promises';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DatasetError } from './dataset-error.js';
import { parseDelimited } from './delimited.js';

/** One record of a benchmark file and where it is, for error messages. */
export interface SourceRecord {
  file: string;
  line: number;
  record: Record<string, unknown>;
}

export interface ReadOptions {
  /** For headerless TSV/CSV files (MGSM's): the column names. Otherwise the first row is the header. */
  columns?: readonly string[];
}

export const SUPPORTED_EXTENSIONS = ['.jsonl', '.json', '.tsv', '.csv', '.parquet'] as const;

/** Reads every record of `file` by its extension: JSONL, JSON (an array), TSV, CSV or Parquet. */
export async function readRecords(file: string, options: ReadOptions = {}): Promise<SourceRecord[]> {
  const extension = SUPPORTED_EXTENSIONS.find((ext) => file.endsWith(ext));
  if (!extension)
    throw new DatasetError(
      file,
      0,
      undefined,
      `unsupported file type (expected one of ${SUPPORTED_EXTENSIONS.join(', ')})`,
    );
  if (extension === '.parquet') return readParquet(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DatasetError(
      file,
      0,
      undefined,
      `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a BOM is not part of the first field
  switch (extension) {
    case '.jsonl':
      return readJsonl(file, text);
    case '.json':
      return readJsonArray(file, text);
    case '.tsv':
      return readDelimited(file, text, '\t', false, options.columns);
    case '.csv':
      return readDelimited(file, text, ',', true, options.columns);
  }
}

function asObject(file: string, line: number, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DatasetError(file, line, undefined, 'is not a JSON object');
  return value as Record<string, unknown>;
}

function readJsonl(file: string, text: string): SourceRecord[] {
  const records: SourceRecord[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new DatasetError(file, i + 1, undefined, `is not valid JSON: ${(error as Error).message}`);
    }
    records.push({ file, line: i + 1, record: asObject(file, i + 1, value) });
  });
  return records;
}

function readJsonArray(file: string, text: string): SourceRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(file, 0, undefined, `is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) throw new DatasetError(file, 0, undefined, 'expected a JSON array of records');
  return value.map((item, i) => ({ file, line: i + 1, record: asObject(file, i + 1, item) }));
}

function readDelimited(
  file: string,
  text: string,
  delimiter: string,
  quoting: boolean,
  columns?: readonly string[],
): SourceRecord[] {
  const rows = parseDelimited(text, delimiter, quoting);
  const header = columns ?? rows.shift()?.fields;
  if (!header) return [];
  return rows.map(({ line, fields }) => {
    if (fields.length !== header.length) {
      throw new DatasetError(
        file,
        line,
        undefined,
        `has ${fields.length} fields, expected ${header.length} (${header.join(', ')})`,
      );
    }
    return { file, line, record: Object.fromEntries(header.map((name, i) => [name, fields[i]])) };
  });
}

async function readParquet(file: string): Promise<SourceRecord[]> {
  let rows: Record<string, unknown>[];
  try {
    const buffer = await asyncBufferFromFile(file);
    rows = (await parquetReadObjects({ file: buffer, compressors })) as Record<string, unknown>[];
  } catch (error) {
    throw new DatasetError(file, 0, undefined, `is not a readable Parquet file: ${(error as Error).message}`);
  }
  // BigInt columns (INT64) become numbers when exact, so schemas see one numeric type.
  return rows.map((record, i) => ({
    file,
    line: i + 1,
    record: Object.fromEntries(
      Object.entries(record).map(([k, v]) => [
        k,
        typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(v)
          : v,
      ]),
    ),
  }));
}
