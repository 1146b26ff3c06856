import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import type { RunEntity } from './run.entity.js';

export const EVAL_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type EvalRunStatus = (typeof EVAL_RUN_STATUSES)[number];

/**
 * One evaluation: one model (and adapter) on one suite, over some languages, with fixed sampling
 * parameters. Its samples and aggregates hang off it. A nightly evaluation carries its schedule and
 * night; `label` pins an evaluation as a named baseline that later nights are compared with.
 */
@Entity({ name: 'eval_runs' })
@Unique('uq_eval_runs_label', ['label'])
@Index('ix_eval_runs_schedule_model_suite_night', ['schedule', 'model', 'suite', 'night'])
@Check('ck_eval_runs_status', `"status" IN ('running', 'succeeded', 'failed')`)
export class EvalRunEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_eval_runs' })
  id!: string;

  /** The AlignmentRun or EvalSchedule that asked for it; null for ad-hoc `xreason eval`. */
  @Index('ix_eval_runs_run_id')
  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @ManyToOne('RunEntity', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_eval_runs_run_id' })
  run?: RunEntity | null;

  @Column({ type: 'text', nullable: true })
  schedule!: string | null;

  /** The night (YYYY-MM-DD) of a scheduled evaluation. */
  @Column({ type: 'date', nullable: true })
  night!: string | null;

  @Column({ type: 'text', nullable: true })
  label!: string | null;

  @Column({ type: 'text' })
  model!: string;

  @Column({ name: 'model_hash', type: 'text' })
  modelHash!: string;

  @Column({ name: 'adapter_hash', type: 'text', nullable: true })
  adapterHash!: string | null;

  @Column({ type: 'text' })
  suite!: string;

  @Column({ name: 'suite_version', type: 'text' })
  suiteVersion!: string;

  @Column({ type: 'jsonb' })
  languages!: string[];

  /** Sampling parameters, n, ks and scoring modes. */
  @Column({ type: 'jsonb' })
  params!: Record<string, unknown>;

  @Column({ type: 'text' })
  backend!: string;

  @Column({ type: 'text' })
  status!: EvalRunStatus;

  /** Where the results JSON and samples JSONL were written. */
  @Column({ name: 'results_uri', type: 'text', nullable: true })
  resultsUri!: string | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
