/**
 * End-to-end figure of consumer groups (issue 5):
 *
 *   end_to_end_records_per_s: a 3-broker cluster, one topic of 12
 *     partitions (RF=3, min.insync.replicas=2); a client producing batches of
 *     100 × 100-byte records round robin over the partitions with acks=all
 *     and 5 requests in flight per broker; one group of 3 KafkaConsumers
 *     (range assignor, enable.auto.commit=false) that, for every poll,
 *     stores the next offsets in a simulated Redis (appendonly yes,
 *     appendfsync everysec) with one pipelined HSET per partition, as the
 *     offset-store tutorial does. Every Produce, replica fetch, consumer
 *     fetch, heartbeat and their responses is a simulated network message.
 *     1,000,000 records are produced and consumed; wall time covers both,
 *     from the first send to the last record's offset stored in Redis.
 */
import { RedisOffsetStore } from '../src/app/RedisOffsetStore';
import type { KafkaConsumer } from '../src/broker/consumer/KafkaConsumer';
import { KafkaCluster } from '../src/broker/KafkaCluster';
import { NetworkClient } from '../src/broker/NetworkClient';
import type { ProduceResponseBody } from '../src/broker/protocol';
import { RedisHost } from '../src/redis/persistence/RedisHost';
import { Simulation } from '../src/sim/Simulation';
import { round, timeMs, type Figure } from './harness';

const PARTITIONS = 12;
const BATCH_RECORDS = 100;
const VALUE_BYTES = 100;
const IN_FLIGHT_PER_BROKER = 5;

export interface EndToEndRun {
  readonly wallMs: number;
  readonly simulatedMs: number;
  readonly events: number;
  readonly polls: number;
  readonly fetches: number;
}

/** Produce and consume `records`; returns the wall time of the run and what it took. */
export function endToEnd(records: number): EndToEndRun {
  const sim = new Simulation({ seed: 'bench-e2e', recordTrace: false });
  const cluster = new KafkaCluster({ sim, brokerIds: [1, 2, 3] });
  cluster.createTopic('events', { partitions: PARTITIONS, replicationFactor: 3, config: { 'min.insync.replicas': 2 } });
  const redis = new RedisHost({ sim, name: 'redis', config: { appendonly: 'yes', appendfsync: 'everysec', save: '' } as never });
  const started = redis.start();
  if (!started.ok) throw new Error(started.log.join('\n'));
  const store = new RedisOffsetStore(started.server.connect());
  const consumers: KafkaConsumer[] = [1, 2, 3].map((i) => cluster.createConsumer({ 'group.id': 'bench', 'client.id': `c${i}`, 'enable.auto.commit': false, 'auto.offset.reset': 'earliest' }));
  let consumed = 0;
  let polls = 0;
  for (const consumer of consumers) {
    consumer.subscribe(['events']);
    const loop = (): void => {
      consumer.poll(1_000, (result) => {
        if (result.error !== null) throw new Error(`${consumer.clientId}: ${result.error.exception}: ${result.error.message}`);
        polls++;
        if (result.records.count > 0) {
          consumed += result.records.count;
          const next = new Map<number, number>();
          for (const [name, offset] of result.records.nextOffsets()) next.set(Number(name.slice(name.lastIndexOf('-') + 1)), offset);
          const replies = store.save('bench', 'events', next);
          if (replies.some((r) => r.kind === 'error')) throw new Error('the offset store refused a write');
        }
        loop();
      });
    };
    loop();
  }
  // The group forms (group.initial.rebalance.delay.ms) before the load starts.
  sim.runWhile(() => consumers.some((c) => c.assignment().length === 0), 1_000_000);
  if (consumers.map((c) => c.assignment().length).join(',') !== '4,4,4') throw new Error(`unexpected assignment ${consumers.map((c) => c.assignment().join(' '))}`);

  const network = cluster.network;
  const client = new NetworkClient({ sim, network, self: 'bench-producer', requestTimeoutMs: 30_000 });
  network.register('bench-producer', { receive: (_from, message) => message.kind === 'response' && client.receive(message), disconnected: () => {} });
  const batches = records / BATCH_RECORDS;
  let sent = 0;
  let acked = 0;
  const sendNext = (broker: number): void => {
    // Partition p is led by broker (p mod 3) + 1: each broker's sender takes its own partitions in turn.
    const partition = ((sent / 3) | 0) % (PARTITIONS / 3) * 3 + (broker - 1);
    sent++;
    client.send(
      `broker-${broker}`,
      (correlationId) => ({
        kind: 'produce',
        correlationId,
        acks: -1,
        timeoutMs: 30_000,
        batches: [{ topic: 'events', partition, records: null, uniform: { count: BATCH_RECORDS, keySizeBytes: -1, valueSizeBytes: VALUE_BYTES, timestampMs: sim.nowMs }, producer: null }],
      }),
      (body, failure) => {
        const error = failure?.message ?? (body as ProduceResponseBody).partitions[0]!.message;
        if (failure !== null || (body as ProduceResponseBody).partitions[0]!.error !== null) throw new Error(`bench produce failed: ${error}`);
        acked++;
        if (sent < batches) sendNext(broker);
      },
    );
  };
  const startSimMs = sim.nowMs;
  const eventsBefore = sim.eventsProcessed;
  const wallMs = timeMs(() => {
    for (let i = 0; i < IN_FLIGHT_PER_BROKER; i++) for (const broker of [1, 2, 3]) if (sent < batches) sendNext(broker);
    sim.runWhile(() => consumed < records || acked < batches);
  });
  if (consumed !== records) throw new Error(`consumed ${consumed} of ${records}`);
  const stored = store.load('bench', 'events').offsets;
  let total = 0;
  for (const offset of stored.values()) total += offset;
  if (total !== records) throw new Error(`Redis holds offsets summing to ${total}, expected ${records}`);
  for (const c of consumers) c.close();
  return {
    wallMs,
    simulatedMs: sim.nowMs - startSimMs,
    events: sim.eventsProcessed - eventsBefore,
    polls,
    fetches: consumers.reduce((n, c) => n + c.fetcher.fetchesSent, 0),
  };
}

export const consumerFigures: readonly Figure[] = [
  {
    key: 'end_to_end_records_per_s',
    name: 'end to end (3 brokers, 12 partitions RF=3, acks=all producer, a group of 3 consumers storing offsets in Redis with AOF everysec, 1,000,000 records)',
    unit: 'records/s',
    target: '>= 500,000',
    measure: () => {
      endToEnd(100_000);
      const records = 1_000_000;
      const runs = [endToEnd(records), endToEnd(records), endToEnd(records)].sort((a, b) => a.wallMs - b.wallMs);
      const best = runs[0]!;
      process.stdout.write(
        `  (best of 3: ${round(best.wallMs)} ms wall for ${records.toLocaleString('en-US')} records; ${round(best.simulatedMs / 1000, 1)} s simulated, ${best.events.toLocaleString('en-US')} events, ${best.polls.toLocaleString('en-US')} polls, ${best.fetches.toLocaleString('en-US')} consumer fetches)\n`,
      );
      return round(records / (best.wallMs / 1000));
    },
  },
];
