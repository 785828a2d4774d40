import { describe, expect, it } from 'vitest';
import { rangeAssign } from '../../../src/broker/group/assignors';
import { GroupCoordinator, type JoinGroupResult, type SyncGroupResult } from '../../../src/broker/group/GroupCoordinator';
import type { GroupMetadataValue } from '../../../src/broker/group/offsetsTopicRecords';
import { Simulation } from '../../../src/sim/Simulation';

const SUBSCRIPTION = [{ name: 'range', topics: ['orders'] }];

function setup() {
  const sim = new Simulation({ seed: 'groups' });
  const coordinator = new GroupCoordinator({ kernel: sim, rng: sim.rng.fork('uuid') });
  const join = (memberId: string, clientId = 'consumer-g-1') => {
    let result: JoinGroupResult | undefined;
    coordinator.joinGroup(
      { groupId: 'g', memberId, clientId, clientHost: '/10.0.0.1', sessionTimeoutMs: 45_000, rebalanceTimeoutMs: 300_000, protocols: SUBSCRIPTION },
      (r) => (result = r),
    );
    return () => result;
  };
  const sync = (memberId: string, generationId: number, assignments?: Map<string, { topic: string; partition: number }[]>) => {
    let result: SyncGroupResult | undefined;
    coordinator.syncGroup({ groupId: 'g', memberId, generationId, assignments }, (r) => (result = r));
    return () => result;
  };
  const commit = (request: Parameters<GroupCoordinator['commitOffsets']>[0]) => {
    let result: string | null | undefined;
    coordinator.commitOffsets(request, (e) => (result = e));
    return result;
  };
  return { sim, coordinator, join, sync, commit };
}

/** Join two consumers and complete the rebalance with the range assignor. */
function stableGroupOfTwo() {
  const t = setup();
  const idA = t.join('', 'consumer-g-1')()!.memberId;
  const idB = t.join('', 'consumer-g-2')()!.memberId;
  const a = t.join(idA, 'consumer-g-1');
  const b = t.join(idB, 'consumer-g-2');
  // group.initial.rebalance.delay.ms (3 s), extended by another 3 s because B
  // joined while the first delay ran (InitialDelayedJoin).
  t.sim.advance(3000);
  expect(a()).toBeUndefined();
  t.sim.advance(3000);
  const leader = a()!.leaderId === idA ? a()! : b()!;
  const assignment = rangeAssign(
    new Map([['orders', 3]]),
    leader.members.map((m) => ({ memberId: m.memberId, topics: m.topics })),
  );
  const syncA = t.sync(idA, a()!.generationId, leader.memberId === idA ? assignment : undefined);
  const syncB = t.sync(idB, b()!.generationId, leader.memberId === idB ? assignment : undefined);
  return { ...t, idA, idB, a, b, syncA, syncB, assignment };
}

