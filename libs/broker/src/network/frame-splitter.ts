/**
 * Cuts a TCP byte stream into Kafka request frames (int32 size + body). The size is checked before
 * any body byte is buffered, so an oversized or negative length closes the connection without the
 * broker ever allocating for it.
 */
export class FrameError extends Error {
  override name = 'FrameError';
}

/** Smallest request body: api_key + api_version + correlation_id. */
export const MIN_FRAME_BYTES = 8;

export class FrameSplitter {
  private readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Adds bytes and returns the frames they complete (bodies only, without the size prefix). */
  push(data: Buffer): Buffer[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      const size = this.peekSize();
      if (size < MIN_FRAME_BYTES || size > this.maxFrameBytes) {
        throw new FrameError(`request frame size ${size} is outside ${MIN_FRAME_BYTES}..${this.maxFrameBytes} bytes`);
      }
      if (this.buffered < 4 + size) break;
      frames.push(this.take(4 + size).subarray(4));
    }
    return frames;
  }

  private peekSize(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, 4);
    return head.readInt32BE(0);
  }

  private take(bytes: number): Buffer {
    const first = this.chunks[0] as Buffer;
    let out: Buffer;
    if (first.length >= bytes) {
      out = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
    } else {
      out = Buffer.allocUnsafe(bytes);
      let copied = 0;
      while (copied < bytes) {
        const chunk = this.chunks[0] as Buffer;
        const n = Math.min(chunk.length, bytes - copied);
        chunk.copy(out, copied, 0, n);
        copied += n;
        if (n === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(n);
      }
    }
    this.buffered -= bytes;
    return out;
  }
}
