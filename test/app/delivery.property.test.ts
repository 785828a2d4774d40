/**
 * Delivery semantics under random failures, measured, not assumed. A stream
 * job reads a 2-partition topic and keeps results and offsets in a Redis
 * host; fast-check draws the appendfsync policy and a schedule of job crashes
 * (at any point of a batch), Redis process crashes and power losses (with
 * torn AOF tails), restarts and new records. The job is supervised: it
 * restarts from Redis whenever Redis restarts, as a failing Spark job would
 * be. After the faults heal, the job catches up, and the results Redis holds
 * must show: at-least-once never loses a record below the high watermark;
 * exactly-once neither loses nor duplicates, unless a power loss tears the
 * AOF inside a transaction: Redis 7.0 then truncates the file after the last
 * whole command, inside the MULTI (aof.c, loadSingleAppendOnlyFile: a short
 * read goes to uxeof with valid_up_to, not valid_before_multi), and the next
 * transaction it appends is loaded together with that half of the old one.
 * The search finds that too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kafkaRecordSource } from '../../src/app/kafkaRecordSource';
import { CRASH_POINTS, measureDelivery, StreamJob, type CrashPoint, type DeliverySemantics } from '../../src/app/StreamJob';
import { KafkaCluster } from '../../src/broker/KafkaCluster';
import { RedisHost } from '../../src/redis/persistence/RedisHost';
import type { RedisClient } from '../../src/redis/RedisClient';
import { Simulation } from '../../src/sim/Simulation';

type Fault =
  | { kind: 'produce'; count: number }
  | { kind: 'job-crash'; at: CrashPoint | 'now' }
  | { kind: 'redis-crash' }
  | { kind: 'redis-power-loss' }
  | { kind: 'wait'; ms: number };

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 15 }).map((count) => ({ kind: 'produce' as const, count })) },
  { weight: 2, arbitrary: fc.constantFrom<CrashPoint | 'now'>(...CRASH_POINTS, 'now').map((at) => ({ kind: 'job-crash' as const, at })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'redis-crash' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'redis-power-loss' as const }) },
  { weight: 3, arbitrary: fc.integer({ min: 100, max: 4000 }).map((ms) => ({ kind: 'wait' as const, ms })) },
);

function runSchedule(seed: number, semantics: DeliverySemantics, appendfsync: string, faults: readonly Fault[], tornWriteProbability = 0.5) {
  const sim = new Simulation({ seed, recordTrace: false });
  const kafka = new KafkaCluster({ sim });
  kafka.createTopic('events', { partitions: 2 });
  const redis = new RedisHost({ sim, name: 'redis', config: { appendonly: 'yes', appendfsync } as never, disk: { tornWriteProbability } });
  expect(redis.start().ok).toBe(true);
  const job = new StreamJob({ group: 'g', topic: 'events', semantics, source: kafkaRecordSource(kafka), resultsKey: 'results', maxRecordsPerPartition: 5 });
  const produced: string[] = [];
  let client: RedisClient | null = null;
  const connect = (): RedisClient | null => {
    const server = redis.server;
    if (server === null || !redis.isRunning) return null;
    if (client === null || client.isClosed) client = server.connect();
    return client;
  };
  let crashAt: CrashPoint | undefined;
  const start = (): void => {
    const c = connect();
    if (c !== null) job.start(c);
  };
  start();
  sim.every(500, 'batch', () => {
    const c = connect();
    if (c === null) return;
    if (!job.running) return;
    const outcome = job.runBatch(c, crashAt);
    redis.takeBlockedMs();
    if (outcome.kind === 'crashed') {
      crashAt = undefined;
      start(); // the supervisor restarts it at once
    }
  });
  const restartRedis = (): void => {
    client = null;
    const started = redis.restart();
    expect(started.ok).toBe(true);
    job.crash();
    start(); // supervised: a job whose offset store restarted restarts from it
  };
  for (const fault of faults) {
    switch (fault.kind) {
      case 'produce':
        for (let i = 0; i < fault.count; i++) {
          const value = `r${produced.length}`;
          const result = kafka.produce({ topic: 'events', partition: produced.length % 2 }, [{ key: null, value, timestampMs: sim.nowMs }]);
          if (!('error' in result)) produced.push(value);
        }
        break;
      case 'job-crash':
        if (fault.at === 'now') {
          job.crash();
          start();
        } else crashAt = fault.at;
        break;
      case 'redis-crash':
        redis.crash();
        sim.advance(300);
        restartRedis();
        break;
      case 'redis-power-loss':
        redis.powerLoss();
        sim.advance(300);
        restartRedis();
        break;
      case 'wait':
        sim.advance(fault.ms);
        break;
    }
  }
  // Liveness: no more faults; the job catches up.
  crashAt = undefined;
  if (!job.running) start();
  sim.advance(60_000);
  return measureDelivery(connect()!, 'results', produced);
}

const scheduleArb = fc.array(faultArb, { minLength: 1, maxLength: 25 });
/** Records, short waits and power losses: what it takes to tear a transaction. */
const powerLossScheduleArb = fc.array(
  fc.oneof(
    fc.integer({ min: 1, max: 15 }).map((count): Fault => ({ kind: 'produce', count })),
    fc.integer({ min: 100, max: 700 }).map((ms): Fault => ({ kind: 'wait', ms })),
    fc.constant<Fault>({ kind: 'redis-power-loss' }),
  ),
  { minLength: 3, maxLength: 20 },
);
const fsyncArb = fc.constantFrom('always', 'everysec', 'no');

describe('delivery semantics under job crashes and Redis crashes (seed in each run)', () => {
  it('at-least-once never loses a record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fsyncArb, scheduleArb, (seed, fsync, faults) => {
        const report = runSchedule(seed, 'at-least-once', fsync, faults);
        expect(report.lost).toBe(0);
        expect(report.unexpected).toBe(0);
      }),
      { numRuns: 400, seed: Number(process.env.FC_SEED ?? 20241128) },
    );
  });

  it('exactly-once (results and offsets in one MULTI/EXEC) neither loses nor duplicates when no write is torn', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fsyncArb, scheduleArb, (seed, fsync, faults) => {
        const report = runSchedule(seed, 'exactly-once', fsync, faults, 0);
        expect(report.lost).toBe(0);
        expect(report.duplicated).toBe(0);
      }),
      { numRuns: 400, seed: Number(process.env.FC_SEED ?? 20241128) },
    );
  });

  it('exactly-once duplicates when a power loss tears the AOF inside a transaction (Redis 7.0 truncates inside the MULTI)', () => {
    const result = fc.check(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fsyncArb, powerLossScheduleArb, (seed, fsync, faults) => {
        expect(runSchedule(seed, 'exactly-once', fsync, faults, 1).duplicated).toBe(0);
      }),
      { numRuns: 600, seed: Number(process.env.FC_SEED ?? 20241128) },
    );
    expect(result.failed).toBe(true);
  });

  it('at-most-once does lose records under the same faults (the search finds it)', () => {
    const result = fc.check(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fsyncArb, scheduleArb, (seed, fsync, faults) => {
        expect(runSchedule(seed, 'at-most-once', fsync, faults).lost).toBe(0);
      }),
      { numRuns: 300, seed: Number(process.env.FC_SEED ?? 20241128) },
    );
    expect(result.failed).toBe(true);
  });
});
