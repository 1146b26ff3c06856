/**
 * The languages xreason can ask a model to reason in. ISO 639-1 codes, as the benchmarks publish
 * them: MGSM's eleven (bn de en es fr ja ru sw te th zh), X-CSQA's sixteen, XNLI's fifteen, plus the
 * Korean, Indonesian and Portuguese used by MMMLU and the multilingual AIME/GPQA sets.
 */
export const LANGUAGES = {
  ar: { name: 'Arabic', nativeName: 'العربية', script: 'Arab' },
  bg: { name: 'Bulgarian', nativeName: 'български', script: 'Cyrl' },
  bn: { name: 'Bengali', nativeName: 'বাংলা', script: 'Beng' },
  de: { name: 'German', nativeName: 'Deutsch', script: 'Latn' },
  el: { name: 'Greek', nativeName: 'Ελληνικά', script: 'Grek' },
  en: { name: 'English', nativeName: 'English', script: 'Latn' },
  es: { name: 'Spanish', nativeName: 'Español', script: 'Latn' },
  fr: { name: 'French', nativeName: 'Français', script: 'Latn' },
  hi: { name: 'Hindi', nativeName: 'हिन्दी', script: 'Deva' },
  id: { name: 'Indonesian', nativeName: 'Bahasa Indonesia', script: 'Latn' },
  it: { name: 'Italian', nativeName: 'Italiano', script: 'Latn' },
  ja: { name: 'Japanese', nativeName: '日本語', script: 'Jpan' },
  ko: { name: 'Korean', nativeName: '한국어', script: 'Kore' },
  nl: { name: 'Dutch', nativeName: 'Nederlands', script: 'Latn' },
  pl: { name: 'Polish', nativeName: 'Polski', script: 'Latn' },
  pt: { name: 'Portuguese', nativeName: 'Português', script: 'Latn' },
  ru: { name: 'Russian', nativeName: 'Русский', script: 'Cyrl' },
  sw: { name: 'Swahili', nativeName: 'Kiswahili', script: 'Latn' },
  te: { name: 'Telugu', nativeName: 'తెలుగు', script: 'Telu' },
  th: { name: 'Thai', nativeName: 'ไทย', script: 'Thai' },
  tr: { name: 'Turkish', nativeName: 'Türkçe', script: 'Latn' },
  ur: { name: 'Urdu', nativeName: 'اردو', script: 'Arab' },
  vi: { name: 'Vietnamese', nativeName: 'Tiếng Việt', script: 'Latn' },
  zh: { name: 'Chinese', nativeName: '中文', script: 'Hans' },
} as const satisfies Record<string, { name: string; nativeName: string; script: string }>;

export type LanguageCode = keyof typeof LANGUAGES;

export const LANGUAGE_CODES = Object.keys(LANGUAGES).sort() as LanguageCode[];

/** MGSM's languages: the core set every recipe and the demo support. */
export const MGSM_LANGUAGES = [
  'bn',
  'de',
  'en',
  'es',
  'fr',
  'ja',
  'ru',
  'sw',
  'te',
  'th',
  'zh',
] as const satisfies readonly LanguageCode[];
/** X-CSQA's sixteen languages. */
export const XCSQA_LANGUAGES = [
  'ar',
  'de',
  'en',
  'es',
  'fr',
  'hi',
  'it',
  'ja',
  'nl',
  'pl',
  'pt',
  'ru',
  'sw',
  'ur',
  'vi',
  'zh',
] as const satisfies readonly LanguageCode[];
/** XNLI's fifteen languages. */
export const XNLI_LANGUAGES = [
  'ar',
  'bg',
  'de',
  'el',
  'en',
  'es',
  'fr',
  'hi',
  'ru',
  'sw',
  'th',
  'tr',
  'ur',
  'vi',
  'zh',
] as const satisfies readonly LanguageCode[];

export function isLanguageCode(value: string): value is LanguageCode {
  return Object.hasOwn(LANGUAGES, value);
}
