/**
 * The consumer-group coordinator (Kafka's classic protocol): members join, the coordinator waits
 * until every known member has rejoined (or the rebalance timeout drops the missing ones), elects a
 * leader and protocol, hands the leader the member list, and distributes the leader's assignment
 * on SyncGroup. Members that stop heartbeating for their session timeout are removed, which starts
 * a new rebalance.
 *
 *   Empty → PreparingRebalance → CompletingRebalance → Stable
 *             ↑________________________________________|   (join, leave, session expiry)
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes.js';
import type { BrokerLogger } from '../logger.js';
import type { OffsetStore } from './offset-store.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
  readonly clientId: string;
  readonly clientHost: string;
}

export interface JoinResult {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolName: string;
  readonly leaderId: string;
  readonly memberId: string;
  readonly members: readonly { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  readonly errorCode: number;
  readonly assignment: Buffer;
}

interface Member {
  readonly memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly GroupProtocol[];
  assignment: Buffer;
  lastHeartbeat: number;
  awaitingJoin: ((result: JoinResult) => void) | null;
  awaitingSync: ((result: SyncResult) => void) | null;
}

interface Group {
  readonly groupId: string;
  state: GroupState;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  readonly members: Map<string, Member>;
  rebalanceDeadline: number;
  /** Initial-rebalance delay: an empty group waits this long for more members before completing. */
  joinNotBefore: number;
}

export interface CoordinatorOptions {
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  /** Kafka's group.initial.rebalance.delay.ms. */
  readonly initialRebalanceDelayMs: number;
  readonly onRebalance?: (groupId: string, generationId: number) => void;
}

export interface GroupDescription {
  readonly groupId: string;
  readonly state: GroupState;
  readonly protocolType: string;
  readonly protocolName: string;
  readonly members: readonly {
    memberId: string;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

const EMPTY = Buffer.alloc(0);
const SWEEP_INTERVAL_MS = 100;

function errorJoin(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly options: CoordinatorOptions;
  private readonly logger: BrokerLogger;
  readonly offsets: OffsetStore;
  private readonly sweeper: NodeJS.Timeout;

  constructor(offsets: OffsetStore, logger: BrokerLogger, options: CoordinatorOptions) {
    this.offsets = offsets;
    this.logger = logger;
    this.options = options;
    this.sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  private group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = {
        groupId,
        state: 'Empty',
        generationId: 0,
        protocolType: null,
        protocolName: null,
        leaderId: null,
        members: new Map(),
        rebalanceDeadline: 0,
        joinNotBefore: 0,
      };
      this.groups.set(groupId, group);
    }
    return group;
  }

  join(request: JoinRequest): Promise<JoinResult> {
    if (request.groupId === '') return Promise.resolve(errorJoin(ErrorCode.INVALID_GROUP_ID, request.memberId));
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.options;
    if (request.sessionTimeoutMs < minSessionTimeoutMs || request.sessionTimeoutMs > maxSessionTimeoutMs) {
      return Promise.resolve(errorJoin(ErrorCode.INVALID_SESSION_TIMEOUT, request.memberId));
    }
    const group = this.group(request.groupId);
    if (request.protocols.length === 0 || !this.supportsProtocols(group, request)) {
      return Promise.resolve(errorJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId));
    }
    let member = request.memberId === '' ? undefined : group.members.get(request.memberId);
    if (request.memberId !== '' && member === undefined)
      return Promise.resolve(errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, request.memberId));

