import { describe, expect, it } from 'vitest';
import type { SendResult } from '../../src/broker/producer/KafkaProducer';
import { clusterFixture, traceOf } from '../support/clusterFixture';

const valuesIn = (log: { readRecords(start: number, end?: number): unknown }) =>
  (log.readRecords(0, Number.MAX_SAFE_INTEGER) as { value: string | null }[]).map((r) => r.value);

describe('producer client: batching and acknowledgements', () => {
  it('acks=0: the record counts as sent once the request leaves, with offset -1', () => {
    const { sim, cluster } = clusterFixture();
    const producer = cluster.createProducer({ acks: '0', 'linger.ms': 0 });
    const handle = producer.send({ topic: 't', value: 'a' });
    sim.advance(20);
    expect(handle.result).toMatchObject({ ok: true, topic: 't', partition: 0, offset: -1 });
    expect(valuesIn(cluster.partition({ topic: 't', partition: 0 })!.leaderLog())).toEqual(['a']);
  });

  it('acks=all: the result carries topic, partition, offset and the send time as timestamp once the ISR has the record', () => {
    const { sim, cluster } = clusterFixture();
    sim.advance(100);
    const producer = cluster.createProducer({ acks: 'all', 'linger.ms': 0 });
    const handle = producer.send({ topic: 't', value: 'a' });
    sim.advance(50);
    expect(handle.result).toEqual({ ok: true, topic: 't', partition: 0, offset: 0, timestampMs: handle.sentAtMs });
    const view = cluster.partition({ topic: 't', partition: 0 })!;
    for (const id of view.isr) expect(view.replicaLog(id).logEndOffset).toBe(1);
  });

  it('linger.ms: records sent while a batch lingers join it; each batch of the log is one producer batch', () => {
    const { sim, cluster } = clusterFixture();
    const producer = cluster.createProducer({ 'linger.ms': 50 });
    sim.advance(100); // metadata and producer id first
    for (let i = 0; i < 3; i++) {
      producer.send({ topic: 't', value: `r${i}` });
      sim.advance(10);
    }
    sim.advance(100);
    const leaderLog = cluster.partition({ topic: 't', partition: 0 })!.leaderLog();
    expect(leaderLog.activeSegment.batches.map((b) => b.lastOffset - b.baseOffset + 1)).toEqual([3]);
    const requests = traceOf(sim, 'producer.request');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.batches).toEqual([{ partition: 't-0', records: 3, attempt: 1, baseSequence: 0 }]);
  });

  it('max.block.ms: a topic that never appears in metadata fails its records with the Java client\'s message', () => {
    const { sim, cluster } = clusterFixture();
    const producer = cluster.createProducer({ 'max.block.ms': 5_000 });
    const handle = producer.send({ topic: 'missing', value: 'a' });
    sim.advance(4_999);
    expect(handle.result).toBeNull();
    sim.advance(1);
    expect(handle.result).toEqual({
      ok: false,
      topic: 'missing',
      partition: -1,
      error: 'REQUEST_TIMED_OUT',
      exception: 'TimeoutException',
      message: 'Topic missing not present in metadata after 5000 ms.',
    });
  });

  it('delivery.timeout.ms: a batch that cannot reach its leader expires with "Expiring N record(s)"', () => {
    const { sim, cluster } = clusterFixture();
    const producer = cluster.createProducer({ 'linger.ms': 0 });
    producer.send({ topic: 't', value: 'a' });
    sim.advance(100);
    cluster.applyNetworkFault({ kind: 'partition', between: 'producer-1' });
    const handle = producer.send({ topic: 't', value: 'b' });
    sim.advance(119_999);
    expect(handle.result).toBeNull();
    sim.advance(1);
    expect(handle.result).toMatchObject({
      ok: false,
      error: 'REQUEST_TIMED_OUT',
      exception: 'TimeoutException',
      message: 'Expiring 1 record(s) for t-0:120000 ms has passed since batch creation',
    });
  });
});

