/**
 * Produce v3–7 (v3 is the first with RecordBatch v2). Each partition's batches are validated
 * (length, magic, CRC, counts) before anything is written, so a bad frame never reaches the log.
 * The answer is sent after write(2) — and after fdatasync when the broker syncs before acking.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { InvalidRecordBatchError, isTransactional, validateBatches } from '../protocol/record-batch.js';
import { Writer } from '../protocol/writer.js';
import type { PartitionLog } from '../log/partition-log.js';
import type { ApiHandler } from './api.js';

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: number;
  logStartOffset: number;
}

export const produce: ApiHandler = {
  key: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 7,
  handle(request, { apiVersion: v, broker, clientId }) {
    request.nullableString('transactional_id');
    const acks = request.int16('acks');
    request.int32('timeout_ms');
    const topics = request.array('topic_data', (r) => ({
      name: r.string('topic_data.name'),
      partitions: r.array('partition_data', (p) => ({
        index: p.int32('partition_data.index'),
        records: p.nullableBytes('partition_data.records'),
      })),
    }));

    const touched = new Set<PartitionLog>();
    const responses = topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map(({ index, records }): PartitionResult => {
        const fail = (errorCode: number): PartitionResult => ({ index, errorCode, baseOffset: -1, logStartOffset: -1 });
        if (acks !== 0 && acks !== 1 && acks !== -1) return fail(ErrorCode.INVALID_REQUIRED_ACKS);
        const log = broker.topics.partition(topic.name, index);
        if (log === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        if (records === null || records.length === 0) return fail(ErrorCode.CORRUPT_MESSAGE);
        if (records.length > broker.settings.maxMessageBytes) return fail(ErrorCode.MESSAGE_TOO_LARGE);
        let headers;
        try {
          headers = validateBatches(records);
        } catch (error) {
          if (!(error instanceof InvalidRecordBatchError)) throw error;
          broker.logger.warn(
            { topic: topic.name, partition: index, clientId, reason: error.message },
            'rejected corrupt produce',
          );
          return fail(ErrorCode.CORRUPT_MESSAGE);
        }
        if (headers.some(isTransactional)) {
          broker.logger.warn(
            { topic: topic.name, partition: index, clientId },
            'rejected transactional batch: transactions are not supported',
          );
          return fail(ErrorCode.INVALID_RECORD);
        }
        const result = log.append(records, headers);
        if (!('baseOffset' in result)) {
          broker.logger.warn(
            { topic: topic.name, partition: index, clientId, reason: result.message },
            'rejected produce',
          );
          return fail(result.errorCode);
        }
        if (result.duplicate) broker.metrics.duplicateBatches.inc();
        else {
          touched.add(log);
          broker.metrics.messagesIn.inc(headers.reduce((n, h) => n + h.recordCount, 0));
          broker.metrics.recordBytesIn.inc(records.length);
        }
        return { index, errorCode: ErrorCode.NONE, baseOffset: result.baseOffset, logStartOffset: log.logStartOffset };
      }),
    }));

    if (broker.settings.syncBeforeAck && acks !== 0) for (const log of touched) log.flushNow();
    if (acks === 0) return null;

    const out = new Writer();
    out.array(responses, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, p) => {
        pw.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
        pw.int64(-1); // log_append_time: CreateTime topics
        if (v >= 5) pw.int64(p.logStartOffset);
      });
    });
    out.int32(0);
    return out;
  },
};
