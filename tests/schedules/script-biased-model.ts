import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { initRandomCheckpoint, loadModel, saveCheckpoint } from '@xreason/models';
import { Tokenizer, trainByteLevelBpe } from '@xreason/tokenizer';

const JAPANESE = [
  'りんごが三つあります。ひとつたべると、のこりはふたつです。',
  'ねこはまどのそばでねています。きょうはあたたかいです。',
  'わたしはまいあさコーヒーをのみます。それからしごとにいきます。',
  'カタカナとひらがなをべんきょうしています。むずかしいですね。',
  'こたえはよっつです。かんがえかたをせつめいします。',
  'みずをのんで、すこしやすみましょう。それからつづけます。',
];
const FRENCH = [
  'Il y a trois pommes. Si on en mange une, il en reste deux.',
  'Le chat dort près de la fenêtre. Il fait chaud aujourd’hui.',
  'Je bois un café chaque matin, puis je vais au travail.',
  'La réponse est quatre. Voici comment on raisonne pas à pas.',
  'Buvons un peu d’eau et reposons-nous, puis continuons.',
];

/**
 * A byte-level BPE trained on a little Japanese and French, so that whole kana words and whole Latin
 * words are tokens of their own.
 */
export async function trainMixedTokenizer(dir: string): Promise<Tokenizer> {
  const corpus = Array.from({ length: 30 }, () => [...JAPANESE, ...FRENCH]).flat();
  const tokenizer = await trainByteLevelBpe(corpus, { vocabSize: 420 });
  tokenizer.save(dir);
  return Tokenizer.fromDirectory(dir);
}

const KANA = /^[\u3040-\u30ff]+$/u;
const LATIN = /^ ?[A-Za-zàâçéèêëîïôûùüÿœ]{2,}$/u;

/**
 * A tiny Qwen2-style model whose every step samples among the tokens of one script: the residual
 * stream carries a large constant along dimension 0 (every input embedding has it; the layers, with
 * weights ~0.002, barely move it), so the final RMSNorm output is ≈ √d·e₀ whatever the input, and
 * the unembedding's column 0 gives the chosen script's tokens a logit ~17 above every other token.
 * Random elsewhere, so samples vary within the script. Real weights in a real checkpoint, evaluated
 * by the real engine: the "good" model writes kana (language-consistent for Japanese), the "worse"
 * one French words.
 */
export async function scriptBiasedModel(
  out: string,
  tokenizerDir: string,
  script: 'kana' | 'latin',
  seed: number,
): Promise<void> {
  const tokenizer = Tokenizer.fromDirectory(tokenizerDir);
  const written = await initRandomCheckpoint({
    arch: 'qwen2',
    vocab: tokenizer.vocabSize,
    hidden: 32,
    layers: 1,
    heads: 2,
    kvHeads: 1,
    intermediate: 64,
    tieEmbeddings: false,
    initializerRange: 0.002,
    seed,
    out: `${out}.random`,
  });
  const model = await loadModel(written.dir);
  const hidden = 32;
  const pattern = script === 'kana' ? KANA : LATIN;
  const favoured = new Set<number>();
  for (let id = 0; id < tokenizer.vocabSize; id++) if (pattern.test(await tokenizer.decode([id]))) favoured.add(id);
  if (favoured.size < 8) throw new Error(`only ${favoured.size} ${script} tokens in the vocabulary`);
  const embed = model.getTensor('model.embed_tokens.weight');
  for (let id = 0; id < tokenizer.vocabSize; id++) embed[id * hidden] = 10;
  model.setTensor('model.embed_tokens.weight', embed);
  const head = model.getTensor('lm_head.weight');
  for (let id = 0; id < tokenizer.vocabSize; id++) head[id * hidden] = favoured.has(id) ? 1.5 : -1.5;
  model.setTensor('lm_head.weight', head);
  await saveCheckpoint(model, out);
  for (const file of readdirSync(tokenizerDir)) cpSync(join(tokenizerDir, file), join(out, file));
}
