import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { ChatTemplate, type ChatMessage, type ChatTemplateOptions } from './chat-template.js';
import { toUtf16Offsets, type Offset } from './offsets.js';
import { TokenizerError } from './tokenizer-error.js';
import { readJsonFile, readTokenizerConfig, TOKENIZER_CONFIG_JSON, TOKENIZER_JSON } from './tokenizer-files.js';

export interface EncodeOptions {
  /** Apply the tokenizer's post-processor (BOS/EOS and the like). Default false: prompts carry their own. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
}

/** One encoded text. `offsets[i]` is token i's span in the input as JavaScript string indices. */
export interface Encoded {
  ids: number[];
  tokens: string[];
  offsets: Offset[];
  specialTokensMask: number[];
}

export interface LoadOptions {
  /** With a list of named chat templates, the one to use. */
  templateName?: string;
}

/**
 * A Hugging Face tokenizer (`tokenizer.json`, run by Hugging Face's Rust implementation through its
 * Node binding) with its chat template. Encoding runs on libuv's pool, so batches are async.
 */
export class Tokenizer {
  private constructor(
    /** The library object, exposed for callers that need an option this wrapper does not carry. */
    readonly native: HfTokenizer,
    readonly chatTemplate: ChatTemplate | undefined,
    readonly specialTokens: Readonly<Record<string, string>>,
    readonly modelMaxLength: number | undefined,
    /** tokenizer_config.json as it will be saved (kept whole so a save loses nothing). */
    private readonly configJson: Record<string, unknown>,
  ) {}

  /** Loads `tokenizer.json` and, when present, `tokenizer_config.json` / `chat_template.jinja` from `dir`. */
  static fromDirectory(dir: string, options: LoadOptions = {}): Tokenizer {
    const path = join(dir, TOKENIZER_JSON);
    const json = readJsonFile(path);
    const native = parseNative(JSON.stringify(json), path);
    const config = readTokenizerConfig(dir, options.templateName);
    const template = config.chatTemplate
      ? new ChatTemplate(config.chatTemplate.source, config.specialTokens, config.chatTemplate.origin)
      : undefined;
    let configJson: Record<string, unknown> = {};
    try {
      configJson = readJsonFile(join(dir, TOKENIZER_CONFIG_JSON)) as Record<string, unknown>;
    } catch {
      // No config: a bare tokenizer.json is a valid tokenizer without a chat template.
    }
    return new Tokenizer(native, template, config.specialTokens, config.modelMaxLength, configJson);
  }

  /** From in-memory `tokenizer.json` / `tokenizer_config.json` objects (what the trainer produces). */
  static fromJson(
    tokenizerJson: unknown,
    tokenizerConfig: Record<string, unknown> = {},
    origin = 'tokenizer',
  ): Tokenizer {
    const native = parseNative(JSON.stringify(tokenizerJson), origin);
    const specialTokens: Record<string, string> = {};
    for (const [field, value] of Object.entries(tokenizerConfig)) {
      if (field.endsWith('_token') && typeof value === 'string') specialTokens[field] = value;
    }
    const source = tokenizerConfig.chat_template;
    const template =
      typeof source === 'string' ? new ChatTemplate(source, specialTokens, `${origin} chat_template`) : undefined;
    const maxLength =
      typeof tokenizerConfig.model_max_length === 'number' ? tokenizerConfig.model_max_length : undefined;
    return new Tokenizer(native, template, specialTokens, maxLength, tokenizerConfig);
  }

  get vocabSize(): number {
    return this.native.getVocabSize(true);
  }

  tokenToId(token: string): number | undefined {
    return this.native.tokenToId(token) ?? undefined;
  }

  idToToken(id: number): string | undefined {
    return this.native.idToToken(id) ?? undefined;
  }

  async encode(text: string, options: EncodeOptions = {}): Promise<Encoded> {
    const encoding = await this.native.encode(text, null, { addSpecialTokens: options.addSpecialTokens ?? false });
    return toEncoded(text, encoding);
  }

  /** Ids only: skips building tokens and offsets, for throughput-bound callers (dataset packing). */
  async encodeIds(text: string, options: EncodeOptions = {}): Promise<number[]> {
    const encoding = await this.native.encode(text, null, { addSpecialTokens: options.addSpecialTokens ?? false });
    return encoding.getIds();
  }

  async encodeBatch(texts: readonly string[], options: EncodeOptions = {}): Promise<Encoded[]> {
    const encodings = await this.native.encodeBatch([...texts], {
      addSpecialTokens: options.addSpecialTokens ?? false,
    });
    return encodings.map((encoding, i) => toEncoded(texts[i] as string, encoding));
  }

  async encodeBatchIds(texts: readonly string[], options: EncodeOptions = {}): Promise<number[][]> {
    const encodings = await this.native.encodeBatch([...texts], {
      addSpecialTokens: options.addSpecialTokens ?? false,
    });
    return encodings.map((encoding) => encoding.getIds());
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): Promise<string> {
    this.checkIds(ids);
    return this.native.decode([...ids], options.skipSpecialTokens ?? false);
  }

  decodeBatch(batch: readonly (readonly number[])[], options: DecodeOptions = {}): Promise<string[]> {
    for (const ids of batch) this.checkIds(ids);
    return this.native.decodeBatch(
      batch.map((ids) => [...ids]),
      options.skipSpecialTokens ?? false,
    );
  }

  /** Renders a conversation with the model's own chat template. */
  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    if (!this.chatTemplate)
      throw new TokenizerError('this tokenizer has no chat template (tokenizer_config.json has no "chat_template")');
    return this.chatTemplate.render(messages, options);
  }

  /** Writes `tokenizer.json` and `tokenizer_config.json` in the layout `transformers` loads. */
  save(dir: string): void {
    mkdirSync(dir, { recursive: true });
    this.native.save(join(dir, TOKENIZER_JSON), true);
    writeFileSync(join(dir, TOKENIZER_CONFIG_JSON), `${JSON.stringify(this.configJson, null, 2)}\n`);
  }

  /** An id outside the vocabulary makes the library panic or print garbage; refuse it here with its position. */
  private checkIds(ids: readonly number[]): void {
    const size = this.vocabSize;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= size) {
        throw new TokenizerError(`token id ${id} at position ${i} is outside the vocabulary (0..${size - 1})`);
      }
    }
  }
}

function parseNative(json: string, origin: string): HfTokenizer {
  try {
    return HfTokenizer.fromString(json);
  } catch (error) {
    throw new TokenizerError(`${origin}: not a tokenizer the library accepts: ${(error as Error).message}`);
  }
}

interface NativeEncoding {
  getIds(): number[];
  getTokens(): string[];
  getOffsets(): number[][];
  getSpecialTokensMask(): number[];
}

function toEncoded(text: string, encoding: NativeEncoding): Encoded {
  return {
    ids: encoding.getIds(),
    tokens: encoding.getTokens(),
    offsets: toUtf16Offsets(text, encoding.getOffsets()),
    specialTokensMask: encoding.getSpecialTokensMask(),
  };
}
