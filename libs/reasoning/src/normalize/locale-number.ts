import type { LanguageCode } from '@xreason/contracts';

/** Languages whose decimal separator is a comma ("3,5" is three and a half). */
const DECIMAL_COMMA = new Set<LanguageCode>([
  'bg',
  'de',
  'el',
  'es',
  'fr',
  'id',
  'it',
  'nl',
  'pl',
  'pt',
  'ru',
  'tr',
  'vi',
]);

/** Space-like thousands separators: space, no-break space, narrow no-break space, thin space, apostrophe. */
const GROUP_SPACE = /(?<=\d)[ \u00A0\u202F\u2009'’](?=\d{3}(?!\d))/g;

/**
 * Rewrites one number written in `language`'s convention into plain `-1234.5` form, or returns
 * undefined when `text` is not one number. Rules, in order:
 * - both `.` and `,` present: the later one is the decimal point ("1.234,5" and "1,234.5");
 * - one separator repeated ("1,000,000", "1.000.000"): thousands;
 * - a single comma: decimal in comma-decimal languages ("3,5" in French), thousands elsewhere when
 *   exactly three digits follow ("1,000" in English);
 * - a single dot: thousands in comma-decimal languages when exactly three digits follow and the
 *   integer part is not 0 ("1.000" in German), decimal otherwise;
 * - spaces and apostrophes between digit groups of three are thousands ("1 000 000").
 * Indian grouping ("1,62,000") reads as thousands too, because every comma is a group separator.
 */
export function normaliseLocaleNumber(text: string, language: LanguageCode = 'en'): string | undefined {
  let t = text.trim().replace(/^[−–]/, '-').replace(GROUP_SPACE, '');
  const match = /^([-+]?)(\d[\d.,]*)$/.exec(t);
  if (!match) return undefined;
  const sign = match[1] === '-' ? '-' : '';
  t = match[2] as string;
  if (/[.,]$/.test(t)) t = t.slice(0, -1);
  const lastDot = t.lastIndexOf('.');
  const lastComma = t.lastIndexOf(',');
  const dots = t.split('.').length - 1;
  const commas = t.split(',').length - 1;
  let decimal: '.' | ',' | undefined;
  if (dots > 0 && commas > 0) decimal = lastDot > lastComma ? '.' : ',';
  else if (commas === 1) {
    const after = t.length - lastComma - 1;
    decimal = DECIMAL_COMMA.has(language) || after !== 3 ? ',' : undefined;
  } else if (dots === 1) {
    const after = t.length - lastDot - 1;
    const integer = t.slice(0, lastDot);
    decimal = DECIMAL_COMMA.has(language) && after === 3 && integer !== '0' && integer !== '' ? undefined : '.';
  }
  const group = decimal === '.' ? ',' : decimal === ',' ? '.' : dots > 0 ? '.' : ',';
  let plain = t.split(group).join('');
  if (decimal === ',') plain = plain.replace(',', '.');
  if (!/^\d+(?:\.\d+)?$/.test(plain)) return undefined; // "1.2.3,4,5": not one number
  return sign + plain;
}
