/**
 * Committed offsets and group inspection: OffsetCommit v2–5, OffsetFetch v1–4,
 * DescribeGroups v0–2, ListGroups v0–2.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import type { OffsetCommitEntry } from '../groups/offset-store.js';
import type { ApiHandler } from './api.js';

/** Kafka's offset.metadata.max.bytes. */
const MAX_METADATA_LENGTH = 4096;
const OFFSET_METADATA_TOO_LARGE = 12;

export const offsetCommit: ApiHandler = {
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 5,
  handle(request, { apiVersion: v, broker }) {
    const groupId = request.string('group_id');
    const generationId = request.int32('generation_id');
    const memberId = request.string('member_id');
    if (v <= 4) request.int64('retention_time_ms');
    const topics = request.array('topics', (r) => ({
      name: r.string('topics.name'),
      partitions: r.array('partitions', (p) => ({
        partition: p.int32('partitions.partition_index'),
        offset: p.int64('partitions.committed_offset'),
        metadata: p.nullableString('partitions.committed_metadata'),
      })),
    }));

    const groupError = broker.groups.validateCommit(groupId, generationId, memberId);
    const now = Date.now();
    const accepted: OffsetCommitEntry[] = [];
    const results = topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map(({ partition, offset, metadata }) => {
        let errorCode: number = groupError;
        if (errorCode === ErrorCode.NONE) {
          if (broker.topics.partition(topic.name, partition) === undefined)
            errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          else if (metadata !== null && metadata.length > MAX_METADATA_LENGTH) errorCode = OFFSET_METADATA_TOO_LARGE;
          else accepted.push({ topic: topic.name, partition, offset, metadata, commitTimestamp: now });
        }
        return { partition, errorCode };
      }),
    }));
    broker.groups.offsets.commit(groupId, accepted);
    if (broker.settings.syncBeforeAck) broker.groups.offsets.flushNow();

    const out = new Writer();
    if (v >= 3) out.int32(0);
    out.array(results, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, p) => pw.int32(p.partition).int16(p.errorCode));
    });
    return out;
  },
};

export const offsetFetch: ApiHandler = {
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 4,
  handle(request, { apiVersion: v, broker }) {
    const groupId = request.string('group_id');
    const readTopic = (r: Reader) => ({
      name: r.string('topics.name'),
      partitions: r.array('partition_indexes', (p) => p.int32('partition_index')),
    });
    // v2+: a null topic list asks for every committed partition of the group.
    const requested = v >= 2 ? request.nullableArray('topics', readTopic) : request.array('topics', readTopic);
    const committed = broker.groups.offsets.all(groupId);
    const topics =
      requested ??
      [...committed.entries()].map(([name, partitions]) => ({
        name,
        partitions: [...partitions.keys()].sort((a, b) => a - b),
      }));

    const out = new Writer();
    if (v >= 3) out.int32(0);
    out.array(topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) => {
        const entry = committed.get(topic.name)?.get(partition);
        pw.int32(partition)
          .int64(entry?.offset ?? -1)
          .nullableString(entry?.metadata ?? '')
          .int16(ErrorCode.NONE);
      });
    });
    if (v >= 2) out.int16(ErrorCode.NONE);
    return out;
  },
};

export const describeGroups: ApiHandler = {
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 2,
  handle(request, { apiVersion: v, broker }) {
    const groupIds = request.array('groups', (r) => r.string('groups'));
    const out = new Writer();
    if (v >= 1) out.int32(0);
    out.array(groupIds, (w, groupId) => {
      const group = broker.groups.describe(groupId);
      w.int16(ErrorCode.NONE)
        .string(group.groupId)
        .string(group.state)
        .string(group.protocolType)
        .string(group.protocolName);
      w.array(group.members, (mw, m) =>
        mw.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment),
      );
    });
    return out;
  },
};

export const listGroups: ApiHandler = {
  key: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  handle(_request, { apiVersion: v, broker }) {
    const out = new Writer();
    if (v >= 1) out.int32(0);
    out.int16(ErrorCode.NONE);
    out.array(broker.groups.list(), (w, g) => w.string(g.groupId).string(g.protocolType));
    return out;
  },
};
