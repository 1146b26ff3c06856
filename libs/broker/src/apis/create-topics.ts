/** CreateTopics v0–3. Replication factor must be 1 (or -1, "broker default"): there is one node. */
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import { topicNameProblem } from '../log/topic-store.js';
import type { ApiHandler } from './api.js';

/** Upper bound on partitions per topic: each one is a directory and open file. */
const MAX_PARTITIONS = 10_000;

export const createTopics: ApiHandler = {
  key: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 3,
  handle(request, { apiVersion: v, broker }) {
    const topics = request.array('topics', (r) => ({
      name: r.string('topics.name'),
      numPartitions: r.int32('topics.num_partitions'),
      replicationFactor: r.int16('topics.replication_factor'),
      assignments: r.array('topics.assignments', (a) => ({
        partition: a.int32('assignments.partition_index'),
        brokers: a.array('assignments.broker_ids', (b) => b.int32('broker_id')),
      })),
      configs: r.array('topics.configs', (c) => ({
        name: c.string('configs.name'),
        value: c.nullableString('configs.value'),
      })),
    }));
    request.int32('timeout_ms');
    const validateOnly = v >= 1 ? request.boolean('validate_only') : false;

    const results = topics.map((topic) => {
      const fail = (errorCode: number, message: string) => ({ name: topic.name, errorCode, message });
      const problem = topicNameProblem(topic.name);
      if (problem !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
      if (broker.topics.has(topic.name))
        return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic "${topic.name}" already exists`);
      const count =
        topic.assignments.length > 0
          ? topic.assignments.length
          : topic.numPartitions === -1
            ? broker.settings.defaultPartitions
            : topic.numPartitions;
      if (count < 1 || count > MAX_PARTITIONS)
        return fail(ErrorCode.INVALID_PARTITIONS, `num_partitions ${count} must be between 1 and ${MAX_PARTITIONS}`);
      if (topic.replicationFactor !== -1 && topic.replicationFactor !== 1 && topic.assignments.length === 0) {
        return fail(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          `replication_factor ${topic.replicationFactor} exceeds the 1 broker available`,
        );
      }
      if (!validateOnly) {
        broker.topics.create(topic.name, count);
        broker.logger.info({ topic: topic.name, partitions: count }, 'created topic');
      }
      return { name: topic.name, errorCode: ErrorCode.NONE, message: null };
    });

    const out = new Writer();
    if (v >= 2) out.int32(0);
    out.array(results, (w, result) => {
      w.string(result.name).int16(result.errorCode);
      if (v >= 1) w.nullableString(result.message);
    });
    return out;
  },
};
