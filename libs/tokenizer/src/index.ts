export { Tokenizer, type DecodeOptions, type EncodeOptions, type Encoded, type LoadOptions } from './tokenizer.js';
export { ChatTemplate, type ChatMessage, type ChatTemplateOptions } from './chat-template.js';
export { CHATML_THINKING_TEMPLATE } from './chatml-template.js';
export {
  trainByteLevelBpe,
  DEFAULT_ADDED_TOKENS,
  DEFAULT_SPECIAL_TOKENS,
  PRE_TOKENIZER_PATTERN,
  type TrainBpeOptions,
} from './byte-level-bpe.js';
export { learnMerges, type LearnedMerges, type LearnMergesOptions } from './bpe-merges.js';
export { toUtf16Offsets, type Offset } from './offsets.js';
export { TokenizerError } from './tokenizer-error.js';
export { CHAT_TEMPLATE_JINJA, TOKENIZER_CONFIG_JSON, TOKENIZER_JSON, readTokenizerConfig } from './tokenizer-files.js';
