/**
 * mulberry32: a small, fast, seedable PRNG returning uniform numbers in [0, 1). One definition for
 * every seeded draw in the project (synthetic data, bootstrap resampling, fuzzing, test fixtures), so
 * the same seed gives the same sequence on every machine and Node version — which Math.random cannot
 * promise. Statistical quality is ample for sampling; it is not for cryptography.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
