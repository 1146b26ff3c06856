import { describe, expect, it } from 'vitest';
import { Registry, closestNames, editDistance } from './registry.js';

const entries = [{ name: 'linear' }, { name: 'ties' }, { name: 'dare_ties' }, { name: 'slerp' }];

describe('Registry', () => {
  it('rejects a second entry with the same name', () => {
    const registry = new Registry('merge method', entries);
    expect(() => registry.register({ name: 'ties' })).toThrow(/duplicate merge method "ties"/);
  });

  it('refuses registrations once frozen', () => {
    const registry = new Registry('merge method', entries).freeze();
    expect(() => registry.register({ name: 'nuslerp' })).toThrow(/frozen/);
    expect(registry.get('slerp').name).toBe('slerp');
  });

  it('answers an unknown name with a did-you-mean', () => {
    const registry = new Registry('merge method', entries);
    expect(() => registry.get('tis')).toThrow(/unknown merge method "tis"; did you mean "ties"\?/);
    expect(() => registry.get('zzzzzzzzzz')).toThrow(/known: dare_ties, linear, slerp, ties\)$/);
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['kitten', 'sitting', 3],
    ['ties', 'ties', 0],
    ['abc', '', 3],
  ])('distance(%s, %s) = %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });

  it('suggests nearest names first', () => {
    expect(closestNames('slrp', ['slerp', 'nuslerp', 'linear'])).toEqual(['slerp']);
    expect(closestNames('dare-ties', ['ties', 'dare_ties', 'dare_linear'])).toEqual(['dare_ties']);
  });
});
