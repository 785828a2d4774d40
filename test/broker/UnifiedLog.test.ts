import { describe, expect, it } from 'vitest';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../../src/broker/UnifiedLog';
import { appendCommitted, logFixture } from '../support/logFixture';

const HUNDRED_BYTE_RECORD = { keySizeBytes: -1, valueSizeBytes: 100 } as const;

function records(count: number, timestampMs: number) {
  return Array.from({ length: count }, () => ({ ...HUNDRED_BYTE_RECORD, timestampMs }));
}

describe('partition log: segments and files', () => {
  it('names segment files by base offset with 20 digits', () => {
    const { log, disk } = logFixture();
    expect(disk.list('kafka-logs/t-0')).toEqual([
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
    ]);
    appendCommitted(log, records(1, 0));
    log.roll('test');
    expect(disk.list('kafka-logs/t-0')).toContain('00000000000000000001.log');
  });

  it('rolls on segment.bytes when the next batch would not fit', () => {
    const { log } = logFixture({ 'segment.bytes': 1000 });
    // Each single-record batch is 170 bytes: five fit in 1000 (850), the sixth would make 1020.
    for (let i = 0; i < 6; i++) appendCommitted(log, records(1, i));
    expect(log.logSegments.map((s) => s.baseOffset)).toEqual([0, 5]);
    expect(log.logSegments[0]!.sizeBytes).toBe(850);
  });

  it('rolls on segment.ms measured on record timestamps, not on the clock', () => {
    const { log, sim } = logFixture({ 'segment.ms': 60_000 });
    appendCommitted(log, records(1, 1_000));
    sim.advance(10 * 60_000); // the clock moves, but the next record is only 60 s newer
    appendCommitted(log, records(1, 61_000));
    expect(log.logSegments.length).toBe(1);
    appendCommitted(log, records(1, 61_001));
    expect(log.logSegments.map((s) => s.baseOffset)).toEqual([0, 2]);
  });

  it('rejects a batch larger than max.message.bytes without appending', () => {
    const { log } = logFixture({ 'max.message.bytes': 100 });
    const result = log.appendAsLeader(records(1, 0));
    expect(result).toEqual({
      error: 'MESSAGE_TOO_LARGE',
      message: 'The record batch size in the append to t-0 is 170 bytes which exceeds the maximum configured value of 100.',
    });
    expect(log.logEndOffset).toBe(0);
  });

  it('rejects a batch larger than segment.bytes with UnifiedLog.append\'s RecordBatchTooLargeException text', () => {
    const { log } = logFixture({ 'segment.bytes': 100 });
    expect(log.appendAsLeader(records(1, 0))).toEqual({
      error: 'RECORD_LIST_TOO_LARGE',
      message: 'Message batch size is 170 bytes in append to partition t-0, which exceeds the maximum configured segment size of 100.',
    });
    expect(log.logEndOffset).toBe(0);
  });
});

describe('partition log: sparse offset and time indexes', () => {
  it('never indexes the first batch of a segment and adds an entry once more than index.interval.bytes went by', () => {
    const { log } = logFixture({ 'index.interval.bytes': 4096 });
    // 170-byte batches: after 25 batches, 4250 bytes > 4096, so batch 25 (offset 25) gets the entry.
    for (let i = 0; i < 60; i++) appendCommitted(log, records(1, i * 10));
    const index = log.activeSegment.offsetIndex;
    expect(index.entries).toBe(2);
    expect(index.entry(0)).toEqual({ offset: 25, position: 25 * 170 });
    expect(index.entry(1)).toEqual({ offset: 50, position: 50 * 170 });
    const timeIndex = log.activeSegment.timeIndex;
    expect(timeIndex.entry(0)).toEqual({ timestampMs: 250, offset: 25 });
  });

  it('adds a time index entry only when the timestamp grows', () => {
    const { log } = logFixture({ 'index.interval.bytes': 0 });
    appendCommitted(log, records(1, 500));
    appendCommitted(log, records(1, 400)); // offset entry, but the max timestamp is still 500
    appendCommitted(log, records(1, 500));
    appendCommitted(log, records(1, 600));
    expect(log.activeSegment.offsetIndex.entries).toBe(3);
    const t = log.activeSegment.timeIndex;
    expect([t.entries, t.entry(0), t.entry(1)]).toEqual([2, { timestampMs: 500, offset: 0 }, { timestampMs: 600, offset: 3 }]);
  });

  it('an offset lookup lands on the largest index entry at or below the target and scans forward', () => {
    const { log } = logFixture({ 'index.interval.bytes': 4096 });
    for (let i = 0; i < 60; i++) appendCommitted(log, records(1, i));
    const lookup = log.explainOffsetLookup(40)!;
    expect(lookup.indexEntry).toEqual({ offset: 25, position: 25 * 170 });
    expect(lookup.batchesScanned).toBe(16); // batches 25..40
    expect(log.batchContaining(40)!.baseOffset).toBe(40);
    expect(log.explainOffsetLookup(10)!.indexSlot).toBe(-1); // below the first entry: scan from the start
  });
});

