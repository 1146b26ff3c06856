import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { safeIntegerTransformer } from './big-integer.js';
import type { RunEntity } from './run.entity.js';
import type { StageEntity } from './stage.entity.js';

export const ARTIFACT_KINDS = ['dataset', 'checkpoint', 'adapter', 'rollouts', 'report', 'tokenizer'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/**
 * A file or directory in the artifact store, identified by its content hash. Run and stage are
 * optional and set to null when they are deleted: the content stays in the store and another run may
 * use it (a dataset, a base checkpoint), so the record of what it is must outlive its producer.
 */
@Entity({ name: 'artifacts' })
@Check('ck_artifacts_kind', `"kind" IN ('dataset', 'checkpoint', 'adapter', 'rollouts', 'report', 'tokenizer')`)
@Check('ck_artifacts_content_hash', `"content_hash" ~ '^[0-9a-f]{64}$'`)
@Check('ck_artifacts_size_bytes', `"size_bytes" >= 0`)
export class ArtifactEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_artifacts' })
  id!: string;

  @Index('ix_artifacts_run_id')
  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @ManyToOne('RunEntity', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_artifacts_run_id' })
  run?: RunEntity | null;

  @Index('ix_artifacts_stage_id')
  @Column({ name: 'stage_id', type: 'uuid', nullable: true })
  stageId!: string | null;

  @ManyToOne('StageEntity', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'stage_id', foreignKeyConstraintName: 'fk_artifacts_stage_id' })
  stage?: StageEntity | null;

  @Column({ type: 'text' })
  kind!: ArtifactKind;

  @Column({ type: 'text' })
  uri!: string;

  /** SHA-256 of the content, lowercase hex. */
  @Index('ix_artifacts_content_hash')
  @Column({ name: 'content_hash', type: 'text' })
  contentHash!: string;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: safeIntegerTransformer })
  sizeBytes!: number;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  metadata!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
