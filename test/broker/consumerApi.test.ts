/**
 * The consumer-facing facade (fetch, listOffsets) is served by the current
 * leader, with the errors a Kafka client would get when there is none.
 */
import { describe, expect, it } from 'vitest';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../../src/broker/UnifiedLog';
import { clusterFixture } from '../support/clusterFixture';

describe('consumer fetch and listOffsets from the current leader', () => {
  it('fetch returns records below the high watermark only; listOffsets answers EARLIEST, LATEST and timestamps', () => {
    const { sim, cluster, tp } = clusterFixture();
    cluster.produce(tp, [{ value: 'a', timestampMs: 1_000 }, { value: 'b', timestampMs: 2_000 }]);
    expect(cluster.fetch(tp, 0)).toMatchObject({ records: [], highWatermark: 0, nextOffset: 0 });
    sim.advance(20);
    expect(cluster.fetch(tp, 0)).toMatchObject({ records: [{ offset: 0, value: 'a' }, { offset: 1, value: 'b' }], highWatermark: 2, nextOffset: 2 });
    expect(cluster.fetch(tp, 1, { maxRecords: 1 })).toMatchObject({ records: [{ offset: 1 }], nextOffset: 2 });
    expect(cluster.listOffsets(tp, EARLIEST_TIMESTAMP)).toEqual({ error: null, offset: 0, timestampMs: -1 });
    expect(cluster.listOffsets(tp, LATEST_TIMESTAMP)).toEqual({ error: null, offset: 2, timestampMs: -1 });
    expect(cluster.listOffsets(tp, 1_500)).toEqual({ error: null, offset: 1, timestampMs: 2_000 });
    expect(cluster.listOffsets(tp, 5_000)).toEqual({ error: null, offset: -1, timestampMs: -1 });
  });

  it('a fetch past the log end is OFFSET_OUT_OF_RANGE; an unknown partition is UNKNOWN_TOPIC_OR_PARTITION', () => {
    const { sim, cluster, tp } = clusterFixture();
    cluster.produce(tp, [{ value: 'a', timestampMs: 0 }]);
    sim.advance(20);
    expect(cluster.fetch(tp, 5)).toMatchObject({ error: 'OFFSET_OUT_OF_RANGE' });
    expect(cluster.fetch({ topic: 'nope', partition: 0 }, 0)).toMatchObject({ error: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(cluster.listOffsets({ topic: 't', partition: 7 }, LATEST_TIMESTAMP)).toMatchObject({ error: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('a crashed leader not yet fenced: NETWORK_EXCEPTION; once fenced the next leader serves the same committed records', () => {
    const { sim, cluster, tp } = clusterFixture();
    cluster.produce(tp, [{ value: 'a', timestampMs: 0 }]);
    sim.advance(1_000);
    cluster.crash(1);
    expect(cluster.fetch(tp, 0)).toMatchObject({ error: 'NETWORK_EXCEPTION', message: 'Disconnected from node 1' });
    sim.advance(10_000);
    expect(cluster.partition(tp)!.leaderId).toBe(2);
    expect(cluster.fetch(tp, 0)).toMatchObject({ records: [{ value: 'a' }], highWatermark: 1 });
  });

  it('no live in-sync replica: LEADER_NOT_AVAILABLE for fetch and listOffsets', () => {
    const { sim, cluster, tp } = clusterFixture();
    for (const id of [2, 3, 1]) cluster.crash(id);
    sim.advance(15_000);
    expect(cluster.partition(tp)!.hasLeader).toBe(false);
    expect(cluster.fetch(tp, 0)).toMatchObject({ error: 'LEADER_NOT_AVAILABLE' });
    expect(cluster.listOffsets(tp, LATEST_TIMESTAMP)).toMatchObject({ error: 'LEADER_NOT_AVAILABLE' });
  });

  it('between the election and the new leader learning of it, the old metadata names a broker that answers NOT_LEADER_OR_FOLLOWER', () => {
    const { sim, cluster, tp } = clusterFixture();
    sim.advance(100);
    cluster.shutdown(1);
    const view = cluster.partition(tp)!;
    sim.runWhile(() => view.leaderId === 1);
    expect(view.leaderId).toBe(2);
    expect(cluster.fetch(tp, 0)).toMatchObject({ error: 'NOT_LEADER_OR_FOLLOWER' });
    sim.advance(10);
    expect(cluster.fetch(tp, 0)).toMatchObject({ error: null });
  });

  it('a new leader whose high watermark lags the start of its epoch answers LATEST with OFFSET_NOT_AVAILABLE until a follower catches up', () => {
    const { sim, cluster, tp } = clusterFixture();
    sim.advance(100);
    const view = cluster.partition(tp)!;
    cluster.produce(tp, [{ value: 'a', timestampMs: 0 }]);
    // The followers fetch 'a' but learn the high watermark only from their next fetch response.
    sim.advance(5);
    expect([view.replicaLog(2).logEndOffset, view.replicaLog(2).highWatermark]).toEqual([1, 0]);
    cluster.shutdown(1);
    sim.runWhile(() => view.leaderId !== 2 || 'error' in cluster.leaderPartition(tp));
    expect(view.leaderId).toBe(2);
    expect(cluster.listOffsets(tp, LATEST_TIMESTAMP)).toEqual({
      error: 'OFFSET_NOT_AVAILABLE',
      message: "Failed to fetch offsets for partition t-0 with leader epoch 1 as this partition's high watermark (0) is lagging behind the start offset from the beginning of this epoch (1).",
    });
    expect(cluster.listOffsets(tp, 0)).toMatchObject({ error: 'OFFSET_NOT_AVAILABLE' });
    expect(cluster.listOffsets(tp, EARLIEST_TIMESTAMP)).toMatchObject({ error: null, offset: 0 });
    sim.advance(1_000);
    expect(cluster.listOffsets(tp, LATEST_TIMESTAMP)).toEqual({ error: null, offset: 1, timestampMs: -1 });
  });
});
