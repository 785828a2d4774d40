/**
 * What leaders answer consumers: records only below the high watermark, a
 * long poll that ends as soon as the high watermark passes the fetch
 * offset, and Kafka's offsets for ListOffsets.
 */
import { describe, expect, it } from 'vitest';
import { KafkaCluster } from '../../../src/broker/KafkaCluster';
import { NetworkClient } from '../../../src/broker/NetworkClient';
import { CONSUMER_REPLICA_ID, type FetchResponseBody, type ListOffsetsResponseBody, type ResponseBody } from '../../../src/broker/protocol';
import { Simulation } from '../../../src/sim/Simulation';

function setup() {
  const sim = new Simulation({ seed: 'consumer-reads' });
  const cluster = new KafkaCluster({ sim, brokerIds: [1, 2] });
  cluster.createTopic('events', { replicationFactor: 2 });
  const client = new NetworkClient({ sim, network: cluster.network, self: 'reader', requestTimeoutMs: 30_000 });
  cluster.network.register('reader', { receive: (_f, m) => m.kind === 'response' && client.receive(m), disconnected: () => {} });
  const fetch = (fetchOffset: number, maxWaitMs = 500) => {
    const got: { body: FetchResponseBody | null; atMs: number } = { body: null, atMs: -1 };
    client.send(
      'broker-1',
      (correlationId) => ({ kind: 'fetch', correlationId, replicaId: CONSUMER_REPLICA_ID, brokerEpoch: -1, maxWaitMs, minBytes: 1, maxBytes: 52_428_800, partitions: [{ topic: 'events', partition: 0, fetchOffset, currentLeaderEpoch: 0 }] }),
      (body: ResponseBody | null) => {
        got.body = body as FetchResponseBody;
        got.atMs = sim.elapsedMs;
      },
    );
    return got;
  };
  return { sim, cluster, client, fetch };
}

describe('consumer reads on the leader', () => {
  it('a consumer fetch returns nothing above the high watermark while a follower is gone, and the waiting fetch returns the moment the controller fences it, the ISR shrinks and the high watermark moves', () => {
    const { sim, cluster, fetch } = setup();
    sim.advance(1_000);
    cluster.crash(2);
    const appended = cluster.produce({ topic: 'events', partition: 0 }, [{ key: null, value: 'a', timestampMs: sim.nowMs }]);
    expect('error' in appended).toBe(false);
    expect(cluster.partition({ topic: 'events', partition: 0 })!.leaderLog().highWatermark).toBe(0);
    const waiting = fetch(0, 120_000);
    sim.advance(5_000);
    expect(waiting.body).toBeNull();
    sim.advance(15_000);
    expect(waiting.body!.partitions[0]!.batches.length).toBe(1);
    expect(waiting.body!.partitions[0]!.highWatermark).toBe(1);
    // Answered when broker.session.timeout.ms (9 s) fenced broker 2 out of the ISR, long before the fetch's own wait ended.
    expect(waiting.atMs).toBeGreaterThan(9_000);
    expect(waiting.atMs).toBeLessThan(15_000);
  });

  it('an idle fetch is answered after fetch.max.wait.ms, and one past the log end with OFFSET_OUT_OF_RANGE at once', () => {
    const { sim, fetch } = setup();
    sim.advance(1_000);
    const idle = fetch(0, 500);
    sim.advance(499);
    expect(idle.body).toBeNull();
    sim.advance(10);
    expect(idle.body!.partitions[0]!.batches).toEqual([]);
    const beyond = fetch(5, 500);
    sim.advance(5);
    expect(beyond.body!.partitions[0]!.error).toBe('OFFSET_OUT_OF_RANGE');
  });

  it('ListOffsets: earliest is the log start, latest the high watermark, a time the first record at or after it', () => {
    const { sim, cluster, client } = setup();
    cluster.produce({ topic: 'events', partition: 0 }, [{ key: null, value: 'a', timestampMs: sim.nowMs }]);
    sim.advance(5_000);
    cluster.produce({ topic: 'events', partition: 0 }, [{ key: null, value: 'b', timestampMs: sim.nowMs }]);
    sim.advance(1_000);
    let body: ListOffsetsResponseBody | null = null;
    client.send(
      'broker-1',
      (correlationId) => ({
        kind: 'list-offsets',
        correlationId,
        replicaId: CONSUMER_REPLICA_ID,
        partitions: [-2, -1, sim.nowMs - 3_000, sim.nowMs].map((timestampMs) => ({ topic: 'events', partition: 0, timestampMs, currentLeaderEpoch: 0 })),
      }),
      (b) => (body = b as ListOffsetsResponseBody),
    );
    sim.advance(10);
    expect(body!.partitions.map((p) => p.offset)).toEqual([0, 2, 1, -1]);
  });
});
