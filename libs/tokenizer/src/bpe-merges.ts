/**
 * Learns BPE merges from word counts — the algorithm of Hugging Face's `BpeTrainer` (Sennrich et
 * al. 2016): repeatedly merge the most frequent adjacent pair, ties broken towards the pair of
 * smaller ids, until the vocabulary is full or no pair reaches `minFrequency`. Pair counts are
 * updated incrementally from the words that contain the merged pair, so a merge costs the length
 * of those words, not a pass over the corpus.
 */
export interface LearnMergesOptions {
  /** Target vocabulary size, counting the initial alphabet (but not special tokens: the caller adds those). */
  vocabSize: number;
  minFrequency: number;
}

export interface LearnedMerges {
  /** id → symbol; the first `alphabet.length` entries are the alphabet in the order given. */
  symbols: string[];
  /** Merges in the order learned (the order BPE applies them). */
  merges: [string, string][];
}

const PAIR_BASE = 1 << 21; // more than any vocabulary we train; keys stay exact doubles

export function learnMerges(
  wordCounts: ReadonlyMap<string, number>,
  alphabet: readonly string[],
  options: LearnMergesOptions,
): LearnedMerges {
  const symbols = [...alphabet];
  const idOf = new Map(symbols.map((s, i) => [s, i]));
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [word, count] of wordCounts) {
    const ids: number[] = [];
    for (const ch of word) {
      let id = idOf.get(ch);
      if (id === undefined) {
        // A character outside the declared alphabet joins it rather than being dropped silently.
        id = symbols.length;
        symbols.push(ch);
        idOf.set(ch, id);
      }
      ids.push(id);
    }
    words.push(ids);
    counts.push(count);
  }

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new PairHeap();
  // Pairs whose count changed during the current merge; each gets a fresh heap entry afterwards.
  const changed = new Set<number>();
  const addPairs = (w: number, sign: 1 | -1): void => {
    const ids = words[w] as number[];
    const count = (counts[w] as number) * sign;
    for (let i = 0; i + 1 < ids.length; i++) {
      const key = (ids[i] as number) * PAIR_BASE + (ids[i + 1] as number);
      const next = (pairCount.get(key) ?? 0) + count;
      pairCount.set(key, next);
      changed.add(key);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);
  for (const [key, count] of pairCount) heap.push(count, key);
  changed.clear();

  const merges: [string, string][] = [];
  while (symbols.length < options.vocabSize) {
    const top = heap.pop();
    if (!top) break;
    const current = pairCount.get(top.key) ?? 0;
    if (current !== top.count) {
      // Stale entry: the count changed since it was pushed; the current count has its own entry if > 0.
      continue;
    }
    if (current < options.minFrequency || current <= 0) break;
    const left = Math.floor(top.key / PAIR_BASE);
    const right = top.key % PAIR_BASE;
    const merged = symbols.length;
    symbols.push((symbols[left] as string) + (symbols[right] as string));
    merges.push([symbols[left] as string, symbols[right] as string]);

    changed.clear();
    for (const w of pairWords.get(top.key) ?? []) {
      const ids = words[w] as number[];
      if (!containsPair(ids, left, right)) continue;
      addPairs(w, -1);
      words[w] = mergePair(ids, left, right, merged);
      addPairs(w, 1);
    }
    pairWords.delete(top.key);
    pairCount.delete(top.key);
    // Re-announce every pair whose count may have changed; stale entries are skipped on pop.
    changed.delete(top.key);
    for (const key of changed) {
      const count = pairCount.get(key) ?? 0;
      if (count > 0) heap.push(count, key);
    }
  }
  return { symbols, merges };
}

function containsPair(ids: readonly number[], left: number, right: number): boolean {
  for (let i = 0; i + 1 < ids.length; i++) if (ids[i] === left && ids[i + 1] === right) return true;
  return false;
}

/** Left-to-right, non-overlapping: "aaa" with (a, a) becomes "[aa] a", as in the Rust trainer. */
function mergePair(ids: readonly number[], left: number, right: number, merged: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === left && ids[i + 1] === right) {
      out.push(merged);
      i++;
    } else {
      out.push(ids[i] as number);
    }
  }
  return out;
}

/** Max-heap on (count desc, pair key asc): the key orders pairs by (left id, right id). */
class PairHeap {
  private readonly countsHeap: number[] = [];
  private readonly keysHeap: number[] = [];

  push(count: number, key: number): void {
    this.countsHeap.push(count);
    this.keysHeap.push(key);
    let i = this.countsHeap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { count: number; key: number } | undefined {
    const n = this.countsHeap.length;
    if (n === 0) return undefined;
    const top = { count: this.countsHeap[0] as number, key: this.keysHeap[0] as number };
    this.swap(0, n - 1);
    this.countsHeap.pop();
    this.keysHeap.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n - 1 && this.before(l, best)) best = l;
      if (r < n - 1 && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const ca = this.countsHeap[a] as number;
    const cb = this.countsHeap[b] as number;
    return ca !== cb ? ca > cb : (this.keysHeap[a] as number) < (this.keysHeap[b] as number);
  }

  private swap(a: number, b: number): void {
    const c = this.countsHeap[a] as number;
    this.countsHeap[a] = this.countsHeap[b] as number;
    this.countsHeap[b] = c;
    const k = this.keysHeap[a] as number;
    this.keysHeap[a] = this.keysHeap[b] as number;
    this.keysHeap[b] = k;
  }
}
