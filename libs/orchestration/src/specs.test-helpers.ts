import { type AlignmentRun, type AlignmentRunSpec, parseResource } from '@xreason/contracts';

/** A valid AlignmentRun spec with schema defaults filled in, as the API server would store it. */
export function runSpec(spec: Record<string, unknown> = {}): AlignmentRunSpec {
  const run = parseResource({
    apiVersion: 'xreason.io/v1alpha1',
    kind: 'AlignmentRun',
    metadata: { name: 'r' },
    spec: {
      recipe: 'budget-alignment',
      baseModel: { uri: 'file:///models/base' },
      languages: ['ja', 'fr'],
      sft: { learningRate: 1e-4, batchSize: 4 },
      grpo: { steps: 10, promptsPerStep: 2 },
      evaluation: { suites: ['mgsm'] },
      ...spec,
    },
  }) as AlignmentRun;
  return run.spec;
}
