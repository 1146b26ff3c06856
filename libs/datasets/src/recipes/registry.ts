import { Registry } from '@xreason/contracts';
import type { Recipe } from './recipe.types.js';
import {
  budgetAlignmentSft,
  englishReasoning,
  grpoPrompts,
  midAlign,
  mindMergerAugmentation,
  mindMergerMapping,
  qalignStage1,
  qalignStage2,
} from './recipes.js';

export const RECIPES: readonly Recipe[] = [
  budgetAlignmentSft,
  englishReasoning,
  grpoPrompts,
  qalignStage1,
  qalignStage2,
  midAlign,
  mindMergerMapping,
  mindMergerAugmentation,
];

export const recipeRegistry = new Registry<Recipe>('recipe', RECIPES).freeze();
