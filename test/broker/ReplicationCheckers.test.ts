/**
 * Each checker stays quiet on a healthy cluster and reports the first
 * violation when its rule is broken (here by corrupting state the way a bug
 * would), with the time, partition, offsets and trace position.
 */
import { describe, expect, it } from 'vitest';
import { CHECKER_NAMES } from '../../src/broker/ReplicationCheckers';
import type { StoredBatch } from '../../src/broker/recordBatch';
import { clusterFixture } from '../support/clusterFixture';

function healthy() {
  const fixture = clusterFixture({ checkers: CHECKER_NAMES });
  const producer = fixture.cluster.createProducer({ acks: 'all', 'linger.ms': 0 });
  for (const value of ['a', 'b']) {
    producer.send({ topic: 't', value });
    fixture.sim.advance(50);
  }
  fixture.sim.advance(600); // followers learn the high watermark
  expect(producer.handles.map((h) => h.result)).toMatchObject([
    { ok: true, offset: 0 },
    { ok: true, offset: 1 },
  ]);
  const view = fixture.cluster.partition(fixture.tp)!;
  return { ...fixture, producer, view, leaderLog: view.replicaLog(view.leaderId) };
}

describe('replication checkers', () => {
  it('stay quiet on a healthy cluster', () => {
    const { cluster } = healthy();
    expect(cluster.checkers.check()).toBeNull();
    expect(cluster.checkers.ok).toBe(true);
  });

  it('no-acked-write-lost: an acknowledged record missing from the leader', () => {
    const { sim, cluster, leaderLog } = healthy();
    leaderLog.truncateTo(1);
    const violation = cluster.checkers.check();
    expect(violation).toMatchObject({ checker: 'no-acked-write-lost', partition: 't-0', offsets: [1], atMs: sim.elapsedMs, tracePosition: sim.trace.position - 1 });
    expect(violation!.message).toBe(`acknowledged record "b" (producer-1) at t-0 offset 1 is lost: the leader's log ends at 1`);
    expect(cluster.checkers.lostRecords().map((r) => r.value)).toEqual(['b']);
  });

  it('committed-prefix-identical: an in-sync follower holding other records below the high watermark', () => {
    const { cluster, view } = healthy();
    const follower = view.replicaLog(2);
    const original = follower.batchContaining(1)!;
    follower.truncateTo(1);
    follower.appendAsFollower({ ...original, records: { timestampsMs: null, keys: [null], values: ['B'] } });
    expect(cluster.checkers.check()).toMatchObject({ checker: 'committed-prefix-identical', offsets: [1] });
    expect(cluster.checkers.violations.get('committed-prefix-identical')!.message).toBe(
      `t-0 offset 1 is committed (high watermark 2) but broker 2 (in the ISR) holds "B" (leader epoch 0) where the leader 1 holds "b" (leader epoch 0)`,
    );
  });

  it('hw-monotonic-on-leader: the leader\'s high watermark going back within its epoch', () => {
    const { cluster, leaderLog } = healthy();
    expect(cluster.checkers.check()).toBeNull();
    leaderLog.updateHighWatermark(1);
    expect(cluster.checkers.check()).toMatchObject({
      checker: 'hw-monotonic-on-leader',
      offsets: [2, 1],
      message: 'the high watermark of t-0 on its leader went back from 2 to 1 in leader epoch 0',
    });
  });

  it('consumers-below-hw: a consumer fetch returning records at or above the high watermark', () => {
    const { sim, cluster, view, producer, leaderLog } = healthy();
    expect(cluster.fetch({ topic: 't', partition: 0 }, 0)).toMatchObject({ records: [{ value: 'a' }, { value: 'b' }] });
    expect(cluster.checkers.check()).toBeNull();
    // Cut the followers off: the next record stays above the high watermark, and a broken read serves it.
    cluster.applyNetworkFault({ kind: 'partition', between: 'broker-1', and: ['broker-2', 'broker-3'] });
    producer.send({ topic: 't', value: 'c' });
    sim.advance(50);
    expect(leaderLog.logEndOffset).toBe(3);
    expect(view.replicaLog(1).highWatermark).toBe(2);
    const readRecords = leaderLog.readRecords.bind(leaderLog);
    leaderLog.readRecords = (start) => readRecords(start, leaderLog.logEndOffset);
    cluster.fetch({ topic: 't', partition: 0 }, 0);
    expect(cluster.checkers.violations.get('consumers-below-hw')).toMatchObject({
      offsets: [2],
      message: 'a consumer fetch of t-0 returned offsets 2, at or above the high watermark 2',
    });
  });

  it('offsets-strictly-increasing: a replica log with a gap between batches', () => {
    const { cluster, view } = healthy();
    const batches = view.replicaLog(3).activeSegment.batches;
    const second = batches[1]!;
    batches[1] = { ...second, baseOffset: 2, lastOffset: 2 } as StoredBatch;
    expect(cluster.checkers.check()).toMatchObject({
      checker: 'offsets-strictly-increasing',
      offsets: [0, 2],
      message: "broker 3's log of t-0 has a batch 2..2 after offset 0",
    });
  });

  it('no-duplicates: a value of an idempotent producer appended twice', () => {
    const { sim, cluster, view, leaderLog } = healthy();
    const first = leaderLog.batchContaining(0)!;
    expect(first.producerId).toBeGreaterThanOrEqual(0);
    // A broker that skipped the duplicate check would append the retry again.
    leaderLog.appendAsLeader([{ key: null, value: 'a', timestampMs: sim.nowMs }], {
      leaderEpoch: view.leaderEpoch,
      producer: { producerId: first.producerId, producerEpoch: first.producerEpoch, baseSequence: 7 },
    });
    sim.advance(600);
    expect(cluster.checkers.check()).toMatchObject({ checker: 'no-duplicates', offsets: [0, 2], message: '"a" appears twice in t-0: at offsets 0 and 2' });
  });

  it('reports each checker once, and firstViolation is the earliest', () => {
    const { cluster, leaderLog } = healthy();
    leaderLog.truncateTo(0);
    expect(cluster.checkers.check()?.checker).toBe('no-acked-write-lost');
    expect(cluster.checkers.check()).toBeNull();
    expect(cluster.checkers.firstViolation?.checker).toBe('no-acked-write-lost');
  });
});
