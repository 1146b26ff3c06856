import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A Kafka message a consumer group has already handled. Written in the same transaction as the
 * handler's effects (see `markProcessedOnce`), so a redelivered message is recognised and skipped.
 */
@Entity({ name: 'processed_messages' })
export class ProcessedMessageEntity {
  @PrimaryColumn({ name: 'consumer_group', type: 'text', primaryKeyConstraintName: 'pk_processed_messages' })
  consumerGroup!: string;

  @PrimaryColumn({ name: 'message_key', type: 'text', primaryKeyConstraintName: 'pk_processed_messages' })
  messageKey!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'int' })
  partition!: number;

  /** Kafka offsets are int64; kept as the decimal string kafkajs uses. */
  @Column({ type: 'bigint' })
  offset!: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}
