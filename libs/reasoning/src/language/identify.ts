import type { LanguageCode } from '@xreason/contracts';
import type { LanguageDetector } from './detector.js';
import { maskNonLanguage } from './mask.js';
import { cyrillicHint, hasUrduLetters, SCRIPT_LANGUAGE, scriptOf, type Script } from './scripts.js';

/** The language of a text and the share of its letters in each language (code-switching shows here). */
export interface LanguageProfile {
  /** The language with the largest share, or undefined when the text has no letters after masking. */
  language: LanguageCode | undefined;
  /** Share of letters per language, summing to 1 (empty when there are no letters). */
  languageShares: Partial<Record<LanguageCode, number>>;
  /** Letters counted after masking LaTeX, code and numbers. */
  letters: number;
}

const LATIN_LANGUAGES: readonly LanguageCode[] = [
  'de',
  'en',
  'es',
  'fr',
  'id',
  'it',
  'nl',
  'pl',
  'pt',
  'sw',
  'tr',
  'vi',
];
const CYRILLIC_LANGUAGES: readonly LanguageCode[] = ['ru', 'bg'];

/** Sentence ends in the supported scripts; a span is judged on its own so a switch mid-text shows. */
const SENTENCE_END = /[.!?;:。！？；\n।॥۔؟]+/u;
/**
 * Consecutive shared-script sentences are merged until they hold this many letters before the
 * detector sees them: shorter is noise, and every call costs ~10 µs of fixed overhead. Code-switching
 * therefore shows at the grain of about one long sentence.
 */
const MIN_DETECT_LETTERS = 100;
/** The detector reads at most this many characters of a chunk: enough for a sure call, and it bounds cost. */
const DETECT_WINDOW = 96;
/** A span of Han characters this long without kana is Chinese even in a Japanese text. */
const HAN_ONLY_ZH = 8;

interface Chunk {
  script: 'Latin' | 'Cyrillic' | 'Arabic';
  text: string;
  letters: number;
}

/**
 * Profiles `text`: masks LaTeX, code and numbers; splits into sentence spans; settles letters of
 * single-language scripts by rule (Japanese vs Chinese by kana) and sends runs of shared-script
 * sentences to the detector, restricted to the supported languages of that script.
 */
export function profileLanguage(text: string, detector: LanguageDetector): LanguageProfile {
  const masked = maskNonLanguage(text);
  const counts = new Map<LanguageCode, number>();
  const add = (code: LanguageCode, n: number) => counts.set(code, (counts.get(code) ?? 0) + n);
  const documentHasKana = /[\u3040-\u30ff]/u.test(masked);
  let pending: Chunk | undefined;
  const flush = () => {
    if (!pending) return;
    add(judgeChunk(pending, detector), pending.letters);
    pending = undefined;
  };

  for (const span of masked.split(SENTENCE_END)) {
    const perScript = new Map<Script, number>();
    let shared = '';
    let sharedScript: Chunk['script'] | undefined;
    let sharedLetters = 0;
    for (const char of span) {
      const script = scriptOf(char.codePointAt(0) as number);
      if (script === 'Latin' || script === 'Cyrillic' || script === 'Arabic') {
        // Keep only the majority shared script's letters of this span; another shared script in the
        // same sentence is rare and counted by its own letters below.
        if (sharedScript === undefined || sharedScript === script) {
          sharedScript = script;
          // Only the first DETECT_WINDOW characters reach the detector: stop copying after them.
          if (shared.length < DETECT_WINDOW) shared += char;
          sharedLetters++;
          continue;
        }
      }
      if (script) perScript.set(script, (perScript.get(script) ?? 0) + 1);
      else if (sharedScript !== undefined && shared.length < DETECT_WINDOW) shared += ' ';
    }
    const kana = perScript.get('Kana') ?? 0;
    for (const [script, n] of perScript) {
      if (script === 'Han') {
        const japanese = kana > 0 || (documentHasKana && n < HAN_ONLY_ZH);
        add(japanese ? 'ja' : 'zh', n);
        continue;
      }
      const code = SCRIPT_LANGUAGE[script];
      if (code) add(code, n);
      else if (script === 'Latin')
        add('en', n); // a stray Latin word inside a Cyrillic/Arabic sentence
      else if (script === 'Cyrillic') add('ru', n);
      else if (script === 'Arabic') add('ar', n);
    }
    if (sharedScript && sharedLetters > 0) {
      if (pending && pending.script !== sharedScript) flush();
      if (pending) {
        if (pending.text.length < DETECT_WINDOW) pending.text += ' ' + shared;
        pending.letters += sharedLetters;
      } else {
        pending = { script: sharedScript, text: shared, letters: sharedLetters };
      }
      if (pending.letters >= MIN_DETECT_LETTERS) flush();
    }
  }
  flush();
  return toProfile(counts);
}

function judgeChunk(chunk: Chunk, detector: LanguageDetector): LanguageCode {
  const window = chunk.text.length > DETECT_WINDOW ? chunk.text.slice(0, DETECT_WINDOW) : chunk.text;
  if (chunk.script === 'Arabic') return hasUrduLetters(window) ? 'ur' : 'ar';
  if (chunk.script === 'Cyrillic')
    return cyrillicHint(window) ?? detector.mostLikely(window, CYRILLIC_LANGUAGES) ?? 'ru';
  return detector.mostLikely(window, LATIN_LANGUAGES) ?? 'en';
}

function toProfile(counts: Map<LanguageCode, number>): LanguageProfile {
  let letters = 0;
  for (const n of counts.values()) letters += n;
  const languageShares: Partial<Record<LanguageCode, number>> = {};
  let language: LanguageCode | undefined;
  let best = 0;
  for (const [code, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    languageShares[code] = n / letters;
    if (n > best) {
      best = n;
      language = code;
    }
  }
  return { language, languageShares, letters };
}
