import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenizerError } from './tokenizer-error.js';

/** The file names of a Hugging Face tokenizer directory. */
export const TOKENIZER_JSON = 'tokenizer.json';
export const TOKENIZER_CONFIG_JSON = 'tokenizer_config.json';
/** Since transformers 4.43 a template may be saved beside the config instead of inside it. */
export const CHAT_TEMPLATE_JINJA = 'chat_template.jinja';

/** A special token in tokenizer_config.json is either its text or an AddedToken object. */
type TokenField = string | { content: string } | null | undefined;

export interface TokenizerConfig {
  chatTemplate?: { source: string; origin: string };
  /** Special tokens as strings, by config field name, as chat templates expect them. */
  specialTokens: Record<string, string>;
  modelMaxLength?: number;
}

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TokenizerError(
      `${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TokenizerError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
}

const SPECIAL_TOKEN_FIELDS = [
  'bos_token',
  'eos_token',
  'unk_token',
  'pad_token',
  'sep_token',
  'cls_token',
  'mask_token',
] as const;

/**
 * Reads the parts of tokenizer_config.json (and chat_template.jinja) that matter outside Python:
 * the chat template — a string, or a list of named templates of which `default` is used unless
 * another is named — and the special tokens it refers to.
 */
export function readTokenizerConfig(dir: string, templateName = 'default'): TokenizerConfig {
  const configPath = join(dir, TOKENIZER_CONFIG_JSON);
  const config: TokenizerConfig = { specialTokens: {} };
  let raw: Record<string, unknown> = {};
  if (existsSync(configPath)) {
    const parsed = readJsonFile(configPath);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TokenizerError(`${configPath}: expected a JSON object`);
    }
    raw = parsed as Record<string, unknown>;
  }
  for (const field of SPECIAL_TOKEN_FIELDS) {
    const value = raw[field] as TokenField;
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') config.specialTokens[field] = value;
    else if (typeof value === 'object' && typeof value.content === 'string')
      config.specialTokens[field] = value.content;
    else throw new TokenizerError(`${configPath}: field "${field}" must be a string or an object with "content"`);
  }
  if (typeof raw.model_max_length === 'number') config.modelMaxLength = raw.model_max_length;

  const jinjaPath = join(dir, CHAT_TEMPLATE_JINJA);
  if (existsSync(jinjaPath)) {
    config.chatTemplate = { source: readFileSync(jinjaPath, 'utf8'), origin: jinjaPath };
  } else if (raw.chat_template !== undefined && raw.chat_template !== null) {
    config.chatTemplate = {
      source: pickTemplate(raw.chat_template, templateName, configPath),
      origin: `${configPath} (chat_template)`,
    };
  }
  return config;
}

function pickTemplate(value: unknown, name: string, configPath: string): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const names: string[] = [];
    for (const [i, entry] of value.entries()) {
      const e = entry as { name?: unknown; template?: unknown };
      if (typeof e?.name !== 'string' || typeof e.template !== 'string') {
        throw new TokenizerError(`${configPath}: field "chat_template[${i}]" must have string "name" and "template"`);
      }
      if (e.name === name) return e.template;
      names.push(e.name);
    }
    throw new TokenizerError(`${configPath}: no chat template named "${name}" (have: ${names.join(', ')})`);
  }
  throw new TokenizerError(`${configPath}: field "chat_template" must be a string or a list of {name, template}`);
}
