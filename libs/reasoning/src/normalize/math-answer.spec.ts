import type { LanguageCode } from '@xreason/contracts';
import { describe, expect, it } from 'vitest';
import { evaluateExpression } from './expression.js';
import { normaliseLocaleNumber } from './locale-number.js';
import { mathAnswersEqual } from './math-answer.js';

describe('locale numbers', () => {
  it.each<[string, LanguageCode, string | undefined]>([
    ['3,5', 'fr', '3.5'],
    ['3,5', 'de', '3.5'],
    ['1,000', 'en', '1000'],
    ['1.000', 'de', '1000'],
    ['1.5', 'de', '1.5'],
    ['0.750', 'de', '0.750'],
    ['1 000 000', 'fr', '1000000'],
    ['1\u202F000', 'fr', '1000'],
    ['1.234,56', 'es', '1234.56'],
    ['1,234.56', 'en', '1234.56'],
    ['1,62,000', 'hi', '162000'],
    ["1'000", 'de', '1000'],
    ['−7', 'en', '-7'],
    ['1.2.3,4,5', 'en', undefined],
    ['abc', 'en', undefined],
  ])('%s in %s reads as %s', (text, language, expected) => {
    expect(normaliseLocaleNumber(text, language)).toBe(expected);
  });
});

describe('safe expression evaluation', () => {
  it.each<[string, number | undefined]>([
    ['\\frac{3}{4}', 0.75],
    ['\\frac12', 0.5],
    ['2^{10}', 1024],
    ['-(3+4)*2', -14],
    ['\\sqrt{16}', 4],
    ['\\sqrt[3]{27}', 3],
    ['2\\sqrt{2}', 2 * Math.SQRT2],
    ['3 \\cdot 4', 12],
    ['6 \\div 4', 1.5],
    ['x+1', undefined],
    ['process.exit()', undefined],
    ['1/0', undefined],
  ])('%s → %s', (source, expected) => {
    const value = evaluateExpression(source);
    if (expected === undefined) expect(value).toBeUndefined();
    else expect(value?.approx).toBeCloseTo(expected, 12);
  });

  it('keeps fractions exact: 1/3 + 1/6 is exactly 1/2', () => {
    expect(evaluateExpression('1/3+1/6')?.exact).toEqual({ num: 1n, den: 2n });
  });
});

describe('math answer equivalence, one rule per case', () => {
  it.each<[string, string, string, LanguageCode, boolean]>([
    ['full-width digits', '４２', '42', 'ja', true],
    ['decimal comma in French', '3,5', '3.5', 'fr', true],
    ['decimal comma is not thousands in French', '3,500', '3500', 'fr', false],
    ['thousands comma in English', '3,500', '3500', 'en', true],
    ['space thousands separator', '1 000 000', '1000000', 'fr', true],
    ['German dot thousands', '12.840', '12840', 'de', true],
    ['sign with a Unicode minus', '−5', '-5', 'en', true],
    ['\\frac equals its decimal', '\\frac{1}{2}', '0.5', 'en', true],
    ['\\dfrac is \\frac', '\\dfrac{3}{4}', '\\frac{3}{4}', 'en', true],
    ['\\tfrac is \\frac', '\\tfrac{3}{4}', '0.75', 'en', true],
    ['\\sqrt of a perfect square', '\\sqrt{49}', '7', 'en', true],
    ['an irrational root within tolerance', '2\\sqrt{2}', '2.8284271247', 'en', true],
    ['exact rationals differ', '\\frac{1}{3}', '0.333', 'en', false],
    ['percent matches its number', '25\\%', '25', 'en', true],
    ['percent matches its fraction', '25%', '0.25', 'en', true],
    ['currency symbol', '\\$18', '18', 'en', true],
    ['currency after the number', '1 200 €', '1200', 'fr', true],
    ['unit words after the number', '60 km/h', '60', 'en', true],
    ['a \\text{} unit', '18 \\text{ dollars}', '18', 'en', true],
    ['x = 4', 'x = 4', '4', 'en', true],
    ['a wrong number is wrong', '41', '42', 'en', false],
    ['degrees', '90^\\circ', '90', 'en', true],
    ['non-numeric answers compare as text', '\\text{Paris}', 'paris', 'en', true],
  ])('%s: %s vs %s (%s) → %s', (_rule, predicted, gold, language, expected) => {
    expect(mathAnswersEqual(predicted, gold, language)).toBe(expected);
  });
});
