/**
 * Metadata v0–6: this broker as the only node, leader of every partition; unknown topics are
 * created when the client allows it (v4+ flag) and the broker is configured to.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import { topicNameProblem } from '../log/topic-store.js';
import type { ApiHandler } from './api.js';

interface TopicMetadata {
  errorCode: number;
  name: string;
  partitions: number;
}

export const metadata: ApiHandler = {
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 6,
  handle(request, { apiVersion: v, broker }) {
    let requested = request.nullableArray('topics', (r) => r.string('topics.name'));
    // v0 has no null array: an empty list means "all topics".
    if (v === 0 && requested !== null && requested.length === 0) requested = null;
    const allowAutoCreate = v >= 4 ? request.boolean('allow_auto_topic_creation') : true;

    const topics: TopicMetadata[] = [];
    const names = requested ?? broker.topics.names();
    for (const name of names) {
      let partitions = broker.topics.partitions(name);
      if (partitions === undefined) {
        const problem = topicNameProblem(name);
        if (problem !== null) {
          topics.push({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, partitions: 0 });
          continue;
        }
        if (!(allowAutoCreate && broker.settings.autoCreateTopics)) {
          topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, partitions: 0 });
          continue;
        }
        partitions = broker.topics.create(name, broker.settings.defaultPartitions);
        broker.logger.info({ topic: name, partitions: partitions.length }, 'auto-created topic');
      }
      topics.push({ errorCode: ErrorCode.NONE, name, partitions: partitions.length });
    }

    const out = new Writer();
    if (v >= 3) out.int32(0);
    out.array([broker.nodeId], (w, nodeId) => {
      w.int32(nodeId).string(broker.advertisedHost).int32(broker.advertisedPort);
      if (v >= 1) w.nullableString(null);
    });
    if (v >= 2) out.nullableString(broker.clusterId);
    if (v >= 1) out.int32(broker.nodeId);
    out.array(topics, (w, topic) => {
      w.int16(topic.errorCode).string(topic.name);
      if (v >= 1) w.boolean(false);
      w.int32(topic.partitions);
      for (let p = 0; p < topic.partitions; p++) {
        w.int16(ErrorCode.NONE).int32(p).int32(broker.nodeId);
        w.int32(1).int32(broker.nodeId); // replicas
        w.int32(1).int32(broker.nodeId); // in-sync replicas
        if (v >= 5) w.int32(0); // offline replicas
      }
    });
    return out;
  },
};
