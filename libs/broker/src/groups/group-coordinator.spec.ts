import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { GroupCoordinator, type JoinRequest } from './group-coordinator.js';
import { OffsetStore } from './offset-store.js';

const coordinators: GroupCoordinator[] = [];

function coordinator(initialRebalanceDelayMs = 0): GroupCoordinator {
  const c = new GroupCoordinator(new OffsetStore(null), silentLogger, {
    minSessionTimeoutMs: 10,
    maxSessionTimeoutMs: 60_000,
    initialRebalanceDelayMs,
  });
  coordinators.push(c);
  return c;
}

afterEach(() => {
  for (const c of coordinators.splice(0)) c.close();
});

const join = (memberId = '', overrides: Partial<JoinRequest> = {}): JoinRequest => ({
  groupId: 'g',
  memberId,
  groupInstanceId: null,
  sessionTimeoutMs: 1_000,
  rebalanceTimeoutMs: 2_000,
  protocolType: 'consumer',
  protocols: [{ name: 'roundrobin', metadata: Buffer.from('m') }],
  clientId: 'c',
  clientHost: 'h',
  ...overrides,
});

describe('GroupCoordinator', () => {
  it('makes a lone joiner the leader of generation 1 and hands its assignment back on sync', async () => {
    const c = coordinator();
    const joined = await c.join(join());
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'roundrobin' });
    expect(joined.leaderId).toBe(joined.memberId);
    expect(joined.members.map((m) => m.memberId)).toEqual([joined.memberId]);
    const synced = await c.sync('g', 1, joined.memberId, [
      { memberId: joined.memberId, assignment: Buffer.from('all') },
    ]);
    expect(synced).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.from('all') });
    expect(c.describe('g').state).toBe('Stable');
  });

  it('rebalances when a second member joins: the first learns through its heartbeat and rejoins', async () => {
    const c = coordinator();
    const first = await c.join(join());
    await c.sync('g', 1, first.memberId, []);
    const secondJoin = c.join(join());
    expect(c.heartbeat('g', 1, first.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const [rejoined, second] = await Promise.all([c.join(join(first.memberId)), secondJoin]);
    expect(rejoined.generationId).toBe(2);
    expect(second.generationId).toBe(2);
    expect(rejoined.members).toHaveLength(2); // the old leader stays leader
    expect(second.members).toHaveLength(0);
    expect(c.heartbeat('g', 1, first.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('removes a member whose session expires and starts a rebalance for the rest', async () => {
    const c = coordinator();
    const a = await c.join(join('', { sessionTimeoutMs: 10_000 }));
    const bJoin = c.join(join('', { sessionTimeoutMs: 1_000 }));
    await c.join(join(a.memberId, { sessionTimeoutMs: 10_000 }));
    const b = await bJoin;
    await Promise.all([c.sync('g', 2, a.memberId, []), c.sync('g', 2, b.memberId, [])]);
    c.sweep(Date.now() + 1_500); // past b's session, within a's
    expect(c.describe('g').members.map((m) => m.memberId)).toEqual([a.memberId]);
    expect(c.describe('g').state).toBe('PreparingRebalance');
    expect(c.heartbeat('g', 2, b.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(c.heartbeat('g', 2, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect((await c.join(join(a.memberId, { sessionTimeoutMs: 10_000 }))).generationId).toBe(3);
  });

  it('completes a rebalance without a member that does not rejoin within the rebalance timeout', async () => {
    const c = coordinator();
    const a = await c.join(join());
    const bJoin = c.join(join());
    await c.join(join(a.memberId));
    const b = await bJoin;
    await Promise.all([c.sync('g', 2, a.memberId, []), c.sync('g', 2, b.memberId, [])]);
    // A third member arrives; b keeps heartbeating but never rejoins.
    const cJoin = c.join(join());
    const aRejoin = c.join(join(a.memberId));
    const now = Date.now();
    expect(c.heartbeat('g', 2, b.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    c.sweep(now + 2_100);
    const [aResult, cResult] = await Promise.all([aRejoin, cJoin]);
    expect(aResult.generationId).toBe(3);
    expect(aResult.members.map((m) => m.memberId).sort()).toEqual([a.memberId, cResult.memberId].sort());
    expect(c.heartbeat('g', 3, b.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('waits the initial rebalance delay so members starting together land in one generation', async () => {
    const c = coordinator(50);
    const [a, b] = await Promise.all([c.join(join()), c.join(join())]);
    expect(a.generationId).toBe(1);
    expect(b.generationId).toBe(1);
  });

  it('refuses a joiner whose protocols the group does not share, and a session timeout out of bounds', async () => {
    const c = coordinator();
    await c.join(join());
    expect((await c.join(join('', { protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] }))).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect((await c.join(join('', { sessionTimeoutMs: 1 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await c.join(join('nobody'))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it.each([
    ['a standalone commit to an empty group', -1, '', ErrorCode.NONE],
    ['a standalone commit to a group with members', -1, '', ErrorCode.UNKNOWN_MEMBER_ID, true],
    ['an unknown member', 1, 'ghost', ErrorCode.UNKNOWN_MEMBER_ID, true],
    ['a stale generation', 0, 'MEMBER', ErrorCode.ILLEGAL_GENERATION, true],
    ['the current member and generation', 1, 'MEMBER', ErrorCode.NONE, true],
  ])('validates offset commits: %s', async (_name, generation, memberId, expected, withMember = false) => {
    const c = coordinator();
    let id = memberId;
    if (withMember) {
      const joined = await c.join(join());
      await c.sync('g', 1, joined.memberId, []);
      if (memberId === 'MEMBER') id = joined.memberId;
    }
    expect(c.validateCommit('g', generation, id)).toBe(expected);
  });

  it('a leaving member triggers a rebalance; the last one leaving empties the group', async () => {
    const c = coordinator();
    const a = await c.join(join());
    await c.sync('g', 1, a.memberId, []);
    expect(c.leave('g', a.memberId)).toBe(ErrorCode.NONE);
    expect(c.describe('g').state).toBe('Empty');
    expect(c.leave('g', a.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});
