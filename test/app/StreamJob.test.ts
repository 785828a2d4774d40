import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CRASH_POINTS, DELIVERY_SEMANTICS, measureDelivery, StreamJob, type DeliverySemantics, type JobRecord, type RecordSource } from '../../src/app/StreamJob';
import { RedisServer } from '../../src/redis/RedisServer';
import { Simulation } from '../../src/sim/Simulation';

/** An in-memory topic: an array of values per partition, all below the high watermark. */
function arraySource(partitions: string[][]): RecordSource {
  return {
    partitions: () => partitions.map((_, i) => i),
    offsets: (_t, p) => ({ logStartOffset: 0, highWatermark: partitions[p]!.length }),
    fetch: (_t, p, offset, max) => ({
      records: partitions[p]!.slice(offset, offset + max).map((value, i): JobRecord => ({ partition: p, offset: offset + i, value })),
    }),
    offsetForTime: () => null,
  };
}

function setup(semantics: DeliverySemantics, values: string[][]) {
  const server = new RedisServer({ sim: new Simulation({ seed: 'job' }) });
  const redis = server.connect();
  const job = new StreamJob({ group: 'g', topic: 't', semantics, source: arraySource(values), resultsKey: 'results', maxRecordsPerPartition: 2 });
  return { redis, job };
}

const VALUES = [
  ['a0', 'a1', 'a2', 'a3'],
  ['b0', 'b1', 'b2'],
];
const ALL = VALUES.flat();

function runToEnd(job: StreamJob, redis: ReturnType<RedisServer['connect']>, crashAt?: Parameters<StreamJob['runBatch']>[1]) {
  job.start(redis);
  expect(job.runBatch(redis, crashAt).kind).toBe(crashAt ? 'crashed' : 'processed');
  job.start(redis);
  for (let i = 0; i < 10; i++) job.runBatch(redis);
  return measureDelivery(redis, 'results', ALL);
}

describe('stream job: delivery semantics measured from Redis, not assumed', () => {
  it('without crashes every semantics delivers each record exactly once', () => {
    for (const semantics of DELIVERY_SEMANTICS) {
      const { redis, job } = setup(semantics, VALUES);
      expect(runToEnd(job, redis)).toMatchObject({ expected: 7, processedOnce: 7, lost: 0, duplicated: 0 });
    }
  });

  it('at-most-once (offsets first) loses the batch when the job dies between the writes', () => {
    const { redis, job } = setup('at-most-once', VALUES);
    expect(runToEnd(job, redis, 'between-writes')).toMatchObject({ lost: 4, duplicated: 0 });
  });

  it('at-least-once (results first) duplicates the batch when the job dies between the writes', () => {
    const { redis, job } = setup('at-least-once', VALUES);
    expect(runToEnd(job, redis, 'between-writes')).toMatchObject({ lost: 0, duplicated: 4 });
  });

  it('exactly-once (one MULTI/EXEC) neither loses nor duplicates, wherever the job dies', () => {
    for (const crashAt of CRASH_POINTS) {
      const { redis, job } = setup('exactly-once', VALUES);
      expect(runToEnd(job, redis, crashAt)).toMatchObject({ lost: 0, duplicated: 0, processedOnce: 7 });
    }
  });

  it('property: for any crash schedule, at-least-once never loses and exactly-once never loses or duplicates', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<DeliverySemantics>('at-least-once', 'exactly-once'),
        fc.array(fc.option(fc.constantFrom(...CRASH_POINTS), { nil: undefined }), { maxLength: 12 }),
        (semantics, schedule) => {
          const { redis, job } = setup(semantics, VALUES);
          for (const crashAt of schedule) {
            if (!job.running) job.start(redis);
            job.runBatch(redis, crashAt);
          }
          if (!job.running) job.start(redis);
          for (let i = 0; i < 10; i++) job.runBatch(redis);
          const report = measureDelivery(redis, 'results', ALL);
          expect(report.lost).toBe(0);
          if (semantics === 'exactly-once') expect(report.duplicated).toBe(0);
        },
      ),
    );
  });
});
