import { describe, expect, it } from 'vitest';
import { clusterFixture, traceOf } from '../support/clusterFixture';

const rec = (value: string, timestampMs = 0) => ({ value, timestampMs });

describe('replication: followers, high watermark and ISR', () => {
  it('followers replicate the leader; the leader advances the high watermark once every ISR member fetched', () => {
    const { sim, cluster, tp } = clusterFixture();
    const view = cluster.partition(tp)!;
    expect(view.leaderId).toBe(1);
    expect(view.isr).toEqual([1, 2, 3]);
    cluster.produce(tp, [rec('a'), rec('b')]);
    expect(view.replicaLog(1).highWatermark).toBe(0);
    sim.advance(20);
    for (const id of [1, 2, 3]) expect(view.replicaLog(id).logEndOffset).toBe(2);
    expect(view.replicaLog(1).highWatermark).toBe(2);
  });

  it('replication: a follower learns the high watermark only from its next fetch response (up to replica.fetch.wait.max.ms later when idle)', () => {
    const { sim, cluster, tp } = clusterFixture();
    const view = cluster.partition(tp)!;
    sim.advance(10);
    cluster.produce(tp, [rec('a')]);
    sim.advance(10);
    expect(view.replicaLog(1).highWatermark).toBe(1);
    expect(view.replicaLog(2).logEndOffset).toBe(1);
    expect(view.replicaLog(2).highWatermark).toBe(0);
    sim.advance(600);
    expect(view.replicaLog(2).highWatermark).toBe(1);
  });

  it('replication: ISR shrink when a follower lags past replica.lag.time.max.ms, and it rejoins once caught up', () => {
    const { sim, cluster, tp } = clusterFixture();
    const view = cluster.partition(tp)!;
    cluster.applyNetworkFault({ kind: 'partition', between: 'broker-3', and: ['broker-1', 'broker-2'] });
    sim.advance(10);
    cluster.produce(tp, [rec('a')]);
    sim.advance(29_000);
    expect(view.isr).toEqual([1, 2, 3]);
    // Checked every 15 s: a follower may lag up to 1.5 × replica.lag.time.max.ms.
    sim.advance(16_000);
    expect(view.isr).toEqual([1, 2]);
    const shrink = traceOf(sim, 'isr.shrink')[0]!;
    expect(shrink).toMatchObject({ broker: 1, isr: [1, 2, 3], newIsr: [1, 2] });
    expect(view.replicaLog(1).highWatermark).toBe(1);
    // The follower's fetch sent into the partition is lost; it notices when replica.socket.timeout.ms (30 s) passes.
    cluster.applyNetworkFault({ kind: 'heal' });
    sim.advance(30_000);
    expect(view.isr).toEqual([1, 2, 3]);
    expect(view.replicaLog(3).logEndOffset).toBe(1);
  });
});

describe('replication: elections', () => {
  it('a crashed leader is fenced after broker.session.timeout.ms and the first in-sync replica leads with a new epoch', () => {
    const { sim, cluster, tp } = clusterFixture();
    const view = cluster.partition(tp)!;
    cluster.produce(tp, [rec('a')]);
    // Heartbeats every broker.heartbeat.interval.ms (2000): the last one before the crash is at 2000.
    sim.advance(2_010);
    cluster.crash(1);
    sim.advance(8_900);
    expect(view.leaderId).toBe(1);
    expect(cluster.produce(tp, [rec('b')])).toMatchObject({ error: 'NETWORK_EXCEPTION' });
    sim.advance(200);
    expect(view.leaderId).toBe(2);
    expect(view.leaderEpoch).toBe(1);
    expect(view.isr).toEqual([2, 3]);
    expect(traceOf(sim, 'controller.fence')[0]).toMatchObject({ broker: 1, reason: 'session expired' });
  });

  it('clean election: when the last in-sync replica dies the partition is offline, keeps it in the ISR, and it leads again when back', () => {
    const { sim, cluster, tp } = clusterFixture({ brokers: 2 });
    const view = cluster.partition(tp)!;
    cluster.applyNetworkFault({ kind: 'partition', between: 'broker-2', and: 'broker-1' });
    sim.advance(50_000);
    expect(view.isr).toEqual([1]);
    cluster.crash(1);
    sim.advance(10_000);
    expect(view.leaderId).toBe(-1);
    expect(view.isr).toEqual([1]);
    expect(cluster.produce(tp, [rec('x')])).toMatchObject({ error: 'LEADER_NOT_AVAILABLE' });
    expect(cluster.fetch(tp, 0)).toMatchObject({ error: 'LEADER_NOT_AVAILABLE' });
    cluster.start(1);
    sim.advance(5_000);
    expect(view.leaderId).toBe(1);
  });

  it('unclean election: with unclean.leader.election.enable the first live replica leads and the ISR becomes just it', () => {
    const { sim, cluster, tp } = clusterFixture({ brokers: 2, topicConfig: { 'unclean.leader.election.enable': true } });
    const view = cluster.partition(tp)!;
    cluster.applyNetworkFault({ kind: 'partition', between: 'broker-2', and: 'broker-1' });
    cluster.produce(tp, [rec('a')]);
    sim.advance(50_000);
    expect(view.isr).toEqual([1]);
    cluster.applyNetworkFault({ kind: 'heal' });
    cluster.crash(1);
    sim.advance(10_000);
    expect(view.leaderId).toBe(2);
    expect(view.isr).toEqual([2]);
    const election = traceOf(sim, 'controller.partition').find((r) => r.unclean === true);
    expect(election).toMatchObject({ leader: 2, previousLeader: 1 });
    expect(view.replicaLog(2).logEndOffset).toBe(0);
  });

  it('controlled shutdown moves leadership first, flushes, and the restart skips recovery', () => {
    const { sim, cluster, tp } = clusterFixture();
    const view = cluster.partition(tp)!;
    cluster.produce(tp, [rec('a'), rec('b')]);
    sim.advance(100);
    cluster.shutdown(1);
    sim.advance(10);
    expect(view.leaderId).toBe(2);
    sim.advance(5_000);
    expect(cluster.broker(1).state).toBe('stopped');
    expect(view.replicaLog(1).recoveryPoint).toBe(2);
    cluster.broker(1).powerLoss();
    cluster.start(1);
    expect(traceOf(sim, 'broker.recovered').at(-1)).toMatchObject({ broker: 1, clean: true });
    expect(view.replicaLog(1).logEndOffset).toBe(2);
  });
});

