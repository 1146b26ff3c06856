/**
 * ListOffsets v0–3: -1 → log end, -2 → log start, otherwise the first offset at or after the
 * timestamp. Timestamps are resolved per batch (the broker never decompresses records), so the
 * answer is the start of the first batch whose newest record is at or after the timestamp.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './api.js';

const LATEST = -1;
const EARLIEST = -2;

export const listOffsets: ApiHandler = {
  key: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 3,
  handle(request, { apiVersion: v, broker }) {
    request.int32('replica_id');
    if (v >= 2) request.int8('isolation_level');
    const topics = request.array('topics', (r) => ({
      name: r.string('topics.name'),
      partitions: r.array('partitions', (p) => {
        const partition = p.int32('partitions.partition_index');
        const timestamp = p.int64('partitions.timestamp');
        if (v === 0) p.int32('partitions.max_num_offsets');
        return { partition, timestamp };
      }),
    }));

    const out = new Writer();
    if (v >= 2) out.int32(0);
    out.array(topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, { partition, timestamp }) => {
        const log = broker.topics.partition(topic.name, partition);
        let errorCode: number = ErrorCode.NONE;
        let found = { offset: -1, timestamp: -1 };
        if (log === undefined) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (timestamp === LATEST) found = { offset: log.nextOffset, timestamp: -1 };
        else if (timestamp === EARLIEST) found = { offset: log.logStartOffset, timestamp: -1 };
        else found = log.offsetForTimestamp(timestamp) ?? { offset: -1, timestamp: -1 };
        pw.int32(partition).int16(errorCode);
        if (v === 0) {
          if (found.offset >= 0) pw.int32(1).int64(found.offset);
          else pw.int32(0);
        } else {
          pw.int64(found.timestamp).int64(found.offset);
        }
      });
    });
    return out;
  },
};
