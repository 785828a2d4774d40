/**
 * What clients see of broker failures over the cluster network: resets from
 * a crashed process, silence from a host without power or behind a cut, the
 * connection setup timeout, and the errors Kafka's NetworkClient reports.
 */
import { describe, expect, it } from 'vitest';
import { NetworkClient, type RequestFailure } from '../../src/broker/NetworkClient';
import type { KafkaRequest, ProduceResponseBody, ResponseBody } from '../../src/broker/protocol';
import { clusterFixture } from '../support/clusterFixture';

function withClient(topicConfig = {}) {
  const fixture = clusterFixture({ topicConfig });
  const { sim, cluster } = fixture;
  const client = new NetworkClient({ sim, network: cluster.network, self: 'test-client', requestTimeoutMs: 30_000 });
  cluster.network.register('test-client', { receive: (_from, message) => message.kind === 'response' && client.receive(message), disconnected: (peer, since) => client.disconnected(peer, since) });
  const outcomes: { at: number; name: string; body: ResponseBody | null; failure: RequestFailure | null }[] = [];
  const request = (to: string, name: string, build: (correlationId: number) => KafkaRequest, timeoutMs = 30_000) =>
    client.send(to, build, (body, failure) => outcomes.push({ at: sim.elapsedMs, name, body, failure }), timeoutMs);
  const metadata = (to: string, name: string) => request(to, name, (correlationId) => ({ kind: 'metadata', correlationId, topics: ['t'] }));
  const produce = (name: string, value: string, timeoutMs = 30_000) =>
    request('broker-1', name, (correlationId) => ({
      kind: 'produce',
      correlationId,
      acks: -1,
      timeoutMs: 60_000,
      batches: [{ topic: 't', partition: 0, records: [{ key: null, value, timestampMs: sim.nowMs }], uniform: null, producer: null }],
    }), timeoutMs);
  return { ...fixture, client, outcomes, metadata, produce };
}

