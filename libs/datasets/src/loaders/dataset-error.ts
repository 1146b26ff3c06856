/** A benchmark file that cannot be used; the message names the file, the line (or row) and the field. */
export class DatasetError extends Error {
  override name = 'DatasetError';
  constructor(
    readonly file: string,
    /** 1-based line of a JSONL/TSV/CSV file, 1-based item of a JSON array, 1-based row of a Parquet file; 0 = the file itself. */
    readonly line: number,
    readonly field: string | undefined,
    readonly problem: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${field ? `field "${field}" ` : ''}${problem}`);
  }
}
