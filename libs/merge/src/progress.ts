/** What a long merge reports, once per tensor and at phase changes. */
export interface MergeProgress {
  phase: 'planned' | 'tensor' | 'finishing' | 'done';
  /** Tensors done so far, of `total`. */
  done: number;
  total: number;
  /** The tensor just written (phase 'tensor'). */
  tensor?: string;
  /** Output tensor bytes written so far, of `totalBytes`. */
  bytesWritten: number;
  totalBytes: number;
}

export type ProgressCallback = (progress: MergeProgress) => void;
