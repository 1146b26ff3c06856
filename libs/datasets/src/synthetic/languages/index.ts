import type { LanguagePack } from '../language-pack.js';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { ja } from './ja.js';
import { zh } from './zh.js';

/** Every language the world is written in natively; one file per language. */
export const WORLD_LANGUAGES = ['en', 'fr', 'es', 'de', 'ja', 'zh'] as const;
export type WorldLanguage = (typeof WORLD_LANGUAGES)[number];

export const LANGUAGE_PACKS: Readonly<Record<WorldLanguage, LanguagePack>> = { en, fr, es, de, ja, zh };

export function isWorldLanguage(code: string): code is WorldLanguage {
  return (WORLD_LANGUAGES as readonly string[]).includes(code);
}
