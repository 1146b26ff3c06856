/** DeleteTopics v0–1: the partition directories are removed before the answer. */
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './api.js';

export const deleteTopics: ApiHandler = {
  key: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 1,
  handle(request, { apiVersion: v, broker }) {
    const names = request.array('topic_names', (r) => r.string('topic_names'));
    request.int32('timeout_ms');
    const results = names.map((name) => {
      const deleted = broker.topics.delete(name);
      if (deleted) broker.logger.info({ topic: name }, 'deleted topic');
      return { name, errorCode: deleted ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    });
    const out = new Writer();
    if (v >= 1) out.int32(0);
    out.array(results, (w, result) => w.string(result.name).int16(result.errorCode));
    return out;
  },
};