describe('cluster network: what a client sees of failures', () => {
  it('a healthy broker answers; the response arrives after the link latency', () => {
    const { sim, outcomes, metadata } = withClient();
    metadata('broker-2', 'm');
    sim.advance(10);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.failure).toBeNull();
    expect(outcomes[0]!.body).toMatchObject({ api: 'metadata', brokers: [1, 2, 3] });
  });

  it('a crashed process resets the connection: requests in flight fail with NETWORK_EXCEPTION, in send order, a millisecond later', () => {
    const { sim, cluster, outcomes, produce } = withClient({ 'min.insync.replicas': 3 });
    sim.advance(10);
    cluster.applyNetworkFault({ kind: 'partition', between: 'broker-3', and: ['broker-1'] });
    produce('p1', 'a');
    produce('p2', 'b');
    sim.advance(10);
    expect(outcomes).toEqual([]); // waiting for broker 3 to replicate (acks=all)
    const crashedAt = sim.elapsedMs;
    cluster.crash(1);
    sim.advance(5);
    expect(outcomes.map((o) => [o.name, o.at - crashedAt, o.failure])).toEqual([
      ['p1', 1, { error: 'NETWORK_EXCEPTION', message: 'Disconnected from node 1' }],
      ['p2', 1, { error: 'NETWORK_EXCEPTION', message: 'Disconnected from node 1' }],
    ]);
  });

  it('a host without power is silent: the requests time out after request.timeout.ms, all of them, in send order, when the first does', () => {
    const { sim, cluster, outcomes, produce } = withClient({ 'min.insync.replicas': 3 });
    sim.advance(10);
    cluster.applyNetworkFault({ kind: 'partition', between: 'broker-3', and: ['broker-1'] });
    produce('p1', 'a');
    sim.advance(1_000);
    produce('p2', 'b');
    sim.advance(10);
    cluster.powerLoss(1);
    sim.advance(28_980);
    expect(outcomes).toEqual([]);
    sim.advance(20);
    expect(outcomes.map((o) => [o.name, o.failure])).toEqual([
      ['p1', { error: 'REQUEST_TIMED_OUT', message: 'Disconnected from node 1 due to timeout' }],
      ['p2', { error: 'REQUEST_TIMED_OUT', message: 'Disconnected from node 1 due to timeout' }],
    ]);
  });

  it('connecting to a host without power fails after socket.connection.setup.timeout.ms', () => {
    const { sim, cluster, outcomes, metadata } = withClient();
    cluster.powerLoss(2);
    sim.advance(1);
    metadata('broker-2', 'm');
    sim.advance(9_999);
    expect(outcomes).toEqual([]);
    sim.advance(1);
    expect(outcomes[0]!.failure).toEqual({ error: 'NETWORK_EXCEPTION', message: 'Connection to node 2 could not be established. Node may not be available.' });
  });

  it('connecting to a host that is up without a process is refused at once', () => {
    const { sim, cluster, outcomes, metadata } = withClient();
    cluster.crash(2);
    sim.advance(5);
    metadata('broker-2', 'm');
    sim.advance(5);
    expect(outcomes.map((o) => [o.at - 5, o.failure?.error])).toEqual([[1, 'NETWORK_EXCEPTION']]);
  });

  it('a partition breaks the connection: a request sent into it is lost and times out after request.timeout.ms', () => {
    const { sim, cluster, outcomes, metadata } = withClient();
    metadata('broker-2', 'before');
    sim.advance(10);
    cluster.applyNetworkFault({ kind: 'partition', between: 'test-client', and: ['broker-2'] });
    metadata('broker-2', 'lost');
    sim.advance(10);
    cluster.applyNetworkFault({ kind: 'heal' });
    sim.advance(29_989);
    expect(outcomes.map((o) => o.name)).toEqual(['before']);
    sim.advance(1);
    expect(outcomes[1]).toMatchObject({ name: 'lost', failure: { error: 'REQUEST_TIMED_OUT', message: 'Disconnected from node 2 due to timeout' } });
    metadata('broker-2', 'after');
    sim.advance(10);
    expect(outcomes[2]).toMatchObject({ name: 'after', failure: null });
  });

  it('after the heal, a request on the broken connection meets a reset, failing it and the lost one; the next request reconnects', () => {
    const { sim, cluster, outcomes, metadata } = withClient();
    metadata('broker-2', 'before');
    sim.advance(10);
    cluster.applyNetworkFault({ kind: 'partition', between: 'test-client', and: ['broker-2'] });
    metadata('broker-2', 'lost');
    sim.advance(10);
    cluster.applyNetworkFault({ kind: 'heal' });
    metadata('broker-2', 'behind');
    sim.advance(5);
    expect(outcomes.map((o) => [o.name, o.failure?.message ?? 'ok'])).toEqual([
      ['before', 'ok'],
      ['lost', 'Disconnected from node 2'],
      ['behind', 'Disconnected from node 2'],
    ]);
    metadata('broker-2', 'after');
    sim.advance(10);
    expect(outcomes[3]).toMatchObject({ name: 'after', failure: null });
  });

  it('acks=all waits for the ISR; with broker 3 cut off it completes when the ISR shrinks to [1, 2]', () => {
    const { sim, cluster, outcomes, produce } = withClient({ 'min.insync.replicas': 2 });
    sim.advance(10);
    cluster.applyNetworkFault({ kind: 'partition', between: 'broker-3', and: ['broker-1'] });
    produce('p', 'a', 70_000);
    sim.advance(40_000);
    expect(outcomes).toEqual([]);
    sim.advance(10_000); // the ISR check runs every replica.lag.time.max.ms / 2
    expect(cluster.partition({ topic: 't', partition: 0 })!.isr).toEqual([1, 2]);
    const body = outcomes[0]!.body as ProduceResponseBody;
    expect(body.partitions[0]).toMatchObject({ error: null, baseOffset: 0 });
  });
});
