/**
 * The incremental cooperative rebalance protocol (KIP-429) in the consumer,
 * against the eager protocol: a third member joins a group of two while
 * records keep arriving. ConsumerCoordinator.onJoinPrepare / onJoinComplete
 * decide what each member revokes; CooperativeStickyAssignor withholds the
 * partitions that move until their owner has released them.
 */
import { describe, expect, it } from 'vitest';
import type { KafkaConsumer } from '../../../src/broker/consumer/KafkaConsumer';
import { KafkaCluster } from '../../../src/broker/KafkaCluster';
import { Simulation } from '../../../src/sim/Simulation';
import type { TraceRecord } from '../../../src/sim/Trace';

const PARTITIONS = 6;

interface Member {
  readonly name: string;
  readonly consumer: KafkaConsumer;
  /** Listener calls in order, e.g. "revoked events-4". */
  readonly calls: string[];
  /** When each record was returned by poll(): [atMs, "events-p"]. */
  readonly polled: [number, string][];
}

function setup(strategy: string) {
  const sim = new Simulation({ seed: 'cooperative-tests' });
  const cluster = new KafkaCluster({ sim, brokerIds: [1] });
  cluster.createTopic('events', { partitions: PARTITIONS, replicationFactor: 1 });
  const records: TraceRecord[] = [];
  sim.trace.listen((r) => records.push(r));
  // A record on every partition every 100 ms.
  let n = 0;
  sim.every(100, 'produce', () => {
    for (let p = 0; p < PARTITIONS; p++) cluster.produce({ topic: 'events', partition: p }, [{ key: null, value: `v${n}`, timestampMs: sim.nowMs }]);
    n++;
  });
  const start = (name: string): Member => {
    const consumer = cluster.createConsumer({ 'group.id': 'g', 'partition.assignment.strategy': strategy, 'auto.offset.reset': 'earliest', 'client.id': name });
    const member: Member = { name, consumer, calls: [], polled: [] };
    consumer.subscribe(['events'], {
      onPartitionsRevoked: (ps) => member.calls.push(`revoked ${ps.join(',')}`),
      onPartitionsAssigned: (ps) => member.calls.push(`assigned ${ps.join(',')}`),
      onPartitionsLost: (ps) => member.calls.push(`lost ${ps.join(',')}`),
    });
    const loop = (): void => {
      if (consumer.isClosed()) return;
      consumer.poll(200, (r) => {
        for (const rec of r.records) member.polled.push([sim.nowMs, `${rec.topic}-${rec.partition}`]);
        loop();
      });
    };
    loop();
    return member;
  };
  return { sim, cluster, records, start };
}

const assignmentOf = (m: Member): string[] => m.consumer.assignment();

describe('cooperative-sticky: a third member joins a group of two', () => {
  it('existing members keep fetching what they keep, revoke exactly the moved partitions, and a second rebalance assigns them', () => {
    const { sim, records, start } = setup('org.apache.kafka.clients.consumer.CooperativeStickyAssignor');
    const a = start('a');
    const b = start('b');
    sim.advance(10_000);
    const before = new Map([a, b].map((m) => [m.name, assignmentOf(m)]));
    expect([...before.values()].map((p) => p.length)).toEqual([3, 3]);
    for (const m of [a, b]) m.calls.length = 0;

    const joinAtMs = sim.nowMs;
    const c = start('c');
    sim.advance(15_000);

    // Balanced 2/2/2; a and b each kept two of their three partitions.
    const after = [a, b, c].map(assignmentOf);
    expect(after.map((p) => p.length)).toEqual([2, 2, 2]);
    expect(new Set(after.flat()).size).toBe(PARTITIONS);
    const moved = new Map<string, string[]>();
    for (const m of [a, b]) {
      const kept = assignmentOf(m);
      expect(kept.every((p) => before.get(m.name)!.includes(p))).toBe(true);
      moved.set(m.name, before.get(m.name)!.filter((p) => !kept.includes(p)));
      expect(moved.get(m.name)!.length).toBe(1);
      // onPartitionsRevoked once, for the moved partition only; nothing added for them in either rebalance.
      expect(m.calls).toEqual([`revoked ${moved.get(m.name)!.join(',')}`, 'assigned ', 'assigned ']);
    }
    // The newcomer gets nothing in the first rebalance, then exactly the released partitions.
    expect(c.calls).toEqual(['assigned ', `assigned ${[...moved.values()].flat().sort().join(',')}`]);

    // Two rebalances, the second asked for by the members that revoked.
    const generations = records.filter((r) => r.type === 'consumer.assigned' && r.member !== undefined && String(r.member).startsWith('c-')).map((r) => r.generation as number);
    expect(generations.length).toBe(2);
    expect(generations[1]).toBe(generations[0]! + 1);
    expect(records.some((r) => r.type === 'consumer.join' && String(r.reason).startsWith('need to revoke partitions'))).toBe(true);
    // Under COOPERATIVE nothing is marked pending revocation or revoked in onJoinPrepare.
    expect(records.filter((r) => r.type === 'consumer.revoked').every((r) => (r.partitions as string[]).length === 1)).toBe(true);

    // Kept partitions never stopped: during the rebalances, a and b went on returning records of them.
    const doneAtMs = records.filter((r) => r.type === 'consumer.assigned' && String(r.member).startsWith('c-')).at(-1)!.t;
    expect(doneAtMs).toBeGreaterThan(joinAtMs + 3_000);
    for (const m of [a, b]) {
      for (const p of assignmentOf(m)) {
        const times = m.polled.filter(([t, q]) => q === p && t >= joinAtMs && t <= doneAtMs).map(([t]) => t);
        const gaps = [joinAtMs, ...times, doneAtMs].slice(1).map((t, i, all) => t - (i === 0 ? joinAtMs : all[i - 1]!));
        expect(Math.max(...gaps)).toBeLessThan(1_000);
      }
    }
  });

  it('eager range, for contrast: every member revokes everything and stops fetching for the whole rebalance', () => {
    const { sim, records, start } = setup('range');
    const a = start('a');
    const b = start('b');
    sim.advance(10_000);
    const before = new Map([a, b].map((m) => [m.name, assignmentOf(m)]));
    for (const m of [a, b]) m.calls.length = 0;
    const joinAtMs = sim.nowMs;
    start('c');
    sim.advance(15_000);
    for (const m of [a, b]) {
      expect(m.calls[0]).toBe(`revoked ${before.get(m.name)!.join(',')}`);
      const revokedAt = records.find((r) => r.type === 'consumer.revoked' && r.t >= joinAtMs && (r.partitions as string[]).join(',') === before.get(m.name)!.join(','))!.t;
      const assignedAt = records.find((r) => r.type === 'consumer.assigned' && (r.t) >= revokedAt && (r.partitions as string[]).every((p) => assignmentOf(m).includes(p)) && (r.partitions as string[]).length > 0)!.t;
      expect(assignedAt - revokedAt).toBeGreaterThan(0);
      expect(m.polled.filter(([t]) => t > revokedAt && t < assignedAt)).toEqual([]);
    }
  });
});
