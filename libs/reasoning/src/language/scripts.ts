import type { LanguageCode } from '@xreason/contracts';

/**
 * The writing systems that decide a language on their own (or nearly): a span written in Thai
 * letters is Thai whatever a statistical detector says. Only Latin, Cyrillic and Arabic spans need a
 * detector, because several supported languages share them.
 */
export type Script =
  'Latin' | 'Cyrillic' | 'Greek' | 'Arabic' | 'Devanagari' | 'Bengali' | 'Telugu' | 'Thai' | 'Hangul' | 'Han' | 'Kana';

/** Script of one code point, or undefined for digits, punctuation, symbols and unsupported scripts. */
export function scriptOf(codePoint: number): Script | undefined {
  if (codePoint < 0x80) {
    return (codePoint >= 0x41 && codePoint <= 0x5a) || (codePoint >= 0x61 && codePoint <= 0x7a) ? 'Latin' : undefined;
  }
  if (codePoint <= 0x024f) return codePoint >= 0xc0 && codePoint !== 0xd7 && codePoint !== 0xf7 ? 'Latin' : undefined;
  if (codePoint >= 0x1e00 && codePoint <= 0x1eff) return 'Latin'; // Vietnamese stacked diacritics
  if (codePoint >= 0x0370 && codePoint <= 0x03ff) return 'Greek';
  if (codePoint >= 0x1f00 && codePoint <= 0x1fff) return 'Greek';
  if (codePoint >= 0x0400 && codePoint <= 0x052f) return 'Cyrillic';
  if (codePoint >= 0x0600 && codePoint <= 0x06ff) {
    // Arabic-Indic digits and punctuation carry no language.
    if ((codePoint >= 0x0660 && codePoint <= 0x066d) || (codePoint >= 0x06f0 && codePoint <= 0x06f9)) return undefined;
    if (codePoint === 0x060c || codePoint === 0x061b || codePoint === 0x061f || codePoint === 0x06d4) return undefined;
    return 'Arabic';
  }
  if (codePoint >= 0x0750 && codePoint <= 0x077f) return 'Arabic';
  if (codePoint >= 0xfb50 && codePoint <= 0xfdff) return 'Arabic';
  if (codePoint >= 0xfe70 && codePoint <= 0xfeff) return 'Arabic';
  if (codePoint >= 0x0900 && codePoint <= 0x097f) {
    if (codePoint === 0x0964 || codePoint === 0x0965 || (codePoint >= 0x0966 && codePoint <= 0x096f)) return undefined;
    return 'Devanagari';
  }
  if (codePoint >= 0x0980 && codePoint <= 0x09ff)
    return codePoint >= 0x09e6 && codePoint <= 0x09ef ? undefined : 'Bengali';
  if (codePoint >= 0x0c00 && codePoint <= 0x0c7f)
    return codePoint >= 0x0c66 && codePoint <= 0x0c6f ? undefined : 'Telugu';
  if (codePoint >= 0x0e00 && codePoint <= 0x0e7f)
    return codePoint >= 0x0e50 && codePoint <= 0x0e59 ? undefined : 'Thai';
  if (codePoint >= 0x1100 && codePoint <= 0x11ff) return 'Hangul';
  if (codePoint >= 0x3130 && codePoint <= 0x318f) return 'Hangul';
  if (codePoint >= 0xac00 && codePoint <= 0xd7af) return 'Hangul';
  if (codePoint >= 0x3040 && codePoint <= 0x30ff) return codePoint === 0x30fb ? undefined : 'Kana';
  if (codePoint >= 0x31f0 && codePoint <= 0x31ff) return 'Kana';
  if (codePoint >= 0xff66 && codePoint <= 0xff9d) return 'Kana'; // half-width katakana
  if (codePoint >= 0x4e00 && codePoint <= 0x9fff) return 'Han';
  if (codePoint >= 0x3400 && codePoint <= 0x4dbf) return 'Han';
  if (codePoint >= 0xf900 && codePoint <= 0xfaff) return 'Han';
  if (codePoint >= 0x20000 && codePoint <= 0x2fa1f) return 'Han';
  if (codePoint >= 0xff21 && codePoint <= 0xff5a) {
    return codePoint <= 0xff3a || codePoint >= 0xff41 ? 'Latin' : undefined; // full-width letters
  }
  return undefined;
}

/** The language a script settles by itself; Latin, Cyrillic and Arabic are settled by a detector. */
export const SCRIPT_LANGUAGE: Partial<Record<Script, LanguageCode>> = {
  Greek: 'el',
  Devanagari: 'hi',
  Bengali: 'bn',
  Telugu: 'te',
  Thai: 'th',
  Hangul: 'ko',
  Kana: 'ja',
  Han: 'zh', // unless the text around it has kana: see identify.ts
};

/** Letters that Urdu writes and Arabic does not (ٹ ڈ ڑ ں ھ ہ ۂ ے ۓ ی ک گ پ چ ژ): one of them settles Urdu. */
const URDU_ONLY = /[\u0679\u0688\u0691\u06BA\u06BE\u06C1\u06C2\u06D2\u06D3\u06CC\u06A9\u06AF\u067E\u0686\u0698]/u;
export function hasUrduLetters(text: string): boolean {
  return URDU_ONLY.test(text);
}

/** Letters Russian has and Bulgarian does not (ы э ё), and Bulgarian's ѝ. */
const RUSSIAN_ONLY = /[ыэёЫЭЁ]/u;
const BULGARIAN_ONLY = /[ѝЍ]/u;
export function cyrillicHint(text: string): 'ru' | 'bg' | undefined {
  const ru = RUSSIAN_ONLY.test(text);
  const bg = BULGARIAN_ONLY.test(text);
  if (ru && !bg) return 'ru';
  if (bg && !ru) return 'bg';
  return undefined;
}
