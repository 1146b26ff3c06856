/**
 * Reuses scratch arrays between tensors. Decoder layers repeat the same few shapes, so after the
 * first layer nearly every request is served from the pool, and memory stays at the working set of
 * one tensor instead of growing with garbage the collector has not reclaimed yet. Idle arrays beyond
 * `maxIdleBytes` are dropped, oldest first.
 */
export class TypedArrayPool<T extends Float32Array | Uint16Array> {
  private readonly idle = new Map<number, T[]>();
  private idleBytes = 0;

  constructor(
    private readonly create: (length: number) => T,
    private readonly maxIdleBytes: number,
  ) {}

  acquire(length: number): T {
    const list = this.idle.get(length);
    const reused = list?.pop();
    if (reused) {
      this.idleBytes -= reused.byteLength;
      return reused;
    }
    return this.create(length);
  }

  release(array: T): void {
    if (array.byteLength > this.maxIdleBytes) return;
    let list = this.idle.get(array.length);
    if (!list) this.idle.set(array.length, (list = []));
    list.push(array);
    this.idleBytes += array.byteLength;
    for (const [length, arrays] of this.idle) {
      if (this.idleBytes <= this.maxIdleBytes) break;
      while (arrays.length > 0 && this.idleBytes > this.maxIdleBytes) {
        this.idleBytes -= (arrays.shift() as T).byteLength;
      }
      if (arrays.length === 0) this.idle.delete(length);
    }
  }
}
