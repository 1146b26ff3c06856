import type { AlignmentRunSpec, LanguageCode, StageKind } from '@xreason/contracts';

/** The service whose worker runs a stage (DESIGN §3): the trainer runs every training kind. */
export const STAGE_SERVICES = {
  'data-prep': 'data-prep',
  sft: 'trainer',
  grpo: 'trainer',
  mapping: 'trainer',
  contrastive: 'trainer',
  merge: 'merge',
  eval: 'eval',
} as const satisfies Record<StageKind, string>;

export type StageService = (typeof STAGE_SERVICES)[StageKind];

/** One node of a run's DAG: a stage worker to start once every stage in `dependsOn` has succeeded. */
export interface StageNode {
  /** Unique within the run, DNS-label safe (it becomes part of a Job name). */
  readonly name: string;
  readonly kind: StageKind;
  readonly service: StageService;
  readonly dependsOn: readonly string[];
  /** The languages this stage works on (a per-language branch has one). */
  readonly languages: readonly LanguageCode[];
  /** Recipe-specific role of the stage, passed to the worker (e.g. `question-translation`). */
  readonly role?: string;
}

export interface StageDag {
  readonly recipe: AlignmentRunSpec['recipe'];
  /** Topologically ordered: every stage comes after all of its dependencies. */
  readonly stages: readonly StageNode[];
}

export class DagError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'DagError';
  }
}
