import { describe, expect, it } from 'vitest';
import { exactMcNemar, pairedSignFlipTest } from './paired-tests.js';

describe('exact McNemar (one-sided)', () => {
  it.each([
    // P(Bin(n, ½) ≥ k) by hand: 10 discordant, 9 worse → (C(10,9)+C(10,10))/1024 = 11/1024.
    [9, 1, 11 / 1024],
    [5, 5, 638 / 1024],
    [0, 7, 1],
    [3, 0, 1 / 8],
    [0, 0, 1],
  ])('%i right→wrong against %i wrong→right gives p = %f', (worse, better, p) => {
    expect(exactMcNemar(worse, better)).toBeCloseTo(p, 12);
  });

  it('stays finite for thousands of discordant items', () => {
    const p = exactMcNemar(1100, 900);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-5);
  });
});

describe('paired sign-flip test', () => {
  it('enumerates every sign assignment when there are few differences', () => {
    // Differences −1, −1, −1: only the observed assignment has a sum ≤ −3, so p = 1/8.
    expect(pairedSignFlipTest([0, 0, 0, 1], [1, 1, 1, 1])).toEqual({ pValue: 1 / 8, test: 'exact-sign-flip' });
  });

  it('finds no evidence when nothing changed, and none for an improvement', () => {
    expect(pairedSignFlipTest([0.5, 0.25], [0.5, 0.25]).pValue).toBe(1);
    expect(pairedSignFlipTest([1, 1, 1, 1, 1], [0, 0, 0, 0, 0]).pValue).toBe(1);
  });

  it('samples sign assignments reproducibly past 16 differences, and a consistent drop is significant', () => {
    const before = Array.from({ length: 40 }, (_, i) => 0.5 + (i % 5) / 10);
    const after = before.map((v, i) => v - (i % 3 === 0 ? 0.25 : 0.125));
    const a = pairedSignFlipTest(after, before, { seed: 3 });
    expect(a).toEqual(pairedSignFlipTest(after, before, { seed: 3 }));
    expect(a.test).toBe('monte-carlo-sign-flip');
    expect(a.pValue).toBeLessThan(0.001);
  });

  it('refuses unpaired inputs', () => {
    expect(() => pairedSignFlipTest([1], [1, 0])).toThrow(/1 current values, 2 reference values/);
  });
});
