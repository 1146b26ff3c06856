import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LanguageCode, isLanguageCode } from '@xreason/contracts';
import { isWorldLanguage, recipeRegistry } from '@xreason/datasets';
import { GrpoStageError } from './grpo-stage-error.js';
import { readJsonl } from './jsonl-log.js';

/** One GRPO prompt: the rendered prompt text and the gold answer the accuracy reward compares with. */
export interface GrpoPrompt {
  id: string;
  language: LanguageCode;
  task: 'math' | 'choice' | 'nli';
  prompt: string;
  gold: string;
}

/** The `grpo-prompts` recipe (synthetic world, train split) for these languages. */
export function buildPromptSet(languages: readonly LanguageCode[], seed: number, count: number): GrpoPrompt[] {
  const world = languages.filter(isWorldLanguage);
  const missing = languages.filter((l) => !isWorldLanguage(l));
  if (missing.length > 0)
    throw new GrpoStageError(`languages ${missing.join(', ')} are not in the synthetic world`, { permanent: true });
  return recipeRegistry
    .get('grpo-prompts')
    .build({ languages: world, seed, count })
    .map((example, i) => ({
      id: `p${i}`,
      language: example.language,
      task: 'math' as const,
      prompt: example.prompt,
      gold: example.answer ?? '',
    }));
}

/**
 * The prompts of built `grpo-prompts` datasets (data-prep's output, one directory per language):
 * each examples.jsonl row's prompt and answer, in file order. The spec's data entry chose how many
 * problems and which seed, so the loop trains on what the run asked for.
 */
export function promptSetFromDatasets(datasets: readonly { language: LanguageCode; dir: string }[]): GrpoPrompt[] {
  const prompts: GrpoPrompt[] = [];
  for (const { language, dir } of datasets) {
    const file = join(dir, 'examples.jsonl');
    if (!existsSync(file))
      throw new GrpoStageError(`${file} is missing: not a built grpo-prompts dataset`, { permanent: true });
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .forEach((line, i) => {
        const row = JSON.parse(line) as { prompt?: unknown; answer?: unknown };
        if (typeof row.prompt !== 'string' || typeof row.answer !== 'string')
          throw new GrpoStageError(`${file}:${i + 1}: a prompt row needs string prompt and answer`, {
            permanent: true,
          });
        prompts.push({ id: `${language}-${i}`, language, task: 'math', prompt: row.prompt, gold: row.answer });
      });
  }
  return prompts;
}

export function checkPromptSet(prompts: readonly GrpoPrompt[]): void {
  if (prompts.length === 0) throw new GrpoStageError('the GRPO prompt set is empty', { permanent: true });
  const ids = new Set<string>();
  prompts.forEach((p, i) => {
    if (!p.id) throw new GrpoStageError(`prompts[${i}].id is empty`, { permanent: true });
    if (ids.has(p.id))
      throw new GrpoStageError(`prompts[${i}].id ${JSON.stringify(p.id)} repeats`, { permanent: true });
    ids.add(p.id);
    if (!isLanguageCode(p.language))
      throw new GrpoStageError(`prompts[${i}].language ${JSON.stringify(p.language)} is not a language code`, {
        permanent: true,
      });
    if (!p.prompt) throw new GrpoStageError(`prompts[${i}].prompt is empty`, { permanent: true });
  });
}

export function readPromptSet(path: string): GrpoPrompt[] {
  const prompts = readJsonl<GrpoPrompt>(path);
  checkPromptSet(prompts);
  return prompts;
}

/**
 * The prompts of rollout batch `k`: a window of `promptsPerStep` prompts sliding over the set, so every
 * prompt comes round in turn; worker `w` of `W` takes the batch positions i with i mod W = w.
 */
export function promptsForBatch(
  prompts: readonly GrpoPrompt[],
  batch: number,
  promptsPerStep: number,
  worker = 0,
  workers = 1,
): GrpoPrompt[] {
  const out: GrpoPrompt[] = [];
  for (let i = worker; i < promptsPerStep; i += workers) {
    out.push(prompts[(batch * promptsPerStep + i) % prompts.length] as GrpoPrompt);
  }
  return out;
}