describe('replication: min.insync.replicas', () => {
  it('acks=all is rejected before the append with NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas', () => {
    const { sim, cluster, tp } = clusterFixture({ topicConfig: { 'min.insync.replicas': 2 } });
    const producer = cluster.createProducer({ acks: 'all', 'linger.ms': 0, 'delivery.timeout.ms': 40_000 });
    cluster.crash(2);
    cluster.crash(3);
    sim.advance(10_000);
    expect(cluster.partition(tp)!.isr).toEqual([1]);
    const handle = producer.send({ topic: 't', value: 'x' });
    sim.advance(45_000);
    expect(handle.result).toMatchObject({ ok: false, error: 'REQUEST_TIMED_OUT' });
    expect(traceOf(sim, 'producer.retry').some((r) => r.error === 'NOT_ENOUGH_REPLICAS')).toBe(true);
    expect(cluster.partition(tp)!.replicaLog(1).logEndOffset).toBe(0);
  });

  it('since 3.7 the high watermark waits while the ISR is below min(min.insync.replicas, RF); 3.6 advances it', () => {
    for (const version of ['3.6', '4.0'] as const) {
      const { sim, cluster, tp } = clusterFixture({ topicConfig: { 'min.insync.replicas': 2 }, replication: { version } });
      cluster.crash(2);
      cluster.crash(3);
      sim.advance(10_000);
      expect(cluster.produce(tp, [rec('a')])).toMatchObject({ firstOffset: 0 });
      sim.advance(100);
      expect(cluster.partition(tp)!.replicaLog(1).highWatermark).toBe(version === '3.6' ? 1 : 0);
    }
  });
});

describe('replication: restart and recovery', () => {
  it('a power loss drops unflushed records; the restart recovers the log and the high watermark from replication-offset-checkpoint', () => {
    const { sim, cluster, tp } = clusterFixture();
    const view = cluster.partition(tp)!;
    cluster.produce(tp, [rec('a'), rec('b')]);
    sim.advance(6_000);
    expect(cluster.broker(3).disk.exists('kafka-logs/replication-offset-checkpoint')).toBe(true);
    cluster.powerLoss(3);
    cluster.start(3);
    const recovered = traceOf(sim, 'log.recover').find((r) => r.broker === 3)!;
    expect(recovered).toMatchObject({ logEndOffsetBefore: 2, logEndOffset: 0, highWatermark: 0 });
    sim.advance(20_000);
    expect(view.replicaLog(3).logEndOffset).toBe(2);
  });

  it('flush.messages=1 makes every append durable, so a power loss loses nothing', () => {
    const { sim, cluster, tp } = clusterFixture({ topicConfig: { 'flush.messages': 1 } });
    cluster.produce(tp, [rec('a'), rec('b')]);
    sim.advance(100);
    cluster.powerLoss(2);
    cluster.start(2);
    expect(traceOf(sim, 'log.recover').find((r) => r.broker === 2)).toMatchObject({ lostRecords: 0, logEndOffset: 2 });
  });
});
