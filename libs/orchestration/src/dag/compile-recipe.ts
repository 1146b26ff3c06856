import type { AlignmentRunSpec, LanguageCode, StageKind } from '@xreason/contracts';
import { DagError, STAGE_SERVICES, type StageDag, type StageNode } from './stage-dag.js';

/**
 * Compiles a run's recipe into its stage DAG (DESIGN §2). Pure: the same spec always gives the same
 * DAG, so a restarted operator (or a reconcile after a spec change) recomputes it instead of storing it.
 *
 * - `budget-alignment`: data → SFT → GRPO → eval. With `spec.merge`, SFT and GRPO fan out into one
 *   branch per language and a merge joins them before eval (the per-language models are merged, as in
 *   the published recipe); without it one multilingual branch trains on every language.
 * - `qalign`: data → SFT stage I (question translation) → SFT stage II (instructions) → eval; order matters.
 * - `mindmerger`: data → mapping stage → augmentation stage → eval.
 * - `mid-align`: data → alternating task / contrastive training → eval.
 * - `merge`: merge → eval.
 *
 * The eval stage exists only when `spec.evaluation` is given. A section a recipe needs and the spec
 * lacks is a `DagError` naming the field.
 */
export function compileRecipe(spec: AlignmentRunSpec): StageDag {
  const all = spec.languages;
  const builder = new DagBuilder(all);
  switch (spec.recipe) {
    case 'budget-alignment': {
      require(spec, 'sft', spec.recipe);
      require(spec, 'grpo', spec.recipe);
      const data = builder.add('data', 'data-prep', []);
      if (spec.merge) {
        const branches = all.map((language) => {
          const sft = builder.add(`sft-${language}`, 'sft', [data], { languages: [language] });
          return builder.add(`grpo-${language}`, 'grpo', [sft], { languages: [language] });
        });
        builder.eval(spec, [builder.add('merge', 'merge', branches)]);
      } else {
        const sft = builder.add('sft', 'sft', [data]);
        builder.eval(spec, [builder.add('grpo', 'grpo', [sft])]);
      }
      break;
    }
    case 'qalign': {
      require(spec, 'sft', spec.recipe);
      const data = builder.add('data', 'data-prep', []);
      const stage1 = builder.add('sft-question-translation', 'sft', [data], { role: 'question-translation' });
      builder.eval(spec, [builder.add('sft-instruction', 'sft', [stage1], { role: 'instruction' })]);
      break;
    }
    case 'mindmerger': {
      const data = builder.add('data', 'data-prep', []);
      const mapping = builder.add('mapping', 'mapping', [data], { role: 'mapping' });
      builder.eval(spec, [builder.add('augmentation', 'mapping', [mapping], { role: 'augmentation' })]);
      break;
    }
    case 'mid-align': {
      require(spec, 'sft', spec.recipe);
      const data = builder.add('data', 'data-prep', []);
      builder.eval(spec, [builder.add('contrastive', 'contrastive', [data], { role: 'alternate' })]);
      break;
    }
    case 'merge': {
      require(spec, 'merge', spec.recipe);
      builder.eval(spec, [builder.add('merge', 'merge', [])]);
      break;
    }
    default: {
      const unknown: never = spec.recipe;
      throw new DagError('/spec/recipe', `unknown recipe ${JSON.stringify(unknown)}`);
    }
  }
  return { recipe: spec.recipe, stages: builder.stages };
}

function require(spec: AlignmentRunSpec, field: 'sft' | 'grpo' | 'merge', recipe: string): void {
  if (spec[field] === undefined) throw new DagError(`/spec/${field}`, `recipe ${recipe} needs a ${field} section`);
}

class DagBuilder {
  readonly stages: StageNode[] = [];
  constructor(private readonly languages: readonly LanguageCode[]) {}

  add(
    name: string,
    kind: StageKind,
    dependsOn: string[],
    extra: { languages?: LanguageCode[]; role?: string } = {},
  ): string {
    this.stages.push({
      name,
      kind,
      service: STAGE_SERVICES[kind],
      dependsOn,
      languages: extra.languages ?? this.languages,
      ...(extra.role ? { role: extra.role } : {}),
    });
    return name;
  }

  eval(spec: AlignmentRunSpec, after: string[]): void {
    if (spec.evaluation) this.add('eval', 'eval', after);
  }
}

/** Stages whose dependencies have all succeeded, given the names of succeeded stages. */
export function readyStages(dag: StageDag, succeeded: ReadonlySet<string>): StageNode[] {
  return dag.stages.filter((s) => !succeeded.has(s.name) && s.dependsOn.every((d) => succeeded.has(d)));
}