describe('producer client: retries, duplicates and order', () => {
  /** The first response from the leader is lost; the request times out and is retried. */
  function lostResponse(config: Record<string, unknown>) {
    const fixture = clusterFixture();
    const { sim, cluster } = fixture;
    const producer = cluster.createProducer({ 'linger.ms': 0, ...config });
    producer.send({ topic: 't', value: 'w' }); // metadata (and producer id) first
    sim.advance(100);
    cluster.applyNetworkFault({ kind: 'drop', from: 'broker-1', to: 'producer-1', probability: 1 });
    const handle = producer.send({ topic: 't', value: 'x' });
    sim.advance(20);
    cluster.applyNetworkFault({ kind: 'heal' });
    sim.advance(40_000);
    return { ...fixture, handle, log: cluster.partition({ topic: 't', partition: 0 })!.leaderLog() };
  }

  it('without idempotence a retry after a lost response writes the record twice (at-least-once)', () => {
    const { sim, handle, log } = lostResponse({ 'enable.idempotence': false, acks: 'all' });
    expect(valuesIn(log)).toEqual(['w', 'x', 'x']);
    expect(handle.result).toMatchObject({ ok: true, offset: 2 });
    expect(traceOf(sim, 'producer.retry')[0]).toMatchObject({ error: 'REQUEST_TIMED_OUT', attempt: 2 });
  });

  it('with idempotence the broker recognises the retry and answers with the original offset', () => {
    const { sim, handle, log } = lostResponse({});
    expect(traceOf(sim, 'producer.retry')[0]).toMatchObject({ error: 'REQUEST_TIMED_OUT', attempt: 2 });
    expect(valuesIn(log)).toEqual(['w', 'x']);
    expect(handle.result).toMatchObject({ ok: true, offset: 1 });
  });

  it('results of one partition arrive in send order, across a leader failover', () => {
    const { sim, cluster } = clusterFixture({ topicConfig: { 'min.insync.replicas': 2 } });
    cluster.addPartitions('t', 2);
    const producer = cluster.createProducer({ 'linger.ms': 0, acks: 'all' });
    const order: SendResult[] = [];
    for (let i = 0; i < 40; i++) {
      producer.send({ topic: 't', partition: i % 2, value: `v${i}` }, (result) => order.push(result));
      sim.advance(i === 10 ? 0 : 7);
      if (i === 10) cluster.crash(cluster.partition({ topic: 't', partition: 0 })!.leaderId);
    }
    sim.advance(60_000);
    expect(order).toHaveLength(40);
    expect(traceOf(sim, 'producer.retry').length).toBeGreaterThan(0);
    for (const p of [0, 1]) {
      const offsets = order.filter((r) => r.partition === p).map((r) => (r.ok ? r.offset : -2));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      expect(offsets.every((o) => o >= 0)).toBe(true);
    }
  });

  it('a stale leader answers NOT_LEADER_OR_FOLLOWER; the producer refreshes its metadata and retries on the new leader', () => {
    const { sim, cluster } = clusterFixture({ topicConfig: { 'min.insync.replicas': 2 } });
    // No periodic refresh: only errors and disconnects make the producer ask again.
    const producer = cluster.createProducer({ 'linger.ms': 0, acks: 'all', 'metadata.max.age.ms': 3_600_000 });
    producer.send({ topic: 't', value: 'a' });
    sim.advance(100);
    cluster.shutdown(1); // leadership moves to broker 2
    sim.advance(10_000);
    cluster.start(1);
    producer.send({ topic: 't', value: 'b' });
    sim.advance(1_000);
    // The preferred leader (broker 1) takes over at the next imbalance check; the producer still knows broker 2.
    sim.advance(300_000);
    expect(cluster.partition({ topic: 't', partition: 0 })!.leaderId).toBe(1);
    const handle = producer.send({ topic: 't', value: 'c' });
    sim.advance(1_000);
    expect(handle.result).toMatchObject({ ok: true, offset: 2 });
    expect(traceOf(sim, 'producer.retry').map((r) => r.error)).toContain('NOT_LEADER_OR_FOLLOWER');
  });
});
