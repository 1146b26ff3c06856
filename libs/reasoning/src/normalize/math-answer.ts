import type { LanguageCode } from '@xreason/contracts';
import { evaluateExpression, valuesEqual, type MathValue } from './expression.js';
import { normaliseLocaleNumber } from './locale-number.js';

/** A math answer after normalisation: its canonical text and, when it is a number, its value. */
export interface MathAnswer {
  text: string;
  value?: MathValue;
  /** The answer ended in a percent sign: "25%" may stand for 25 or for 0.25. */
  percent: boolean;
}

const CURRENCY_SYMBOLS = /[$€£¥₹₩₽₺฿₫₦৳円元￥]|\\\$|\b(?:USD|EUR|GBP|JPY|CNY|INR|RMB|Rs\.?|R\$)\s*/g;

/** Wrappers whose content is the answer: `\text{5 apples}` → `5 apples`. */
const WRAPPERS = /\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname|boxed)\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g;

/**
 * Canonicalises one extracted math answer: full-width → half-width (NFKC), LaTeX spacing and
 * delimiters dropped, `\dfrac`/`\tfrac` → `\frac`, `\text{}` unwrapped, "x = 4" → "4", currency
 * and trailing unit words dropped, locale thousands/decimal separators read for `language`.
 */
export function normaliseMathAnswer(raw: string, language: LanguageCode = 'en'): MathAnswer {
  let text = raw.normalize('NFKC');
  for (let i = 0; i < 3 && WRAPPERS.test(text); i++) text = text.replace(WRAPPERS, '$1');
  text = text
    .replace(/\\[dt]frac/g, '\\frac')
    .replace(/\\(?:left|right|displaystyle)\b/g, '')
    .replace(/\\[,;:! ]|~/g, ' ')
    .replace(/\\%/g, '%')
    .replace(/\\\$/g, '')
    .replace(/\^\s*\{?\\circ\}?|°/g, '')
    .replace(/\$|\\\(|\\\)|\\\[|\\\]/g, '')
    .replace(/[−–]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  // "x = 4", "n=12", "\text{Total} = 30": the right-hand side of the last '=' is the answer.
  const equation = /^[^=<>]{0,40}?=\s*([^=]+)$/.exec(text);
  if (equation && !/\d\s*[-+*/]\s*\d/.test(text.slice(0, text.lastIndexOf('=')))) text = (equation[1] as string).trim();
  text = text.replace(CURRENCY_SYMBOLS, '').trim();
  // Trailing words after a number are a unit ("60 km/h", "18 dollars", "42 個", "5 apples").
  const withUnit = /^([-+]?[\d.,\s'\u00A0\u202F]*\d%?)\s*[\p{L}][\p{L}\p{M}\s/.²³]*$/u.exec(text);
  if (withUnit) text = (withUnit[1] as string).trim();
  text = text.replace(/[.。]$/, '').trim();
  const percent = text.endsWith('%');
  if (percent) text = text.slice(0, -1).trim();

  const plain = normaliseLocaleNumber(text, language);
  const value = evaluateExpression(plain ?? text);
  return value ? { text: plain ?? text, value, percent } : { text, percent };
}

/**
 * Whether a predicted math answer equals the gold one: exact rational equality when both are exact,
 * a 1e-6 relative tolerance otherwise, a percentage matching either its number or its fraction, and
 * a whitespace- and case-insensitive text comparison when either side is not a number.
 */
export function mathAnswersEqual(predicted: string, gold: string, language: LanguageCode = 'en'): boolean {
  const p = normaliseMathAnswer(predicted, language);
  const g = normaliseMathAnswer(gold, 'en');
  if (p.value && g.value) {
    if (valuesEqual(p.value, g.value)) return true;
    if (p.percent !== g.percent) {
      const [percentSide, other] = p.percent ? [p.value, g.value] : [g.value, p.value];
      return valuesEqual({ approx: percentSide.approx / 100 }, other);
    }
    return false;
  }
  const squash = (s: string) => s.toLowerCase().replace(/\s+/g, '');
  return squash(p.text) === squash(g.text) && p.text.length > 0;
}
