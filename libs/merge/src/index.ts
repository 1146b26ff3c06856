export { MergeError, type MergeErrorCode, type MergeErrorContext } from './merge-error.js';
export type { MergeProgress, ProgressCallback } from './progress.js';
export { MERGE_METHODS } from './registry.js';
export type {
  BaseModelUse,
  MergeMethod,
  MethodInput,
  MethodModelInput,
  ParameterDefinition,
  ParameterDefinitions,
} from './methods/merge-method.js';
export { MergeConfigSchema, type MergeConfig } from './config/merge-config.schema.js';
export { checkMergeConfig, parseMergeConfig, type ParsedMergeConfig } from './config/parse-merge-config.js';
export { evaluateSetting, type ParameterSetting } from './config/parameter-setting.js';
export { runMerge, type MergeResult, type RunMergeOptions } from './execution/run-merge.js';
export { mergeLora, type MergeLoraOptions, type MergeLoraResult } from './lora/merge-lora.js';
export { extractLora, type ExtractLoraOptions, type ExtractLoraResult } from './lora/extract-lora.js';
export { loraScale, LoraAdapterConfigSchema, type LoraAdapterConfig } from './lora/peft-adapter.js';
export { truncatedSvd, type SvdOptions, type TruncatedSvd } from './linalg/svd.js';
