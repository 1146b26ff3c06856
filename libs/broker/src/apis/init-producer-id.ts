/**
 * InitProducerId v0–1 for idempotent producers: a fresh producer id at epoch 0. Transactions are
 * not implemented (their APIs are not advertised), so a transactional id gets an id like any other
 * and the client stops at AddPartitionsToTxn, which it knows the broker lacks.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './api.js';

export const initProducerId: ApiHandler = {
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 1,
  handle(request, { broker, clientId }) {
    const transactionalId = request.nullableString('transactional_id');
    request.int32('transaction_timeout_ms');
    const producerId = broker.producerIds.allocate();
    broker.logger.info({ producerId, clientId, transactionalId }, 'allocated producer id');
    return new Writer().int32(0).int16(ErrorCode.NONE).int64(producerId).int16(0);
  },
};
