import { describe, expect, it } from 'vitest';
import { learnMerges } from './bpe-merges.js';

describe('learnMerges', () => {
  it('merges the most frequent pair first and builds on earlier merges', () => {
    const counts = new Map([
      ['hug', 10],
      ['pug', 5],
      ['pun', 12],
      ['bun', 4],
      ['hugs', 5],
    ]);
    // The worked example of the Hugging Face course: u+g (20), then u+n (16), then h+ug (15).
    const { merges } = learnMerges(counts, ['b', 'g', 'h', 'n', 'p', 's', 'u'], { vocabSize: 10, minFrequency: 1 });
    expect(merges).toEqual([
      ['u', 'g'],
      ['u', 'n'],
      ['h', 'ug'],
    ]);
  });

  it('breaks count ties towards the pair of smaller ids', () => {
    const { merges } = learnMerges(
      new Map([
        ['ab', 3],
        ['cd', 3],
      ]),
      ['c', 'd', 'a', 'b'],
      { vocabSize: 5, minFrequency: 1 },
    );
    expect(merges).toEqual([['c', 'd']]);
  });

  it('stops when no pair reaches the minimum frequency', () => {
    const { merges } = learnMerges(
      new Map([
        ['ab', 1],
        ['cd', 2],
      ]),
      ['a', 'b', 'c', 'd'],
      { vocabSize: 100, minFrequency: 2 },
    );
    expect(merges).toEqual([['c', 'd']]);
  });

  it('merges repeated symbols left to right without overlap and keeps counts right afterwards', () => {
    // "aaaa" ×1: (a,a) counts 3; after merging, "aa aa" has one (aa,aa) pair.
    const { merges } = learnMerges(new Map([['aaaa', 1]]), ['a'], { vocabSize: 10, minFrequency: 1 });
    expect(merges).toEqual([
      ['a', 'a'],
      ['aa', 'aa'],
    ]);
  });

  it('recounts pairs shrunk by a merge: a later merge uses the decreased count', () => {
    // x+a counts 4 until a+b (7) eats the a's of "xab"; then x+a has 2 and c+d (3) must win.
    const counts = new Map([
      ['ab', 5],
      ['xab', 2],
      ['xa', 2],
      ['cd', 3],
    ]);
    const { merges } = learnMerges(counts, ['a', 'b', 'c', 'd', 'x'], { vocabSize: 7, minFrequency: 1 });
    expect(merges).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
});
