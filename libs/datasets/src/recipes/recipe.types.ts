import type { WorldLanguage } from '../synthetic/languages/index.js';

/** One training example: `prompt` is context (no loss), `completion` is what the model learns to write. */
export interface RecipeExample {
  language: WorldLanguage;
  prompt: string;
  completion: string;
  /** The exact answer, for GRPO rewards and sanity checks. */
  answer?: string;
  /** Which part of a recipe produced it (e.g. "translation", "task"). */
  part: string;
}

export interface RecipeOptions {
  languages: readonly WorldLanguage[];
  seed: number;
  /** Problems per language. */
  count: number;
}

export interface Recipe {
  name: string;
  description: string;
  build(options: RecipeOptions): RecipeExample[];
}
