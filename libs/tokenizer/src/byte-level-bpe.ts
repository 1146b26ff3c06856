import { Tokenizer as HfTokenizer, byteLevelAlphabet } from 'tokenizers';
import { learnMerges } from './bpe-merges.js';
import { CHATML_THINKING_TEMPLATE } from './chatml-template.js';
import { Tokenizer } from './tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';

/**
 * Splits text before byte-level BPE the way Qwen2/Qwen3 do: letters in runs, every digit alone
 * (so numbers tokenise digit by digit — tiny models then learn arithmetic on a fixed alphabet of
 * ten digits), punctuation and whitespace apart. Runs of CJK/Thai letters stay one pre-token.
 */
export const PRE_TOKENIZER_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

export interface TrainBpeOptions {
  /** Total vocabulary: special and added tokens + 256 byte symbols + merges. */
  vocabSize: number;
  /** Pairs seen fewer times are never merged. Default 2. */
  minFrequency?: number;
  /** Special tokens, ids 0..n-1 in this order. Default: `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`. */
  specialTokens?: readonly string[];
  /** Tokens matched whole but not special (decoded even with skipSpecialTokens). Default `<think>`, `</think>`. */
  addedTokens?: readonly string[];
  /** Chat template for tokenizer_config.json. Default: ChatML with Qwen3's thinking convention. */
  chatTemplate?: string;
  modelMaxLength?: number;
}

export const DEFAULT_SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;
export const DEFAULT_ADDED_TOKENS = ['<think>', '</think>'] as const;

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false } as const;

function pipeline(vocab: Record<string, number>, merges: [string, string][], addedTokens: object[]): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: PRE_TOKENIZER_PATTERN }, behavior: 'Isolated', invert: false },
        BYTE_LEVEL,
      ],
    },
    post_processor: BYTE_LEVEL,
    decoder: BYTE_LEVEL,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/**
 * The library's own pre-tokenizer, so training sees exactly the pre-tokens encoding will see
 * (normalisation included): an empty BPE with our pipeline, asked only to normalise and split.
 */
function libraryPreTokenizer(): (text: string) => string[] {
  const hf = HfTokenizer.fromString(JSON.stringify(pipeline({}, [], [])));
  const normalizer = hf.getNormalizer();
  const preTokenizer = hf.getPreTokenizer();
  if (!normalizer || !preTokenizer)
    throw new TokenizerError('the tokenizers library dropped the normaliser or pre-tokenizer');
  return (text) => preTokenizer.preTokenizeString(normalizer.normalizeString(text)).map(([piece]) => piece);
}

/**
 * Trains a byte-level BPE tokenizer on `corpus` (documents) and returns it loaded, ready to save
 * as tokenizer.json + tokenizer_config.json. Training is ours (the Node binding of `tokenizers`
 * exposes no trainer options: no vocabulary size, no initial alphabet); encoding, decoding and
 * the file format are the library's, so a model trained here loads in `transformers` unchanged.
 */
export async function trainByteLevelBpe(
  corpus: Iterable<string> | AsyncIterable<string>,
  options: TrainBpeOptions,
): Promise<Tokenizer> {
  const specialTokens = options.specialTokens ?? DEFAULT_SPECIAL_TOKENS;
  const addedTokens = options.addedTokens ?? DEFAULT_ADDED_TOKENS;
  const reserved = [...specialTokens, ...addedTokens];
  if (new Set(reserved).size !== reserved.length)
    throw new TokenizerError(`special/added tokens repeat a token: ${reserved.join(', ')}`);
  const alphabet = byteLevelAlphabet().sort();
  const minVocab = reserved.length + alphabet.length;
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < minVocab) {
    throw new TokenizerError(
      `vocabSize ${options.vocabSize} must be an integer ≥ ${minVocab} (special tokens + 256 bytes)`,
    );
  }

  const preTokenize = libraryPreTokenizer();
  const wordCounts = new Map<string, number>();
  const reservedPattern = new RegExp(reserved.map(escapeRegExp).join('|'), 'g');
  for await (const document of corpus) {
    // Special tokens in the corpus are matched whole at encode time; they must not shape merges.
    for (const piece of preTokenize(document.replace(reservedPattern, ' ')))
      wordCounts.set(piece, (wordCounts.get(piece) ?? 0) + 1);
  }

  const learned = learnMerges(wordCounts, alphabet, {
    vocabSize: options.vocabSize - reserved.length,
    minFrequency: options.minFrequency ?? 2,
  });
  const vocab: Record<string, number> = {};
  reserved.forEach((token, id) => (vocab[token] = id));
  learned.symbols.forEach((symbol, i) => (vocab[symbol] = reserved.length + i));
  const added = reserved.map((content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: id < specialTokens.length,
  }));
  const tokenizerJson = pipeline(vocab, learned.merges, added);
  const eos = specialTokens.includes('<|im_end|>') ? '<|im_end|>' : specialTokens[0];
  const config: Record<string, unknown> = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: null,
    eos_token: eos ?? null,
    pad_token: specialTokens[0] ?? null,
    unk_token: null,
    model_max_length: options.modelMaxLength ?? 4096,
    clean_up_tokenization_spaces: false,
    added_tokens_decoder: Object.fromEntries(added.map((t) => [String(t.id), { ...t, id: undefined }])),
    chat_template: options.chatTemplate ?? CHATML_THINKING_TEMPLATE,
  };
  return Tokenizer.fromJson(tokenizerJson, config, 'trained tokenizer');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