describe('partition log: reads and offset lookups', () => {
  it('answers OFFSET_OUT_OF_RANGE below logStartOffset and above the end with Kafka\'s messages', () => {
    const { log, sim } = logFixture({ 'retention.ms': 1000, 'segment.bytes': 400 });
    for (let i = 0; i < 4; i++) appendCommitted(log, records(1, sim.nowMs));
    sim.advance(5000);
    log.deleteOldSegments();
    expect(log.logStartOffset).toBe(4);
    expect(log.read(1)).toEqual({
      error: 'OFFSET_OUT_OF_RANGE',
      message: 'Received request for offset 1 for partition t-0, but we only have log segments starting from offset: 4.',
    });
    expect(log.read(9)).toMatchObject({
      error: 'OFFSET_OUT_OF_RANGE',
      message: 'Received request for offset 9 for partition t-0, but we only have log segments upto 4.',
    });
  });

  it('reads only below the high watermark for consumers', () => {
    const { log } = logFixture();
    log.appendAsLeader(records(3, 0));
    log.updateHighWatermark(0);
    const result = log.read(0);
    expect(result.error === null && result.batches.length).toBe(0);
    log.updateHighWatermark(3);
    const after = log.read(0);
    expect(after.error === null && after.batches.length).toBe(1);
  });

  it('finds offsets by timestamp: the first record at or after it, EARLIEST, LATEST, or null past the end', () => {
    const { log } = logFixture({ 'index.interval.bytes': 100 });
    appendCommitted(log, [
      { key: 'a', value: '1', timestampMs: 1000 },
      { key: 'b', value: '2', timestampMs: 2000 },
      { key: 'c', value: '3', timestampMs: 3000 },
    ]);
    appendCommitted(log, [{ key: 'd', value: '4', timestampMs: 4000 }]);
    expect(log.fetchOffsetByTimestamp(1500)).toEqual({ offset: 1, timestampMs: 2000 });
    expect(log.fetchOffsetByTimestamp(3000)).toEqual({ offset: 2, timestampMs: 3000 });
    expect(log.fetchOffsetByTimestamp(4000)).toEqual({ offset: 3, timestampMs: 4000 });
    expect(log.fetchOffsetByTimestamp(4001)).toBeNull();
    expect(log.fetchOffsetByTimestamp(EARLIEST_TIMESTAMP)!.offset).toBe(0);
    expect(log.fetchOffsetByTimestamp(LATEST_TIMESTAMP)!.offset).toBe(4);
  });

  it('keeps keys and values when given and reads them back', () => {
    const { log } = logFixture();
    appendCommitted(log, [{ key: 'k', value: 'v', timestampMs: 7 }]);
    expect(log.readRecords(0)).toEqual([{ offset: 0, timestampMs: 7, key: 'k', value: 'v', leaderEpoch: -1 }]);
  });
});

