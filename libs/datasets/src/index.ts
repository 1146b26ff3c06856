// Prompts.
export { INSTRUCTIONS, instructionFor, type LanguageInstructions, type PromptTask } from './prompts/instructions.js';
export { thinkingPrompt, userMessage, THINK_OPEN, type ThinkingPromptOptions } from './prompts/thinking-prompt.js';
export {
  alpacaPrompt,
  translationInstruction,
  translationPrompt,
  ALPACA_PROMPT_NO_INPUT,
  ALPACA_PROMPT_WITH_INPUT,
} from './prompts/alpaca.js';
export { normaliseFullWidthDigits } from './prompts/full-width-digits.js';
// The synthetic multilingual reasoning world.
export {
  generateProblems,
  problemText,
  questionTranslation,
  workedSolution,
  DEFAULT_SPLITS,
  HELD_OUT_RANGE,
  HELD_OUT_TEMPLATES,
  SPLIT_NAMES,
  TRAIN_RANGE,
  TRAIN_TEMPLATES,
  type GenerateOptions,
  type ProblemText,
  type SplitName,
  type SplitSpec,
  type WorldProblem,
} from './synthetic/world.js';
export {
  TEMPLATES,
  TEMPLATE_NAMES,
  type NumberRange,
  type Step,
  type TemplateName,
  type WorldTemplate,
} from './synthetic/templates.js';
export { WORLD_LANGUAGES, isWorldLanguage, type WorldLanguage } from './synthetic/languages/index.js';
export { SeededRandom } from './synthetic/random.js';
// Benchmark suites and loaders.
export { DatasetError } from './loaders/dataset-error.js';
export { readRecords, SUPPORTED_EXTENSIONS, type ReadOptions, type SourceRecord } from './loaders/records.js';
export { defineSuite, RowProblem, type BenchmarkItem, type BenchmarkSuite } from './suites/suite.types.js';
export { SUITES, suiteRegistry, suiteLanguages } from './suites/registry.js';
export { extractAnswer, findSuiteFile, loadSuiteLanguage, questionText } from './suites/load-suite.js';
export { checkSuiteDirectory, formatCheckReport, type SuiteCheckReport } from './suites/check-suite.js';
// Recipe datasets.
export { RECIPES, recipeRegistry } from './recipes/registry.js';
export type { Recipe, RecipeExample, RecipeOptions } from './recipes/recipe.types.js';
export { writeTokenizedShards, type ShardEntry, type ShardManifest, type ShardOptions } from './recipes/shards.js';
export { buildRecipeDataset, type BuildRecipeOptions, type BuildRecipeResult } from './recipes/build-recipe.js';
