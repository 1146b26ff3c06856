/**
 * The group-membership APIs: FindCoordinator v0–2 (always this broker), JoinGroup v0–5,
 * SyncGroup v0–3, Heartbeat v0–3, LeaveGroup v0–3. The state machine is in GroupCoordinator;
 * these only translate the wire format.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';
import type { ApiHandler } from './api.js';

const GROUP_KEY_TYPE = 0;

export const findCoordinator: ApiHandler = {
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  handle(request, { apiVersion: v, broker }) {
    request.string('key');
    const keyType = v >= 1 ? request.int8('key_type') : GROUP_KEY_TYPE;
    // Transaction coordinators do not exist here: transactions are not implemented.
    const errorCode = keyType === GROUP_KEY_TYPE ? ErrorCode.NONE : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const ok = errorCode === ErrorCode.NONE;
    const out = new Writer();
    if (v >= 1) out.int32(0);
    out.int16(errorCode);
    if (v >= 1) out.nullableString(ok ? null : 'transactions are not supported by this broker');
    out
      .int32(ok ? broker.nodeId : -1)
      .string(ok ? broker.advertisedHost : '')
      .int32(ok ? broker.advertisedPort : -1);
    return out;
  },
};

export const joinGroup: ApiHandler = {
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(request, { apiVersion: v, broker, clientId, clientHost }) {
    const groupId = request.string('group_id');
    const sessionTimeoutMs = request.int32('session_timeout_ms');
    const rebalanceTimeoutMs = v >= 1 ? request.int32('rebalance_timeout_ms') : sessionTimeoutMs;
    const memberId = request.string('member_id');
    const groupInstanceId = v >= 5 ? request.nullableString('group_instance_id') : null;
    const protocolType = request.string('protocol_type');
    // Copied out of the request frame: the coordinator keeps the metadata for the group's lifetime.
    const protocols = request.array('protocols', (r) => ({
      name: r.string('protocols.name'),
      metadata: Buffer.from(r.bytes('protocols.metadata')),
    }));
    const result = await broker.groups.join({
      groupId,
      memberId,
      groupInstanceId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      protocolType,
      protocols,
      clientId: clientId ?? '',
      clientHost,
    });
    const out = new Writer();
    if (v >= 2) out.int32(0);
    out
      .int16(result.errorCode)
      .int32(result.generationId)
      .string(result.protocolName)
      .string(result.leaderId)
      .string(result.memberId);
    out.array(result.members, (w, m) => {
      w.string(m.memberId);
      if (v >= 5) w.nullableString(m.groupInstanceId);
      w.bytes(m.metadata);
    });
    return out;
  },
};

export const syncGroup: ApiHandler = {
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,
  async handle(request, { apiVersion: v, broker }) {
    const groupId = request.string('group_id');
    const generationId = request.int32('generation_id');
    const memberId = request.string('member_id');
    if (v >= 3) request.nullableString('group_instance_id');
    const assignments = request.array('assignments', (r) => ({
      memberId: r.string('assignments.member_id'),
      assignment: r.bytes('assignments.assignment'),
    }));
    const result = await broker.groups.sync(groupId, generationId, memberId, assignments);
    const out = new Writer();
    if (v >= 1) out.int32(0);
    return out.int16(result.errorCode).bytes(result.assignment);
  },
};

export const heartbeat: ApiHandler = {
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  handle(request, { apiVersion: v, broker }) {
    const groupId = request.string('group_id');
    const generationId = request.int32('generation_id');
    const memberId = request.string('member_id');
    if (v >= 3) request.nullableString('group_instance_id');
    const errorCode = broker.groups.heartbeat(groupId, generationId, memberId);
    const out = new Writer();
    if (v >= 1) out.int32(0);
    return out.int16(errorCode);
  },
};

export const leaveGroup: ApiHandler = {
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 3,
  handle(request, { apiVersion: v, broker }) {
    const groupId = request.string('group_id');
    const members =
      v >= 3
        ? request.array('members', (r) => ({
            memberId: r.string('members.member_id'),
            groupInstanceId: r.nullableString('members.group_instance_id'),
          }))
        : [{ memberId: request.string('member_id'), groupInstanceId: null }];
    const results = members.map((m) => ({ ...m, errorCode: broker.groups.leave(groupId, m.memberId) }));
    const out = new Writer();
    if (v >= 1) out.int32(0);
    if (v < 3) return out.int16((results[0] as (typeof results)[number]).errorCode);
    out.int16(ErrorCode.NONE);
    out.array(results, (w, r) => w.string(r.memberId).nullableString(r.groupInstanceId).int16(r.errorCode));
    return out;
  },
};
