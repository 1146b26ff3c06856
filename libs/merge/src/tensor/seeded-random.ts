import { seededRandom } from '@xreason/contracts';

/**
 * Reproducible randomness for DARE: each (seed, tensor, model) gets its own stream of contracts'
 * seeded generator, so a tensor's drop mask depends neither on the order tensors are merged in nor
 * on which other tensors exist.
 */
export function streamFor(seed: number, tensorName: string, modelIndex: number): () => number {
  return seededRandom(fnv1a(`${seed}\u0000${tensorName}\u0000${modelIndex}`));
}

/** 32-bit FNV-1a: spreads the (seed, tensor, model) key over the generator's seed space. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
