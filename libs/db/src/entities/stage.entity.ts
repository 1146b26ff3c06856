import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { RunEntity } from './run.entity.js';

/** One stage of a run (e.g. `sft`, `grpo`, `eval`); `attempt` counts retries, starting at 1. */
@Entity({ name: 'stages' })
@Unique('uq_stages_run_id_name', ['runId', 'name'])
export class StageEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_stages' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  // A stage means nothing without its run: deleting the run deletes its stages.
  @ManyToOne('RunEntity', (run: RunEntity) => run.stages, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_stages_run_id' })
  run?: RunEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  phase!: string;

  @Column({ type: 'int', default: 1 })
  attempt!: number;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;
}
