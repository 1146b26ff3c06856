import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { StageEntity } from './stage.entity.js';

export const RUN_KINDS = ['AlignmentRun', 'EvalSchedule'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/**
 * One `AlignmentRun` or `EvalSchedule`, keyed like its Kubernetes object by (namespace, kind, name).
 * `generation` counts spec changes; `observedGeneration` is the last one a reconcile acted on, so
 * `generation > observedGeneration` means work is pending.
 */
@Entity({ name: 'runs' })
@Unique('uq_runs_namespace_kind_name', ['namespace', 'kind', 'name'])
@Check('ck_runs_kind', `"kind" IN ('AlignmentRun', 'EvalSchedule')`)
export class RunEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_runs' })
  id!: string;

  @Column({ type: 'text' })
  kind!: RunKind;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: 'default' })
  namespace!: string;

  /** The recipe the run follows (e.g. `mindmerger`); null for schedules and ad-hoc runs. */
  @Column({ type: 'text', nullable: true })
  recipe!: string | null;

  @Column({ type: 'jsonb' })
  spec!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  status!: Record<string, unknown>;

  @Column({ type: 'text' })
  phase!: string;

  @Column({ type: 'int', default: 1 })
  generation!: number;

  @Column({ name: 'observed_generation', type: 'int', default: 0 })
  observedGeneration!: number;

  /** Deletion was requested; the row stays until `finalizers` is empty (Kubernetes' deletionTimestamp). */
  @Column({ type: 'boolean', default: false })
  deleting!: boolean;

  /** Who must clean up before the row may go (the operator's `xreason.io/cleanup`). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  finalizers!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany('StageEntity', (stage: StageEntity) => stage.run)
  stages?: StageEntity[];
}
