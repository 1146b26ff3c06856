import type { LanguageCode } from '@xreason/contracts';
import type { Numbers, TemplateName } from './templates.js';

/** The language-independent choice of people and objects for one problem: indexes into each pack's lists. */
export interface Cast {
  name: number;
  friend: number;
  item: number;
}

/** What a pack's sentences see: resolved names and item forms, the operands, and the step equations. */
export interface SceneText<Item> {
  N: string;
  F: string;
  I: Item;
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  eq: readonly string[];
}

export interface LanguagePack {
  language: LanguageCode;
  question(template: TemplateName, cast: Cast, n: Numbers, eq: readonly string[]): string;
  /** One sentence per step, each containing its equation verbatim. */
  reasoning(template: TemplateName, cast: Cast, n: Numbers, eq: readonly string[]): string[];
  /** The closing sentence, in the phrasing answer extraction recognises for this language. */
  answer(value: number): string;
}

export const CAST_SIZE = { names: 6, items: 6 } as const;

interface PackSpec<Item> {
  language: LanguageCode;
  /** CAST_SIZE.names given names, typical for the language (MGSM localises names too). */
  names: readonly string[];
  /** CAST_SIZE.items objects, in the same order in every language (apples, pencils, books, stickers, eggs, marbles). */
  items: readonly Item[];
  questions: Record<TemplateName, (s: SceneText<Item>) => string>;
  steps: Record<TemplateName, (s: SceneText<Item>) => string[]>;
  answer: (value: number) => string;
}

export function definePack<Item>(spec: PackSpec<Item>): LanguagePack {
  if (spec.names.length !== CAST_SIZE.names || spec.items.length !== CAST_SIZE.items) {
    throw new Error(`language pack ${spec.language}: needs ${CAST_SIZE.names} names and ${CAST_SIZE.items} items`);
  }
  const scene = (cast: Cast, n: Numbers, eq: readonly string[]): SceneText<Item> => ({
    N: spec.names[cast.name] as string,
    F: spec.names[cast.friend] as string,
    I: spec.items[cast.item] as Item,
    a: n.a ?? 0,
    b: n.b ?? 0,
    c: n.c ?? 0,
    d: n.d ?? 0,
    e: n.e ?? 0,
    eq,
  });
  return {
    language: spec.language,
    question: (template, cast, n, eq) => spec.questions[template](scene(cast, n, eq)),
    reasoning: (template, cast, n, eq) => spec.steps[template](scene(cast, n, eq)),
    answer: spec.answer,
  };
}
