/**
 * Idempotent-producer bookkeeping for one partition: for each producer id, its epoch and the last
 * five batches it wrote (Kafka's max.in.flight bound for idempotence). A retried batch matches one
 * of those by sequence range and is answered with its original offset instead of being stored again.
 */
import { ErrorCode } from '../protocol/error-codes.js';

/** Kafka keeps this many batches per producer, matching max.in.flight.requests.per.connection ≤ 5. */
const CACHED_BATCHES = 5;
const INT32_MAX = 0x7fffffff;

export interface SequencedBatch {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly lastOffsetDelta: number;
}

interface BatchMetadata {
  firstSequence: number;
  lastSequence: number;
  baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: BatchMetadata[];
}

export type SequenceCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly baseOffset: number }
  | { readonly kind: 'reject'; readonly errorCode: number; readonly message: string };

const APPEND: SequenceCheck = { kind: 'append' };

function lastSequenceOf(batch: SequencedBatch): number {
  // Sequences wrap at int32 max back to 0, like Kafka's DefaultRecordBatch.incrementSequence.
  return (batch.baseSequence + batch.lastOffsetDelta) % (INT32_MAX + 1);
}

export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  get size(): number {
    return this.producers.size;
  }

  check(batch: SequencedBatch): SequenceCheck {
    if (batch.producerId < 0) return APPEND;
    const entry = this.producers.get(batch.producerId);
    // Unknown producer (new, or its state aged out with the log): accept whatever sequence it starts at.
    if (entry === undefined) return APPEND;
    if (batch.producerEpoch < entry.epoch) {
      return {
        kind: 'reject',
        errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `producer ${batch.producerId} epoch ${batch.producerEpoch} is older than ${entry.epoch}`,
      };
    }
    if (batch.producerEpoch > entry.epoch) {
      if (batch.baseSequence === 0) return APPEND;
      return {
        kind: 'reject',
        errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `producer ${batch.producerId} new epoch ${batch.producerEpoch} must start at sequence 0, got ${batch.baseSequence}`,
      };
    }
    const lastSequence = lastSequenceOf(batch);
    for (const cached of entry.batches) {
      if (cached.firstSequence === batch.baseSequence && cached.lastSequence === lastSequence) {
        return { kind: 'duplicate', baseOffset: cached.baseOffset };
      }
    }
    const latest = entry.batches[entry.batches.length - 1];
    const expected = latest === undefined ? batch.baseSequence : (latest.lastSequence + 1) % (INT32_MAX + 1);
    if (batch.baseSequence === expected) return APPEND;
    return {
      kind: 'reject',
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      message: `producer ${batch.producerId} sent sequence ${batch.baseSequence}, expected ${expected}`,
    };
  }

  /** Records a batch that was appended at `baseOffset`. */
  record(batch: SequencedBatch, baseOffset: number): void {
    if (batch.producerId < 0) return;
    let entry = this.producers.get(batch.producerId);
    if (entry === undefined || batch.producerEpoch > entry.epoch) {
      entry = { epoch: batch.producerEpoch, batches: [] };
      this.producers.set(batch.producerId, entry);
    }
    entry.batches.push({ firstSequence: batch.baseSequence, lastSequence: lastSequenceOf(batch), baseOffset });
    if (entry.batches.length > CACHED_BATCHES) entry.batches.shift();
  }

  toJSON(): Record<string, ProducerEntry> {
    return Object.fromEntries(this.producers);
  }

  static fromJSON(value: unknown): ProducerStateTable {
    const table = new ProducerStateTable();
    if (typeof value !== 'object' || value === null) return table;
    for (const [id, entry] of Object.entries(value as Record<string, ProducerEntry>)) {
      if (typeof entry?.epoch !== 'number' || !Array.isArray(entry.batches)) continue;
      table.producers.set(Number(id), { epoch: entry.epoch, batches: entry.batches.slice(-CACHED_BATCHES) });
    }
    return table;
  }
}
