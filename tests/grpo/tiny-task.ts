/**
 * A task a tiny random model learns in a few dozen GRPO steps: a word-level vocabulary of ~30 tokens,
 * so random sampling already hits `</think>` and a boxed answer now and then, and the reward (accuracy
 * 1.0 + language 0.2 + format 0.2, libs/reasoning's real scorer) rises as the policy learns to close its
 * trace and box the gold answer, which is the same for every prompt.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GrpoPrompt } from '@xreason/grpo';
import { initRandomCheckpoint, loadModel, saveAdapter } from '@xreason/models';

const SPECIAL = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
const ADDED = ['<think>', '</think>'];
const WORDS = [
  'we',
  'add',
  'the',
  'numbers',
  'so',
  'answer',
  'is',
  'nous',
  'ajoutons',
  'les',
  'nombres',
  'donc',
  'réponse',
  'est',
];
const BOXES = ['1', '2', '3', '4', '5'].map((d) => `\\boxed{${d}}`);
const PROMPT_WORDS = ['question', 'two', 'plus', 'one', 'three', 'minus', 'english'];
export const GOLD = '3';

function tokenizerJson() {
  const tokens = [...SPECIAL, ...ADDED, '<unk>', ...WORDS, ...BOXES, ...PROMPT_WORDS];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...SPECIAL, ...ADDED].map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: id < SPECIAL.length,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'WhitespaceSplit' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(tokens.map((t, i) => [t, i])), unk_token: '<unk>' },
  };
}

export const VOCAB_SIZE = SPECIAL.length + ADDED.length + 1 + WORDS.length + BOXES.length + PROMPT_WORDS.length;

export interface TinyTask {
  baseModelDir: string;
  sftAdapterDir: string;
  prompts: GrpoPrompt[];
}

/** Writes the base model (random llama, tokenizer beside it) and a zero-B LoRA as the "SFT" adapter. */
export async function buildTinyTask(dir: string, seed = 7): Promise<TinyTask> {
  const baseModelDir = join(dir, 'base');
  await initRandomCheckpoint({
    arch: 'llama',
    vocab: VOCAB_SIZE,
    hidden: 32,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    intermediate: 64,
    // Wide enough logits that a LoRA on the body can concentrate the output distribution (with
    // transformers' 0.02 the frozen lm_head keeps every token near 1/V whatever the hidden state).
    initializerRange: 0.2,
    seed,
    out: baseModelDir,
  });
  writeFileSync(join(baseModelDir, 'tokenizer.json'), JSON.stringify(tokenizerJson()));
  writeFileSync(
    join(baseModelDir, 'tokenizer_config.json'),
    JSON.stringify({ eos_token: '<|im_end|>', pad_token: '<|endoftext|>', bos_token: null }),
  );
  const model = await loadModel(baseModelDir);
  model.addLora({
    rank: 4,
    alpha: 8,
    targets: ['q_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj'],
    zeroB: true,
    seed,
  });
  const sftAdapterDir = join(dir, 'sft-adapter');
  await saveAdapter(model, sftAdapterDir, { baseModel: baseModelDir });
  const questions = ['two plus one', 'one plus two', 'three plus one minus one', 'two plus two minus one'];
  const prompts = questions.map((q, i) => ({
    id: `q${i}`,
    language: 'en' as const,
    task: 'math' as const,
    prompt: `<|im_start|> question ${q} english <|im_end|> <|im_start|> <think>`,
    gold: GOLD,
  }));
  return { baseModelDir, sftAdapterDir, prompts };
}

export function copyDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  cpSync(from, to, { recursive: true });
}