describe('group coordinator: the classic rebalance protocol', () => {
  it('a new member first gets MEMBER_ID_REQUIRED with a member id made of its client id and a UUID', () => {
    const { join } = setup();
    const first = join('')()!;
    expect(first.error).toBe('MEMBER_ID_REQUIRED');
    expect(first.memberId).toMatch(/^consumer-g-1-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('completes the first rebalance after group.initial.rebalance.delay.ms (extended while members arrive), gives the leader the subscriptions, and syncs the assignment', () => {
    const { a, b, idA, idB, syncA, syncB, coordinator } = stableGroupOfTwo();
    expect(a()!.generationId).toBe(1);
    expect(a()!.leaderId).toBe(idA);
    expect(a()!.members.map((m) => m.memberId)).toEqual([idA, idB]);
    expect(b()!.members).toEqual([]);
    expect(coordinator.describe('g').state).toBe('Stable');
    expect([...syncA()!.assignment, ...syncB()!.assignment].length).toBe(3);
  });

  it('a member that stops heartbeating is removed after session.timeout.ms and the group rebalances', () => {
    const { sim, coordinator, idA, idB } = stableGroupOfTwo();
    for (let t = 0; t < 50_000; t += 3000) {
      sim.advance(3000);
      coordinator.heartbeat({ groupId: 'g', memberId: idA, generationId: 1 });
    }
    const state = coordinator.describe('g');
    expect(state.members.map((m) => m.memberId)).toEqual([idA]);
    expect(state.state).toBe('PreparingRebalance');
    expect(coordinator.heartbeat({ groupId: 'g', memberId: idA, generationId: 1 })).toBe('REBALANCE_IN_PROGRESS');
    expect(coordinator.heartbeat({ groupId: 'g', memberId: idB, generationId: 1 })).toBe('UNKNOWN_MEMBER_ID');
  });

  it('rejects commits from a stale generation and accepts generation -1 only while the group is empty', () => {
    const { coordinator, commit, idA } = stableGroupOfTwo();
    const offsets = new Map([['orders-0', 5]]);
    expect(commit({ groupId: 'g', memberId: idA, generationId: 0, offsets })).toBe('ILLEGAL_GENERATION');
    expect(commit({ groupId: 'g', memberId: '', generationId: -1, offsets })).toBe('UNKNOWN_MEMBER_ID');
    expect(commit({ groupId: 'g', memberId: idA, generationId: 1, offsets })).toBeNull();
    expect(coordinator.fetchOffsets('g').get('orders-0')!.offset).toBe(5);
    expect(commit({ groupId: 'standalone', memberId: '', generationId: -1, offsets })).toBeNull();
  });

  it('offsets expire offsets.retention.minutes after the group became empty, not after the commit', () => {
    const { sim, coordinator, commit, idA, idB } = stableGroupOfTwo();
    expect(commit({ groupId: 'g', memberId: idA, generationId: 1, offsets: new Map([['orders-0', 5]]) })).toBeNull();
    // An hour of heartbeats keeps the group alive after the commit.
    const beats = sim.every(3000, 'heartbeats', () => {
      for (const id of [idA, idB]) expect(coordinator.heartbeat({ groupId: 'g', memberId: id, generationId: 1 })).toBeNull();
    });
    sim.advance(3_600_000);
    beats.stop();
    for (const id of [idA, idB]) coordinator.leaveGroup({ groupId: 'g', memberId: id });
    expect(coordinator.describe('g').state).toBe('Empty');
    sim.advance(10_079 * 60_000);
    expect(coordinator.expireOffsets()).toEqual([]);
    sim.advance(60_000);
    expect(coordinator.expireOffsets()).toEqual([{ groupId: 'g', partitions: ['orders-0'] }]);
  });

  it('the leader rejoining a stable group forces a rebalance (how new partitions are noticed)', () => {
    const { coordinator, join, idA } = stableGroupOfTwo();
    const rejoin = join(idA);
    expect(coordinator.describe('g').state).toBe('PreparingRebalance');
    expect(rejoin()).toBeUndefined();
  });

  it('rebalances give the reasons GroupCoordinator.scala logs ("Preparing to rebalance group ... (reason: ...)")', () => {
    const reasons: unknown[] = [];
    const t = setup();
    t.sim.trace.listen((r) => {
      if (r.type === 'group.rebalance') reasons.push(r.reason);
    });
    const id = t.join('')()!.memberId;
    t.join(id);
    expect(reasons).toEqual([`Adding new member ${id} with group instance id None; client reason: not provided`]);
    t.sim.advance(3000);
    t.sync(id, 1, new Map([[id, [{ topic: 'orders', partition: 0 }]]]));
    t.join(id);
    expect(reasons[1]).toBe(`Leader ${id} re-joining group during Stable; client reason: not provided`);
    t.sim.advance(3000);
    t.sync(id, 2, new Map([[id, [{ topic: 'orders', partition: 0 }]]]));
    t.coordinator.leaveGroup({ groupId: 'g', memberId: id });
    expect(reasons[2]).toBe(`Removing member ${id} on LeaveGroup; client reason: not provided`);
  });

  it('a member removed on heartbeat expiration or LeaveGroup rebalances the others with that reason', () => {
    const { sim, coordinator, idA, idB } = stableGroupOfTwo();
    const reasons: unknown[] = [];
    sim.trace.listen((r) => {
      if (r.type === 'group.rebalance') reasons.push(r.reason);
    });
    expect(coordinator.leaveGroup({ groupId: 'g', memberId: idB, reason: 'the consumer is being closed' })).toBeNull();
    expect(reasons).toEqual([`Removing member ${idB} on LeaveGroup; client reason: the consumer is being closed`]);
    const other = stableGroupOfTwo();
    const expired: unknown[] = [];
    other.sim.trace.listen((r) => {
      if (r.type === 'group.rebalance') expired.push(r.reason);
    });
    for (let t = 0; t < 50_000; t += 3000) {
      other.sim.advance(3000);
      other.coordinator.heartbeat({ groupId: 'g', memberId: other.idA, generationId: 1 });
    }
    expect(expired).toEqual([`removing member ${other.idB} on heartbeat expiration`]);
    expect(idA).not.toBe(idB);
  });
});

describe('group coordinator: group metadata stored and loaded', () => {
  it("a member's whole subscription (owned partitions, generation) is stored, so rejoining a new coordinator unchanged does not rebalance", () => {
    const sim = new Simulation({ seed: 'failover' });
    const stored: GroupMetadataValue[] = [];
    const store = {
      storeGroup: (_g: string, value: GroupMetadataValue, done: (e: null) => void) => {
        stored.push(JSON.parse(JSON.stringify(value)) as GroupMetadataValue);
        done(null);
      },
      storeOffsets: (_g: string, _o: unknown, done: (e: null) => void) => done(null),
      storeTombstones: () => {},
    };
    const first = new GroupCoordinator({ kernel: sim, rng: sim.rng.fork('uuid'), store });
    const request = (memberId: string, clientId: string, owned: { topic: string; partition: number }[], generationId: number) => ({
      groupId: 'g',
      memberId,
      clientId,
      clientHost: '/10.0.0.1',
      sessionTimeoutMs: 45_000,
      rebalanceTimeoutMs: 300_000,
      protocols: [{ name: 'cooperative-sticky', topics: ['orders'], ownedPartitions: owned, generationId }],
    });
    const joined = new Map<string, JoinGroupResult>();
    const join = (c: GroupCoordinator, memberId: string, clientId: string, owned: { topic: string; partition: number }[] = [], generationId = -1) =>
      c.joinGroup(request(memberId, clientId, owned, generationId), (r) => joined.set(clientId, r));
    join(first, '', 'c1');
    join(first, '', 'c2');
    const [id1, id2] = [joined.get('c1')!.memberId, joined.get('c2')!.memberId];
    join(first, id1, 'c1');
    join(first, id2, 'c2');
    sim.advance(6_000);
    const generation = joined.get('c1')!.generationId;
    const assignment = new Map([
      [id1, [{ topic: 'orders', partition: 0 }]],
      [id2, [{ topic: 'orders', partition: 1 }]],
    ]);
    first.syncGroup({ groupId: 'g', memberId: id1, generationId: generation, assignments: joined.get('c1')!.leaderId === id1 ? assignment : undefined }, () => {});
    first.syncGroup({ groupId: 'g', memberId: id2, generationId: generation, assignments: joined.get('c2')!.leaderId === id2 ? assignment : undefined }, () => {});
    expect(first.describe('g').state).toBe('Stable');
    const follower = joined.get('c1')!.leaderId === id1 ? { id: id2, client: 'c2', owned: assignment.get(id2)! } : { id: id1, client: 'c1', owned: assignment.get(id1)! };
    // The member's next JoinGroup would carry what it owns and its generation; the stored metadata must say the same.
    const last = stored[stored.length - 1]!;
    expect(last.members.find((m) => m.memberId === follower.id)).toMatchObject({ ownedPartitions: [], generationId: -1 });

    // The coordinator moves: a new one loads what was stored.
    const second = new GroupCoordinator({ kernel: sim, rng: sim.rng.fork('uuid-2'), store });
    second.loadGroup('g', last, new Map());
    expect(second.describe('g').state).toBe('Stable');
    // The follower rejoins with exactly the subscription it joined with: Stable, no rebalance.
    join(second, follower.id, follower.client, [], -1);
    expect(second.describe('g').state).toBe('Stable');
    expect(joined.get(follower.client)!.generationId).toBe(generation);
    // With another subscription (it now owns a partition), it is a change: a rebalance.
    join(second, follower.id, follower.client, follower.owned, generation);
    expect(second.describe('g').state).toBe('PreparingRebalance');
  });
});
