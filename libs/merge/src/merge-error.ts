/** Where a merge failed: the model, the tensor and the field, whichever apply. */
export interface MergeErrorContext {
  model?: string;
  tensor?: string;
  field?: string;
  file?: string;
}

export type MergeErrorCode =
  | 'missing_tensor'
  | 'shape_mismatch'
  | 'architecture_mismatch'
  | 'layer_mismatch'
  | 'parameter'
  | 'method_input'
  | 'output_exists'
  | 'adapter'
  | 'io';

/** A merge that cannot proceed, with a message naming what is wrong and where. */
export class MergeError extends Error {
  override name = 'MergeError';
  constructor(
    readonly code: MergeErrorCode,
    readonly context: MergeErrorContext,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${describe(context)}${detail}`, options);
  }
}

function describe(context: MergeErrorContext): string {
  const parts: string[] = [];
  if (context.model !== undefined) parts.push(`model ${context.model}`);
  if (context.file !== undefined) parts.push(context.file);
  if (context.tensor !== undefined) parts.push(`tensor ${context.tensor}`);
  if (context.field !== undefined) parts.push(`field ${context.field}`);
  return parts.length > 0 ? `${parts.join(', ')}: ` : '';
}
