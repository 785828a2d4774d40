/**
 * The partition log against a trivially correct model: an array of records
 * with their offsets and timestamps. Whatever sequence of appends, rolls,
 * clock advances and retention runs fast-check generates, lookups by offset
 * and by time answer as the model does, logStartOffset never decreases, only
 * retention removes records (and only a prefix, only expired, only below the
 * high watermark), and index entries are exactly as sparse as specified.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UnifiedLog } from '../../src/broker/UnifiedLog';
import { appendCommitted, logFixture } from '../support/logFixture';

type Command =
  | { kind: 'append'; records: { valueSizeBytes: number; timestampDeltaMs: number }[] }
  | { kind: 'advance'; ms: number }
  | { kind: 'retention' }
  | { kind: 'roll' };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(fc.record({ valueSizeBytes: fc.integer({ min: 0, max: 300 }), timestampDeltaMs: fc.integer({ min: -2000, max: 5000 }) }), {
        minLength: 1,
        maxLength: 6,
      })
      .map((records) => ({ kind: 'append' as const, records })),
  },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 120_000 }).map((ms) => ({ kind: 'advance' as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'retention' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'roll' as const }) },
);

interface ModelRecord {
  readonly offset: number;
  readonly timestampMs: number;
}

function checkAgainstModel(log: UnifiedLog, model: readonly ModelRecord[], logStartOffset: number): void {
  log.checkInvariants();
  expect(log.logStartOffset).toBe(logStartOffset);
  expect(log.logEndOffset).toBe(model.length);
  const live = model.slice(logStartOffset);
  // Every live offset is found, in the right batch, with the right timestamp.
  const read = log.readRecords(logStartOffset);
  if ('error' in read) throw new Error(read.message);
  expect(read.map((r) => [r.offset, r.timestampMs])).toEqual(live.map((r) => [r.offset, r.timestampMs]));
  for (const r of live) {
    const batch = log.batchContaining(r.offset)!;
    expect(batch.baseOffset <= r.offset && r.offset <= batch.lastOffset).toBe(true);
  }
  // Lookups by time answer as "the first live record at or after the timestamp".
  const probes = new Set<number>();
  for (const r of live) {
    probes.add(r.timestampMs);
    probes.add(r.timestampMs + 1);
    probes.add(Math.max(0, r.timestampMs - 1));
  }
  for (const t of probes) {
    const expected = live.find((r) => r.timestampMs >= t) ?? null;
    const actual = log.fetchOffsetByTimestamp(t);
    expect(actual === null ? null : actual.offset).toBe(expected === null ? null : expected.offset);
  }
  // Index entries are exactly as sparse as LogSegment.append makes them.
  const interval = log.config['index.interval.bytes'];
  for (const segment of log.logSegments) {
    let bytesSince = 0;
    const expectedEntries: [number, number][] = [];
    for (const batch of segment.batches) {
      if (bytesSince > interval) {
        expectedEntries.push([batch.lastOffset, batch.position]);
        bytesSince = 0;
      }
      bytesSince += batch.sizeBytes;
    }
    const actualEntries = Array.from({ length: segment.offsetIndex.entries }, (_, i) => {
      const e = segment.offsetIndex.entry(i);
      return [e.offset, e.position];
    });
    expect(actualEntries).toEqual(expectedEntries);
  }
}

describe('partition log: model-based properties', () => {
  it('appends, rolls, retention and lookups agree with an array of records', () => {
    fc.assert(
      fc.property(
        fc.record({
          segmentBytes: fc.integer({ min: 2000, max: 8000 }),
          indexIntervalBytes: fc.integer({ min: 0, max: 3000 }),
          retentionMs: fc.oneof(fc.constant(-1), fc.integer({ min: 1000, max: 200_000 })),
          retentionBytes: fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 10_000 }) }),
        }),
        fc.array(commandArb, { minLength: 1, maxLength: 60 }),
        (config, commands) => {
          const { log, sim } = logFixture(
            {
              'segment.bytes': config.segmentBytes,
              'index.interval.bytes': config.indexIntervalBytes,
              'retention.ms': config.retentionMs,
              'retention.bytes': config.retentionBytes,
            },
            { recordTrace: false },
          );
          const model: ModelRecord[] = [];
          let logStartOffset = 0;
          for (const command of commands) {
            switch (command.kind) {
              case 'append': {
                const records = command.records.map((r) => ({
                  keySizeBytes: -1,
                  valueSizeBytes: r.valueSizeBytes,
                  timestampMs: Math.max(0, sim.nowMs + r.timestampDeltaMs),
                }));
                appendCommitted(log, records);
                for (const r of records) model.push({ offset: model.length, timestampMs: r.timestampMs });
                break;
              }
              case 'advance':
                sim.advance(command.ms);
                break;
              case 'roll':
                log.roll('test');
                break;
              case 'retention': {
                const before = log.logStartOffset;
                const deleted = log.deleteOldSegments();
                expect(log.logStartOffset).toBeGreaterThanOrEqual(before);
                for (const d of deleted) {
                  // Only whole segments below the high watermark, and only for a reason that holds.
                  expect(d.nextOffset).toBeLessThanOrEqual(log.highWatermark);
                  if (d.reason === 'retention.ms') expect(sim.nowMs - d.largestTimestampMs).toBeGreaterThan(config.retentionMs);
                  const records = model.slice(d.baseOffset, d.nextOffset);
                  if (d.reason === 'retention.ms') for (const r of records) expect(r.timestampMs).toBeLessThanOrEqual(d.largestTimestampMs);
                }
                // Liveness: what remains first is not itself expired (unless it is the empty active segment).
                const first = log.logSegments[0]!;
                if (config.retentionMs >= 0 && !first.isEmpty) {
                  expect(sim.nowMs - first.largestTimestampMs()).toBeLessThanOrEqual(config.retentionMs);
                }
                logStartOffset = log.logStartOffset;
                break;
              }
            }
            checkAgainstModel(log, model, logStartOffset);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
