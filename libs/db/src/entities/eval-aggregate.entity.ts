import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { EvalRunEntity } from './eval-run.entity.js';

/** One metric of an evaluation in one language under one scoring mode, with its bootstrap interval over items. */
@Entity({ name: 'eval_aggregates' })
@Unique('uq_eval_aggregates_run_language_mode_metric', ['evalRunId', 'language', 'mode', 'metric'])
export class EvalAggregateEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_eval_aggregates' })
  id!: string;

  @Column({ name: 'eval_run_id', type: 'uuid' })
  evalRunId!: string;

  @ManyToOne('EvalRunEntity', { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'eval_run_id', foreignKeyConstraintName: 'fk_eval_aggregates_eval_run_id' })
  evalRun?: EvalRunEntity;

  @Column({ type: 'text' })
  language!: string;

  @Column({ type: 'text' })
  mode!: string;

  @Column({ type: 'text' })
  metric!: string;

  @Column({ type: 'double precision' })
  value!: number;

  @Column({ name: 'ci_low', type: 'double precision' })
  ciLow!: number;

  @Column({ name: 'ci_high', type: 'double precision' })
  ciHigh!: number;

  @Column({ type: 'int' })
  items!: number;

  @Column({ name: 'samples_per_item', type: 'int' })
  samplesPerItem!: number;
}
