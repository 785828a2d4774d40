/**
 * Follower truncation after leader changes: by leader epoch (KIP-101, with
 * KIP-279's repeated OffsetsForLeaderEpoch when the follower does not know
 * the leader's epoch) and, before 0.11, to the high watermark.
 */
import { describe, expect, it } from 'vitest';
import type { UnifiedLog } from '../../src/broker/UnifiedLog';
import { clusterFixture, traceOf } from '../support/clusterFixture';

const values = (log: UnifiedLog) => (log.readRecords(0, log.logEndOffset) as { value: string | null }[]).map((r) => r.value);
const epochs = (log: UnifiedLog) => log.leaderEpochCache.entries().map((e) => [e.epoch, e.startOffset]);

describe('follower truncation', () => {
  it('KIP-279: a follower whose last epoch the leader never had truncates in two rounds to where their histories meet', () => {
    const { sim, cluster, tp } = clusterFixture({ brokers: 2, topicConfig: { 'unclean.leader.election.enable': true } });
    const view = cluster.partition(tp)!;
    const produce = (value: string) => expect(cluster.produce(tp, [{ value, timestampMs: sim.nowMs }])).not.toHaveProperty('error');
    produce('a'); // epoch 0 on broker 1, replicated
    sim.advance(1_000);
    // Leadership to broker 2 (epoch 1) and back to broker 1 (epoch 2) by the preferred election.
    cluster.shutdown(1);
    sim.advance(5_000);
    cluster.start(1);
    sim.advance(301_000);
    expect([view.leaderId, view.leaderEpoch, [...view.isr].sort()]).toEqual([1, 2, [1, 2]]);
    // Broker 2 cannot fetch: 'b' (epoch 2) stays on broker 1 alone.
    cluster.applyNetworkFault({ kind: 'partition', between: 'broker-1', and: ['broker-2'] });
    produce('b');
    sim.advance(46_000);
    expect(view.isr).toEqual([1]);
    // Broker 1 dies; broker 2 is elected uncleanly (epoch 3) and writes 'c' alone.
    cluster.crash(1);
    sim.advance(10_000);
    expect([view.leaderId, view.leaderEpoch]).toEqual([2, 3]);
    produce('c');
    // Broker 2 dies; broker 1 returns and is elected uncleanly (epoch 4), writing 'd'.
    cluster.crash(2);
    cluster.start(1);
    sim.advance(12_000);
    expect([view.leaderId, view.leaderEpoch]).toEqual([1, 4]);
    produce('d');
    expect(epochs(view.replicaLog(1))).toEqual([[0, 0], [2, 1], [4, 2]]);
    expect(epochs(view.replicaLog(2))).toEqual([[0, 0], [3, 1]]);
    // Broker 2 returns as a follower. Asked about its epoch 3, the leader answers "epoch 2 ends at 2";
    // broker 2 never had epoch 2, so it cuts to the end of its epoch 0 (offset 1) and asks again.
    cluster.applyNetworkFault({ kind: 'heal' });
    const before = sim.trace.records.length;
    cluster.start(2);
    sim.advance(5_000);
    expect(values(view.replicaLog(2))).toEqual(['a', 'b', 'd']);
    const requests = sim.trace.records.slice(before).filter((r) => r.type === 'replica.epoch-request') as unknown as { broker: number; leaderEpoch: number }[];
    expect(requests.map((r) => [r.broker, r.leaderEpoch])).toEqual([
      [2, 3],
      [2, 0],
    ]);
    expect(traceOf(sim, 'replica.truncate').filter((r) => r.broker === 2 && r.from === 2)).toMatchObject([
      { to: 1, rule: 'leader-epoch', reason: 'the leader answered with epoch 2, unknown here: truncate to 1, the end of epoch 0, and ask again' },
    ]);
    expect(cluster.checkers.check()).toBeNull();
  });

  for (const rule of ['high-watermark', 'leader-epoch'] as const) {
    it(`a restarted follower whose checkpointed high watermark lags its log: ${rule === 'high-watermark' ? 'cuts its log to the checkpoint and fetches it again (pre-0.11)' : 'asks the leader and keeps its log (KIP-101)'}`, () => {
      const { sim, cluster, tp } = clusterFixture({ replication: { followerTruncation: rule } });
      const view = cluster.partition(tp)!;
      sim.advance(6_000); // past the first high watermark checkpoint (0)
      cluster.produce(tp, [{ value: 'a', timestampMs: sim.nowMs }, { value: 'b', timestampMs: sim.nowMs }]);
      sim.advance(1_000);
      expect(view.replicaLog(3).highWatermark).toBe(2);
      cluster.crash(3); // before the next checkpoint: the file still says 0
      cluster.start(3);
      // Registration waits until the old incarnation's session expires (DUPLICATE_BROKER_REGISTRATION before).
      sim.advance(15_000);
      const truncations = traceOf(sim, 'replica.truncate').filter((r) => r.broker === 3);
      if (rule === 'high-watermark') {
        expect(truncations).toMatchObject([{ from: 2, to: 0, rule, reason: 'it became a follower of broker 1 (epoch 0): truncate to its own high watermark 0' }]);
      } else {
        expect(truncations).toEqual([]);
        expect(traceOf(sim, 'replica.epoch-request').filter((r) => r.broker === 3)).toHaveLength(1);
      }
      expect(values(view.replicaLog(3))).toEqual(['a', 'b']);
      expect(cluster.checkers.check()).toBeNull();
    });
  }
});
