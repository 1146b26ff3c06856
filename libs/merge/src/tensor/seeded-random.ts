/**
 * Reproducible randomness for DARE: each (seed, tensor, model) gets its own stream, so a tensor's mask
 * does not depend on the order tensors are merged in or on which other tensors exist.
 */
export function streamFor(seed: number, tensorName: string, modelIndex: number): () => number {
  return sfc32(fnv1a(`${seed}\u0000${tensorName}\u0000${modelIndex}`), seed >>> 0, 0x9e3779b9, modelIndex >>> 0);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Small fast counter PRNG (32-bit state words), returning uniform values in [0, 1). */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // mix the seed words before use
  return next;
}
