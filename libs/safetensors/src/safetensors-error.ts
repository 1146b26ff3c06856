/** What went wrong, stable enough for callers and tests to branch on. */
export type SafetensorsErrorCode =
  | 'io'
  | 'truncated'
  | 'header_length'
  | 'header_encoding'
  | 'header_json'
  | 'header_field'
  | 'unknown_dtype'
  | 'byte_length'
  | 'offsets_out_of_range'
  | 'offsets_overlap'
  | 'offsets_gap'
  | 'unknown_tensor'
  | 'index'
  | 'missing_shard'
  | 'missing_tensor_in_shard'
  | 'invalid_tensor'
  | 'writer_state';

export interface SafetensorsErrorContext {
  /** The file the problem is in (a shard, an index, or the file being written). */
  file: string;
  tensor?: string;
  /** The header field at fault: `dtype`, `shape`, `data_offsets`, `__metadata__`, `weight_map`, … */
  field?: string;
}

/**
 * Every problem with a safetensors file or checkpoint. The message always starts with the file, then
 * the tensor and field when there is one, so a user can find the bad bytes without a debugger.
 */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
  readonly file: string;
  readonly tensor: string | undefined;
  readonly field: string | undefined;

  constructor(
    readonly code: SafetensorsErrorCode,
    context: SafetensorsErrorContext,
    detail: string,
    options?: { cause?: unknown },
  ) {
    const where = [
      context.file,
      context.tensor === undefined ? undefined : `tensor ${JSON.stringify(context.tensor)}`,
      context.field === undefined ? undefined : `field ${JSON.stringify(context.field)}`,
    ].filter((part) => part !== undefined);
    super(`${where.join(': ')}: ${detail}`, options);
    this.file = context.file;
    this.tensor = context.tensor;
    this.field = context.field;
  }
}
