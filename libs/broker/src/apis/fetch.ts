/**
 * Fetch v4–11 with long polling: when fewer than min_bytes are available the request parks until
 * an append to one of its partitions brings enough, or max_wait_ms passes. A partition error answers at
 * once, as Kafka's replica manager does: a consumer told OFFSET_OUT_OF_RANGE or UNKNOWN_TOPIC_OR_PARTITION
 * only after the whole long poll would sit idle that long before it resets its offset or refreshes
 * metadata. No fetch sessions: session_id 0 in every answer tells the client to keep sending full requests.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { BrokerContext } from '../broker-context.js';
import type { ApiHandler, HandlerResult } from './api.js';

interface PartitionFetch {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: { topic: string; partitions: PartitionFetch[] }[];
}

interface PartitionData {
  partition: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  records: Buffer | null;
}

/** Caps a long poll whatever the client asks: an abandoned connection must not pin memory forever. */
const MAX_WAIT_MS = 30_000;

function collect(
  broker: BrokerContext,
  request: FetchRequest,
): { bytes: number; failed: boolean; topics: { topic: string; partitions: PartitionData[] }[] } {
  let bytes = 0;
  let failed = false;
  const topics = request.topics.map(({ topic, partitions }) => ({
    topic,
    partitions: partitions.map(({ partition, fetchOffset, maxBytes }): PartitionData => {
      const log = broker.topics.partition(topic, partition);
      if (log === undefined)
        return {
          partition,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          logStartOffset: -1,
          records: null,
        };
      // Past the response budget a partition still answers, with no records (KIP-74 keeps the first).
      const budget = bytes === 0 ? maxBytes : Math.min(maxBytes, request.maxBytes - bytes);
      const result = budget > 0 ? log.read(fetchOffset, budget) : { errorCode: ErrorCode.NONE, records: null };
      if (result.records !== null) bytes += result.records.length;
      return {
        partition,
        errorCode: result.errorCode,
        highWatermark: log.nextOffset,
        logStartOffset: log.logStartOffset,
        records: result.records,
      };
    }),
  }));
  for (const { partitions } of topics) failed ||= partitions.some((p) => p.errorCode !== ErrorCode.NONE);
  return { bytes, failed, topics };
}

function waitForData(broker: BrokerContext, request: FetchRequest): Promise<void> {
  return new Promise((resolve) => {
    const cancels: (() => void)[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const cancel of cancels) cancel();
      resolve();
    };
    const timer = setTimeout(finish, Math.min(request.maxWaitMs, MAX_WAIT_MS));
    if (broker.closed.aborted) return finish();
    for (const { topic, partitions } of request.topics) {
      for (const { partition } of partitions) {
        const log = broker.topics.partition(topic, partition);
        if (log === undefined) continue;
        cancels.push(log.waitForAppend(finish));
      }
    }
    const onClose = () => finish();
    broker.closed.addEventListener('abort', onClose);
    cancels.push(() => broker.closed.removeEventListener('abort', onClose));
  });
}

export const fetch: ApiHandler = {
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  async handle(request, { apiVersion: v, broker }): Promise<HandlerResult> {
    request.int32('replica_id');
    const maxWaitMs = request.int32('max_wait_ms');
    const minBytes = request.int32('min_bytes');
    const maxBytes = request.int32('max_bytes');
    request.int8('isolation_level');
    if (v >= 7) {
      request.int32('session_id');
      request.int32('session_epoch');
    }
    const topics = request.array('topics', (r) => ({
      topic: r.string('topics.topic'),
      partitions: r.array('partitions', (p): PartitionFetch => {
        const partition = p.int32('partitions.partition');
        if (v >= 9) p.int32('partitions.current_leader_epoch');
        const fetchOffset = p.int64('partitions.fetch_offset');
        if (v >= 5) p.int64('partitions.log_start_offset');
        return { partition, fetchOffset, maxBytes: p.int32('partitions.partition_max_bytes') };
      }),
    }));
    if (v >= 7)
      request.array('forgotten_topics_data', (r) => ({
        topic: r.string('forgotten.topic'),
        partitions: r.array('forgotten.partitions', (p) => p.int32('partition')),
      }));
    if (v >= 11) request.string('rack_id');

    const fetchRequest: FetchRequest = {
      maxWaitMs,
      minBytes,
      maxBytes: maxBytes > 0 ? maxBytes : Number.MAX_SAFE_INTEGER,
      topics,
    };
    let result = collect(broker, fetchRequest);
    const deadline = Date.now() + Math.min(Math.max(maxWaitMs, 0), MAX_WAIT_MS);
    while (
      result.bytes < Math.max(minBytes, 1) &&
      !result.failed &&
      maxWaitMs > 0 &&
      Date.now() < deadline &&
      !broker.closed.aborted
    ) {
      await waitForData(broker, { ...fetchRequest, maxWaitMs: deadline - Date.now() });
      result = collect(broker, fetchRequest);
    }
    broker.metrics.recordBytesOut.inc(result.bytes);

    const out = new Writer();
    out.int32(0);
    if (v >= 7) out.int16(ErrorCode.NONE).int32(0);
    out.array(result.topics, (w, topic) => {
      w.string(topic.topic);
      w.array(topic.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.highWatermark);
        pw.int64(p.highWatermark); // last_stable_offset: no transactions, so every offset is stable
        if (v >= 5) pw.int64(p.logStartOffset);
        pw.int32(0); // aborted_transactions: none
        if (v >= 11) pw.int32(-1); // preferred_read_replica: the leader itself
        pw.nullableBytes(p.records ?? Buffer.alloc(0));
      });
    });
    return out;
  },
};