describe('partition log: retention', () => {
  it('deletes segments whose largest timestamp is older than retention.ms, oldest first, and moves logStartOffset', () => {
    const { log, sim } = logFixture({ 'retention.ms': 180_000, 'segment.bytes': 400 });
    const t0 = sim.nowMs;
    for (let i = 0; i < 6; i++) appendCommitted(log, records(1, t0 + i * 60_000)); // two per segment
    expect(log.logSegments.map((s) => s.baseOffset)).toEqual([0, 2, 4]);
    sim.runUntil(t0 + 4 * 60_000 + 1);
    const deleted = log.deleteOldSegments();
    // Segment 0's newest record is at t0+60s: 181 s old > 180 s. Segment 2's (t0+180s) is only 61 s old.
    expect(deleted.map((d) => [d.baseOffset, d.reason])).toEqual([[0, 'retention.ms']]);
    expect(log.logStartOffset).toBe(2);
  });

  it('rolls the active segment when every segment has expired, keeping one empty segment', () => {
    const { log, sim, disk } = logFixture({ 'retention.ms': 1000 });
    appendCommitted(log, records(5, sim.nowMs));
    sim.advance(2000);
    const deleted = log.deleteOldSegments();
    expect(deleted.map((d) => d.baseOffset)).toEqual([0]);
    expect(log.logStartOffset).toBe(5);
    expect(log.logSegments.map((s) => [s.baseOffset, s.sizeBytes])).toEqual([[5, 0]]);
    expect(disk.list('kafka-logs/t-0')).toContain('00000000000000000000.log.deleted');
    sim.advance(60_000);
    expect(disk.list('kafka-logs/t-0')).not.toContain('00000000000000000000.log.deleted');
  });

  it('never deletes a segment that reaches the high watermark', () => {
    const { log, sim } = logFixture({ 'retention.ms': 1000 });
    log.appendAsLeader(records(5, sim.nowMs));
    log.updateHighWatermark(3);
    sim.advance(2000);
    expect(log.deleteOldSegments()).toEqual([]);
    expect(log.logStartOffset).toBe(0);
  });

  it('retention.bytes deletes the oldest segments while the log stays at or above the limit', () => {
    const { log, sim } = logFixture({ 'retention.bytes': 500, 'segment.bytes': 400 });
    for (let i = 0; i < 6; i++) appendCommitted(log, records(1, sim.nowMs)); // 3 segments of 340 bytes
    const deleted = log.deleteOldSegments();
    // 1020 bytes, 520 over: deleting 340 leaves 180 over, the next 340 would overshoot.
    expect(deleted.map((d) => [d.baseOffset, d.reason])).toEqual([[0, 'retention.bytes']]);
  });
});

describe('partition log: truncation and recovery', () => {
  it('truncateTo removes whole batches at and above the offset and the leader epochs that started there', () => {
    const { log } = logFixture({ 'segment.bytes': 400 });
    for (let i = 0; i < 5; i++) {
      log.appendAsLeader(records(1, i), { leaderEpoch: i < 3 ? 0 : 1 });
    }
    log.updateHighWatermark(5);
    expect(log.leaderEpochCache.entries()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 3 },
    ]);
    log.truncateTo(3);
    expect(log.logEndOffset).toBe(3);
    expect(log.highWatermark).toBe(3);
    expect(log.leaderEpochCache.entries()).toEqual([{ epoch: 0, startOffset: 0 }]);
    log.checkInvariants();
  });

  it('a process crash keeps unflushed records; a power loss drops them back to the last flush', () => {
    const { log, disk } = logFixture();
    appendCommitted(log, records(3, 0));
    log.flush();
    appendCommitted(log, records(2, 0));
    expect(log.recover(5)).toBe(0); // process crash: the page cache still has everything
    expect(log.logEndOffset).toBe(5);
    appendCommitted(log, records(2, 0));
    disk.powerLoss();
    expect(log.recover(7)).toBe(4);
    expect(log.logEndOffset).toBe(3);
    expect(log.highWatermark).toBe(3);
    log.checkInvariants();
  });

  it('flush.messages fsyncs the log after that many unflushed records', () => {
    const { log, disk } = logFixture({ 'flush.messages': 2 });
    appendCommitted(log, records(1, 0));
    expect(log.recoveryPoint).toBe(0);
    appendCommitted(log, records(1, 0));
    expect(log.recoveryPoint).toBe(2);
    appendCommitted(log, records(1, 0));
    disk.powerLoss();
    log.recover(3);
    expect(log.logEndOffset).toBe(2);
  });
});
