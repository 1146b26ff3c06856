/** The one list of implemented APIs: dispatch and the ApiVersions answer both read it. */
import { apiVersionsHandler } from './api-versions.js';
import type { ApiHandler } from './api.js';
import { createTopics } from './create-topics.js';
import { deleteTopics } from './delete-topics.js';
import { fetch } from './fetch.js';
import { findCoordinator, heartbeat, joinGroup, leaveGroup, syncGroup } from './group-membership.js';
import { describeGroups, listGroups, offsetCommit, offsetFetch } from './group-offsets.js';
import { initProducerId } from './init-producer-id.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { produce } from './produce.js';

const handlers: ApiHandler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  createTopics,
  deleteTopics,
  initProducerId,
];
handlers.push(apiVersionsHandler(() => API_TABLE));

export const API_TABLE: readonly ApiHandler[] = Object.freeze([...handlers].sort((a, b) => a.key - b.key));

const byKey = new Map(API_TABLE.map((api) => [api.key, api]));

export function apiHandler(key: number): ApiHandler | undefined {
  return byKey.get(key);
}

/** Names for every API key of the protocol, implemented or not, for logs and metrics. */
const KNOWN_API_NAMES = [
  'Produce',
  'Fetch',
  'ListOffsets',
  'Metadata',
  'LeaderAndIsr',
  'StopReplica',
  'UpdateMetadata',
  'ControlledShutdown',
  'OffsetCommit',
  'OffsetFetch',
  'FindCoordinator',
  'JoinGroup',
  'Heartbeat',
  'LeaveGroup',
  'SyncGroup',
  'DescribeGroups',
  'ListGroups',
  'SaslHandshake',
  'ApiVersions',
  'CreateTopics',
  'DeleteTopics',
  'DeleteRecords',
  'InitProducerId',
  'OffsetForLeaderEpoch',
  'AddPartitionsToTxn',
  'AddOffsetsToTxn',
  'EndTxn',
  'WriteTxnMarkers',
  'TxnOffsetCommit',
  'DescribeAcls',
  'CreateAcls',
  'DeleteAcls',
  'DescribeConfigs',
  'AlterConfigs',
  'AlterReplicaLogDirs',
  'DescribeLogDirs',
  'SaslAuthenticate',
  'CreatePartitions',
  'CreateDelegationToken',
  'RenewDelegationToken',
  'ExpireDelegationToken',
  'DescribeDelegationToken',
  'DeleteGroups',
  'ElectLeaders',
  'IncrementalAlterConfigs',
  'AlterPartitionReassignments',
  'ListPartitionReassignments',
  'OffsetDelete',
];

export function apiName(key: number): string {
  return KNOWN_API_NAMES[key] ?? `Unknown(${key})`;
}