    const now = Date.now();
    if (member === undefined) {
      member = {
        memberId: `${request.clientId || 'member'}-${randomUUID()}`,
        groupInstanceId: request.groupInstanceId,
        clientId: request.clientId,
        clientHost: request.clientHost,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocolType: request.protocolType,
        protocols: request.protocols,
        assignment: EMPTY,
        lastHeartbeat: now,
        awaitingJoin: null,
        awaitingSync: null,
      };
      group.members.set(member.memberId, member);
      this.logger.info({ group: group.groupId, member: member.memberId }, 'member joined group');
    } else {
      Object.assign(member, {
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocols: request.protocols,
        lastHeartbeat: now,
      });
      // A second join from the same member supersedes the first; the first answer is a retry signal.
      member.awaitingJoin?.(errorJoin(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    }
    group.protocolType = request.protocolType;
    const joined = member;
    const result = new Promise<JoinResult>((resolve) => (joined.awaitingJoin = resolve));
    if (group.state !== 'PreparingRebalance') this.prepareRebalance(group, `member ${joined.memberId} joined`, now);
    else if (group.joinNotBefore > now) {
      group.joinNotBefore = Math.min(now + this.options.initialRebalanceDelayMs, group.rebalanceDeadline);
    }
    this.tryCompleteJoin(group, now);
    return result;
  }

  private supportsProtocols(group: Group, request: JoinRequest): boolean {
    const others = [...group.members.values()].filter((m) => m.memberId !== request.memberId);
    if (others.length === 0) return true;
    if (group.protocolType !== null && group.protocolType !== request.protocolType) return false;
    return request.protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  private prepareRebalance(group: Group, reason: string, now: number): void {
    const wasEmpty = group.state === 'Empty' || group.state === 'Dead';
    for (const member of group.members.values()) {
      member.awaitingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      member.awaitingSync = null;
    }
    group.state = 'PreparingRebalance';
    let timeout = 0;
    for (const member of group.members.values()) timeout = Math.max(timeout, member.rebalanceTimeoutMs);
    group.rebalanceDeadline = now + timeout;
    group.joinNotBefore = wasEmpty ? Math.min(now + this.options.initialRebalanceDelayMs, group.rebalanceDeadline) : 0;
    this.logger.info({ group: group.groupId, reason, generation: group.generationId }, 'preparing rebalance');
  }

  private tryCompleteJoin(group: Group, now: number): void {
    if (group.state !== 'PreparingRebalance' || now < group.joinNotBefore) return;
    for (const member of group.members.values()) if (member.awaitingJoin === null) return;
    this.completeJoin(group, now);
  }

  private completeJoin(group: Group, now: number): void {
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.leaderId = null;
      group.protocolName = null;
      group.protocolType = null;
      return;
    }
    const members = [...group.members.values()];
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = (members[0] as Member).memberId;
    const leader = group.members.get(group.leaderId) as Member;
    const protocol = leader.protocols.find((p) => members.every((m) => m.protocols.some((q) => q.name === p.name)));
    group.protocolName = protocol?.name ?? (leader.protocols[0] as GroupProtocol).name;
    group.state = 'CompletingRebalance';
    this.options.onRebalance?.(group.groupId, group.generationId);
    this.logger.info(
      { group: group.groupId, generation: group.generationId, members: members.length, leader: group.leaderId },
      'rebalance complete',
    );

    const memberList = members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY,
    }));
    for (const member of members) {
      const resolve = member.awaitingJoin;
      member.awaitingJoin = null;
      member.lastHeartbeat = now;
      member.assignment = EMPTY;
      resolve?.({
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolName: group.protocolName,
        leaderId: group.leaderId,
        memberId: member.memberId,
        members: member.memberId === group.leaderId ? memberList : [],
      });
    }
  }

  sync(
    groupId: string,
    generationId: number,
    memberId: string,
    assignments: readonly { memberId: string; assignment: Buffer }[],
  ): Promise<SyncResult> {
    const fail = (errorCode: number) => Promise.resolve({ errorCode, assignment: EMPTY });
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    member.lastHeartbeat = Date.now();
    if (group.state === 'PreparingRebalance') return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    if (group.state === 'Stable') return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
    if (group.state !== 'CompletingRebalance') return fail(ErrorCode.UNKNOWN_MEMBER_ID);

    const result = new Promise<SyncResult>((resolve) => (member.awaitingSync = resolve));
    if (memberId === group.leaderId) {
      const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
      group.state = 'Stable';
      for (const m of group.members.values()) {
        // Copied: the assignment is a view into the leader's request frame.
        m.assignment = Buffer.from(byMember.get(m.memberId) ?? EMPTY);
        m.awaitingSync?.({ errorCode: ErrorCode.NONE, assignment: m.assignment });
        m.awaitingSync = null;
      }
    }
    return result;
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    member.lastHeartbeat = Date.now();
    if (group.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(group, member, 'left the group', Date.now());
    return ErrorCode.NONE;
  }

  private removeMember(group: Group, member: Member, reason: string, now: number): void {
    group.members.delete(member.memberId);
    member.awaitingJoin?.(errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.awaitingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    this.logger.info({ group: group.groupId, member: member.memberId, reason }, 'member removed from group');
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group, now);
    else if (group.members.size === 0) this.completeEmpty(group);
    else this.prepareRebalance(group, `member ${member.memberId} ${reason}`, now);
  }

  private completeEmpty(group: Group): void {
    group.generationId++;
    group.state = 'Empty';
    group.leaderId = null;
    group.protocolName = null;
    group.protocolType = null;
  }

  /**
   * Commit check of the classic protocol: generation -1 with no member id is a standalone commit
   * (allowed only while no consumer owns the group); otherwise the member must be current.
   */
  validateCommit(groupId: string, generationId: number, memberId: string): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (generationId < 0 && memberId === '') {
      return group === undefined || group.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    }
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    member.lastHeartbeat = Date.now();
    if (group.state === 'PreparingRebalance' || group.state === 'CompletingRebalance')
      return ErrorCode.REBALANCE_IN_PROGRESS;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  describe(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (group === undefined) {
      const state = this.offsets.all(groupId).size > 0 ? 'Empty' : 'Dead';
      return { groupId, state, protocolType: '', protocolName: '', members: [] };
    }
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolName: group.state === 'Stable' || group.state === 'CompletingRebalance' ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY,
        assignment: m.assignment,
      })),
    };
  }

  list(): { groupId: string; protocolType: string }[] {
    const ids = new Set([...this.groups.keys(), ...this.offsets.groupIds()]);
    return [...ids]
      .sort()
      .map((groupId) => ({ groupId, protocolType: this.groups.get(groupId)?.protocolType ?? 'consumer' }));
  }

  /** Session expiry and rebalance deadlines, checked on a short timer. */
  sweep(now: number): void {
    for (const group of this.groups.values()) {
      for (const member of [...group.members.values()]) {
        if (member.awaitingJoin !== null) continue;
        if (now - member.lastHeartbeat > member.sessionTimeoutMs)
          this.removeMember(group, member, 'session timed out', now);
      }
      if (group.state !== 'PreparingRebalance') continue;
      if (now >= group.rebalanceDeadline) {
        for (const member of [...group.members.values()]) {
          if (member.awaitingJoin === null) {
            group.members.delete(member.memberId);
            member.awaitingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
            this.logger.info(
              { group: group.groupId, member: member.memberId },
              'member removed: did not rejoin within the rebalance timeout',
            );
          }
        }
        this.completeJoin(group, now);
      } else {
        this.tryCompleteJoin(group, now);
      }
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const group of this.groups.values()) {
      for (const member of group.members.values()) {
        member.awaitingJoin?.(errorJoin(ErrorCode.COORDINATOR_NOT_AVAILABLE, member.memberId));
        member.awaitingSync?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
      }
    }
    this.offsets.close();
  }
}
