import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { RunEntity } from './run.entity.js';

export const FIRING_PHASES = ['Running', 'Succeeded', 'Failed'] as const;
export type FiringPhase = (typeof FIRING_PHASES)[number];

/**
 * One firing of an EvalSchedule in local mode — what a Job is to a CronJob: the scheduled time it
 * stands for, its night (that time's date in the schedule's time zone), and how it ended. The unique
 * (schedule, scheduled time) makes a firing happen at most once however often it is attempted; the
 * partial unique index on Running rows is `concurrencyPolicy: Forbid` kept by the database itself.
 */
@Entity({ name: 'eval_schedule_firings' })
@Unique('uq_eval_schedule_firings_schedule_time', ['scheduleId', 'scheduledTime'])
@Index('ux_eval_schedule_firings_running', ['scheduleId'], { unique: true, where: `"phase" = 'Running'` })
@Check('ck_eval_schedule_firings_phase', `"phase" IN ('Running', 'Succeeded', 'Failed')`)
export class EvalScheduleFiringEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_eval_schedule_firings' })
  id!: string;

  /** The EvalSchedule's row in `runs`; its firings go with it. */
  @Column({ name: 'schedule_id', type: 'uuid' })
  scheduleId!: string;

  @ManyToOne('RunEntity', { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'schedule_id', foreignKeyConstraintName: 'fk_eval_schedule_firings_schedule_id' })
  schedule?: RunEntity;

  @Column({ name: 'scheduled_time', type: 'timestamptz' })
  scheduledTime!: Date;

  /** YYYY-MM-DD of the scheduled time in the schedule's time zone (the `night` of its evaluations). */
  @Column({ type: 'date' })
  night!: string;

  @Column({ type: 'text' })
  phase!: FiringPhase;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  /** Regressions found that night (after the multiple-testing correction). */
  @Column({ type: 'int', default: 0 })
  regressions!: number;

  /** What the night produced: per model × suite the evaluation id, report path and comparisons (raw and adjusted p). */
  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;
}
