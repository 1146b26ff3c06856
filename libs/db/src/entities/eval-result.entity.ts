import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { RunEntity } from './run.entity.js';

/**
 * One metric of one model on one benchmark suite in one language (e.g. accuracy of `qwen2-1.5b+grpo`
 * on MGSM in Swahili), with its confidence interval over `n` items. A score stays true after the run
 * that produced it is deleted, so `run_id` is set to null rather than cascading.
 */
@Entity({ name: 'eval_results' })
@Index('ix_eval_results_model_suite_language_metric', ['model', 'suite', 'language', 'metric'])
export class EvalResultEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_eval_results' })
  id!: string;

  @Index('ix_eval_results_run_id')
  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @ManyToOne('RunEntity', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_eval_results_run_id' })
  run?: RunEntity | null;

  @Column({ type: 'text' })
  model!: string;

  @Column({ type: 'text' })
  suite!: string;

  @Column({ type: 'text' })
  language!: string;

  @Column({ type: 'text' })
  metric!: string;

  @Column({ type: 'double precision' })
  value!: number;

  @Column({ name: 'ci_low', type: 'double precision', nullable: true })
  ciLow!: number | null;

  @Column({ name: 'ci_high', type: 'double precision', nullable: true })
  ciHigh!: number | null;

  /** How many items the metric was computed over. */
  @Column({ type: 'int' })
  n!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
