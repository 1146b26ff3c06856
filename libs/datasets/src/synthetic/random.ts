import { seededRandom } from '@xreason/contracts';

/**
 * A small seeded generator (SplitMix32-style mixing into Mulberry32): the same seed gives the same
 * world on every machine and Node version, which Math.random cannot promise.
 */
export class SeededRandom {
  private readonly uniform: () => number;

  constructor(seed: number) {
    this.uniform = seededRandom(seed);
  }

  /** Derives an independent stream, so problem k does not depend on how many draws problem k-1 made. */
  static for(...parts: (number | string)[]): SeededRandom {
    let h = 0x811c9dc5;
    for (const part of parts) {
      for (const ch of String(part)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
      h = Math.imul(h ^ 0x2f, 0x01000193);
    }
    return new SeededRandom(h);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uniform();
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}
