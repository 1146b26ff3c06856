import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import type { EvalRunEntity } from './eval-run.entity.js';

/**
 * One sampled completion of one item, kept whole (prompt, full completion with its trace, token ids,
 * logprobs) with its scores under each mode: every aggregate is recomputable from these rows, and
 * they double as the generation cache (looked up by `cache_key`).
 */
@Entity({ name: 'eval_samples' })
@Unique('uq_eval_samples_run_language_item_sample', ['evalRunId', 'language', 'itemId', 'sampleIndex'])
export class EvalSampleEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_eval_samples' })
  id!: string;

  @Column({ name: 'eval_run_id', type: 'uuid' })
  evalRunId!: string;

  @ManyToOne('EvalRunEntity', { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'eval_run_id', foreignKeyConstraintName: 'fk_eval_samples_eval_run_id' })
  evalRun?: EvalRunEntity;

  @Column({ type: 'text' })
  language!: string;

  @Column({ name: 'item_id', type: 'text' })
  itemId!: string;

  @Column({ name: 'sample_index', type: 'int' })
  sampleIndex!: number;

  /** sha256 of (model, adapter, suite version, language, item, prompt, sampling parameters, n). */
  @Index('ix_eval_samples_cache_key')
  @Column({ name: 'cache_key', type: 'text' })
  cacheKey!: string;

  @Column({ type: 'text' })
  task!: string;

  @Column({ type: 'text' })
  gold!: string;

  @Column({ type: 'jsonb' })
  prompt!: Record<string, unknown>;

  @Column({ type: 'text' })
  completion!: string;

  @Column({ name: 'token_ids', type: 'jsonb' })
  tokenIds!: number[];

  @Column({ type: 'jsonb' })
  logprobs!: number[];

  @Column({ name: 'finish_reason', type: 'text' })
  finishReason!: string;

  @Column({ name: 'completion_tokens', type: 'int' })
  completionTokens!: number;

  /** Per scoring mode: correct, format, extracted answer, trace and answer languages, consistency, reward. */
  @Column({ type: 'jsonb' })
  scores!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
