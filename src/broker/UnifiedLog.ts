/**
 * The log of one partition replica (Kafka's `UnifiedLog` over `LocalLog`): an
 * ordered list of segments, the offsets that bound it, and the rules that
 * append to it, read from it and delete from it.
 *
 * Guarantees, checked by assertions:
 *   - logStartOffset <= highWatermark <= logEndOffset;
 *   - logStartOffset never decreases (except truncateFullyAndStartAt);
 *   - segments are sorted by base offset, contiguous in offsets, and only the
 *     last (active) one is appended to; rolling happens only on append or as
 *     retention needs it;
 *   - retention deletes only whole segments that lie entirely below the high
 *     watermark, oldest first (UnifiedLog.deletableSegments).
 *
 * The high watermark is set by whoever owns the replica set (the partition);
 * this class only clamps it. Time comes from the simulation.
 */
import { assert } from '../sim/assert';
import type { SimDisk } from '../sim/SimDisk';
import type { Simulation } from '../sim/Simulation';
import { kafkaError, type KafkaError } from './errors';
import { LeaderEpochCache } from './LeaderEpochCache';
import type { LogConfig } from './LogConfig';
import { LogSegment, segmentFileStem, type OffsetLookup } from './LogSegment';
import {
  batchSizeBytes,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  recordCount,
  recordTimestampMs,
  uniformBatchSizeBytes,
  type BatchProducerInfo,
  type LogRecord,
  type RecordInput,
  type StoredBatch,
  type StoredRecords,
} from './recordBatch';

/** ListOffsetsRequest special timestamps. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;
export const MAX_TIMESTAMP = -3;

export type FetchIsolation = 'log_end' | 'high_watermark';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function topicPartitionName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

export interface LogAppendInfo {
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly maxTimestampMs: number;
  readonly recordCount: number;
  readonly sizeBytes: number;
  readonly logStartOffset: number;
}

export interface AppendOptions {
  readonly leaderEpoch?: number;
  readonly producer?: BatchProducerInfo;
}

export interface UniformBatch {
  readonly count: number;
  readonly keySizeBytes: number;
  readonly valueSizeBytes: number;
  readonly timestampMs: number;
}

export interface ReadOptions {
  readonly maxBytes?: number;
  readonly isolation?: FetchIsolation;
  /** Return the first batch even when it is larger than maxBytes (KIP-74). */
  readonly minOneMessage?: boolean;
}

export interface ReadResult {
  readonly error: null;
  readonly batches: readonly StoredBatch[];
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
}

export interface DeletedSegment {
  readonly baseOffset: number;
  readonly nextOffset: number;
  readonly sizeBytes: number;
  readonly largestTimestampMs: number;
  readonly reason: 'retention.ms' | 'retention.bytes' | 'log-start-offset';
}

export interface UnifiedLogOptions {
  readonly topicPartition: TopicPartition;
  readonly config: LogConfig;
  readonly sim: Simulation;
  readonly disk: SimDisk;
  /** Directory holding the partition's files, e.g. `kafka-logs/orders-0`. */
  readonly dir: string;
  /** Broker id, for traces. */
  readonly brokerId?: number;
}

const NOTHING_DELETED: readonly DeletedSegment[] = [];

export class UnifiedLog {
  readonly topicPartition: TopicPartition;
  readonly name: string;
  readonly dir: string;
  readonly leaderEpochCache = new LeaderEpochCache();
  config: LogConfig;
  private readonly sim: Simulation;
  private readonly disk: SimDisk;
  private readonly brokerId: number;
  private segments: LogSegment[] = [];
  private logStart = 0;
  private hw = 0;
  /** Offset up to which the log is flushed (Kafka's recoveryPoint). */
  private recoveryPointOffset = 0;
  private lastFlushMs: number;
  private truncationCount = 0;
  private mutations = 0;
  /** Called after a roll with the new segment's base offset (the broker schedules "flush-log"). */
  onRoll: ((newSegmentBaseOffset: number) => void) | undefined;
  /** Called whenever the high watermark takes a new value (the broker's checkpoint task wakes). */
  onHighWatermarkChange: (() => void) | undefined;

  constructor(options: UnifiedLogOptions) {
    this.topicPartition = options.topicPartition;
    this.name = topicPartitionName(options.topicPartition);
    this.config = options.config;
    this.sim = options.sim;
    this.disk = options.disk;
    this.dir = options.dir;
    this.brokerId = options.brokerId ?? -1;
    this.lastFlushMs = options.sim.nowMs;
    this.disk.mkdir(options.dir, { recursive: true });
    this.segments.push(this.newSegment(0));
  }

  // ---- offsets ------------------------------------------------------------

  get logStartOffset(): number {
    return this.logStart;
  }

  get logEndOffset(): number {
    return this.activeSegment.nextOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  get recoveryPoint(): number {
    return this.recoveryPointOffset;
  }

  /** Bumped by every change to the log's records or offsets: checkers skip logs that did not move. */
  get version(): number {
    return this.mutations;
  }

  /** How many times records were removed from the end (truncation, recovery): checkers watch it. */
  get truncations(): number {
    return this.truncationCount;
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  get logSegments(): readonly LogSegment[] {
    return this.segments;
  }

  get sizeBytes(): number {
    let size = 0;
    for (const segment of this.segments) size += segment.sizeBytes;
    return size;
  }

  /** Records appended but not flushed (LocalLog.unflushedMessages). */
  get unflushedMessages(): number {
    return this.logEndOffset - this.recoveryPointOffset;
  }

  /**
   * Set the high watermark, clamped to [logStartOffset, logEndOffset] as
   * UnifiedLog.updateHighWatermark does. Returns the value set.
   */
  updateHighWatermark(offset: number): number {
    const clamped = Math.min(Math.max(offset, this.logStart), this.logEndOffset);
    if (clamped !== this.hw) this.mutations++;
    this.setHighWatermark(clamped);
    return clamped;
  }

  private setHighWatermark(offset: number): void {
    if (offset === this.hw) return;
    this.hw = offset;
    this.onHighWatermarkChange?.();
  }

  // ---- append -------------------------------------------------------------

  /** Append records as the leader: offsets are assigned from the log end. */
  appendAsLeader(records: readonly RecordInput[], options: AppendOptions = {}): LogAppendInfo | KafkaError {
    if (records.length === 0) return this.appendInfo(this.logEndOffset, this.logEndOffset - 1, NO_TIMESTAMP, 0, 0);
    const sizeBytes = batchSizeBytes(records);
    const tooLarge = this.checkBatchSize(sizeBytes);
    if (tooLarge !== null) return tooLarge;
    const baseOffset = this.logEndOffset;
    const baseTimestampMs = records[0]!.timestampMs;
    let maxTimestampMs = NO_TIMESTAMP;
    let offsetOfMaxTimestamp = baseOffset;
    let uniformTimestamps = true;
    let payloads = false;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (record.timestampMs > maxTimestampMs) {
        maxTimestampMs = record.timestampMs;
        offsetOfMaxTimestamp = baseOffset + i;
      }
      if (record.timestampMs !== baseTimestampMs) uniformTimestamps = false;
      if (typeof record.key === 'string' || typeof record.value === 'string') payloads = true;
    }
    const detail: StoredRecords | null =
      uniformTimestamps && !payloads
        ? null
        : {
            timestampsMs: uniformTimestamps ? null : records.map((r) => r.timestampMs),
            keys: payloads ? records.map((r) => r.key ?? null) : null,
            values: payloads ? records.map((r) => r.value ?? null) : null,
          };
    return this.appendBatch({
      baseOffset,
      lastOffset: baseOffset + records.length - 1,
      sizeBytes,
      baseTimestampMs,
      maxTimestampMs,
      offsetOfMaxTimestamp,
      leaderEpoch: options.leaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
      producer: options.producer,
      records: detail,
    });
  }

  /**
   * Append `count` records that share one timestamp and sizes, without
   * payloads: the bulk path for benchmarks and large scenarios.
   */
  appendUniformAsLeader(batch: UniformBatch, options: AppendOptions = {}): LogAppendInfo | KafkaError {
    assert(batch.count > 0, 'appendUniformAsLeader: empty batch');
    const sizeBytes = uniformBatchSizeBytes(batch.count, batch.keySizeBytes, batch.valueSizeBytes);
    const tooLarge = this.checkBatchSize(sizeBytes);
    if (tooLarge !== null) return tooLarge;
    const baseOffset = this.logEndOffset;
    return this.appendBatch({
      baseOffset,
      lastOffset: baseOffset + batch.count - 1,
      sizeBytes,
      baseTimestampMs: batch.timestampMs,
      maxTimestampMs: batch.timestampMs,
      offsetOfMaxTimestamp: baseOffset,
      leaderEpoch: options.leaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
      producer: options.producer,
      records: null,
    });
  }

  /**
   * Append a batch replicated from the leader, keeping its offsets and epoch
   * (UnifiedLog.appendAsFollower). The batch must start at the log end.
   */
  appendAsFollower(batch: StoredBatch): LogAppendInfo {
    assert(batch.baseOffset === this.logEndOffset, () => `${this.name}: follower append at ${batch.baseOffset}, log end ${this.logEndOffset}`);
    return this.appendBatch({
      baseOffset: batch.baseOffset,
      lastOffset: batch.lastOffset,
      sizeBytes: batch.sizeBytes,
      baseTimestampMs: batch.baseTimestampMs,
      maxTimestampMs: batch.maxTimestampMs,
      offsetOfMaxTimestamp: batch.offsetOfMaxTimestamp,
      leaderEpoch: batch.partitionLeaderEpoch,
      producer:
        batch.producerId === NO_PRODUCER_ID
          ? undefined
          : { producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence },
      records: batch.records,
    });
  }

  private checkBatchSize(sizeBytes: number): KafkaError | null {
    if (sizeBytes > this.config['max.message.bytes']) {
      return kafkaError(
        'MESSAGE_TOO_LARGE',
        `The record batch size in the append to ${this.name} is ${sizeBytes} bytes which exceeds the maximum configured value of ${this.config['max.message.bytes']}.`,
      );
    }
    if (sizeBytes > this.config['segment.bytes']) {
      return kafkaError(
        'RECORD_LIST_TOO_LARGE',
        `Message batch size is ${sizeBytes} bytes in append to partition ${this.name}, which exceeds the maximum configured segment size of ${this.config['segment.bytes']}.`,
      );
    }
    return null;
  }

  private appendBatch(b: {
    baseOffset: number;
    lastOffset: number;
    sizeBytes: number;
    baseTimestampMs: number;
    maxTimestampMs: number;
    offsetOfMaxTimestamp: number;
    leaderEpoch: number;
    producer: BatchProducerInfo | undefined;
    records: StoredRecords | null;
  }): LogAppendInfo {
    const segment = this.maybeRoll(b.sizeBytes, b.maxTimestampMs, b.baseOffset, b.lastOffset);
    const batch: StoredBatch = {
      baseOffset: b.baseOffset,
      lastOffset: b.lastOffset,
      position: segment.sizeBytes,
      sizeBytes: b.sizeBytes,
      baseTimestampMs: b.baseTimestampMs,
      maxTimestampMs: b.maxTimestampMs,
      offsetOfMaxTimestamp: b.offsetOfMaxTimestamp,
      partitionLeaderEpoch: b.leaderEpoch,
      producerId: b.producer?.producerId ?? NO_PRODUCER_ID,
      producerEpoch: b.producer?.producerEpoch ?? NO_PRODUCER_EPOCH,
      baseSequence: b.producer?.baseSequence ?? NO_SEQUENCE,
      records: b.records,
    };
    if (b.leaderEpoch >= 0) this.leaderEpochCache.assign(b.leaderEpoch, b.baseOffset);
    const indexed = segment.append(batch, this.sim.nowMs);
    this.mutations++;
    const trace = this.sim.trace;
    if (trace.active) {
      trace.emit('log.append', {
        broker: this.brokerId,
        partition: this.name,
        firstOffset: b.baseOffset,
        lastOffset: b.lastOffset,
        bytes: b.sizeBytes,
        segment: segment.baseOffset,
        position: batch.position,
      });
      if (indexed.offsetIndexEntry !== null) {
        trace.emit('log.index', { broker: this.brokerId, partition: this.name, segment: segment.baseOffset, index: 'offset', ...indexed.offsetIndexEntry });
      }
      if (indexed.timeIndexEntry !== null) {
        trace.emit('log.index', { broker: this.brokerId, partition: this.name, segment: segment.baseOffset, index: 'time', ...indexed.timeIndexEntry });
      }
    }
    // UnifiedLog.append: flush when flush.messages unflushed records accumulated.
    if (this.unflushedMessages >= this.config['flush.messages']) this.flush();
    return this.appendInfo(b.baseOffset, b.lastOffset, b.maxTimestampMs, b.lastOffset - b.baseOffset + 1, b.sizeBytes);
  }

  private appendInfo(firstOffset: number, lastOffset: number, maxTimestampMs: number, count: number, sizeBytes: number): LogAppendInfo {
    return { firstOffset, lastOffset, maxTimestampMs, recordCount: count, sizeBytes, logStartOffset: this.logStart };
  }

  /** UnifiedLog.maybeRoll with LogSegment.shouldRoll's conditions. */
  private maybeRoll(messagesSize: number, maxTimestampMs: number, firstOffset: number, lastOffset: number): LogSegment {
    const segment = this.activeSegment;
    const reason = this.rollReason(segment, messagesSize, maxTimestampMs, lastOffset);
    return reason === null ? segment : this.roll(reason, firstOffset);
  }

  private rollReason(segment: LogSegment, messagesSize: number, maxTimestampMs: number, lastOffset: number): string | null {
    const size = segment.sizeBytes;
    if (size > this.config['segment.bytes'] - messagesSize) return 'segment.bytes';
    if (size > 0 && segment.timeWaitedForRollMs(this.sim.nowMs, maxTimestampMs) > this.config['segment.ms']) return 'segment.ms';
    if (segment.offsetIndex.isFull()) return 'offset index full';
    if (segment.timeIndex.isFull()) return 'time index full';
    if (!segment.canConvertToRelativeOffset(lastOffset)) return 'relative offset overflow';
    return null;
  }

  /**
   * Start a new active segment at the log end (LocalLog.roll). An empty
   * active segment already at that offset is kept rather than recreated.
   */
  roll(reason: string, expectedNextOffset = this.logEndOffset): LogSegment {
    const newOffset = Math.max(expectedNextOffset, this.logEndOffset);
    const previous = this.activeSegment;
    if (previous.baseOffset === newOffset && previous.isEmpty) return previous;
    const lastTimeEntry = previous.onBecomeInactive();
    const segment = this.newSegment(newOffset);
    this.segments.push(segment);
    const trace = this.sim.trace;
    if (trace.active) {
      if (lastTimeEntry !== null) {
        trace.emit('log.index', { broker: this.brokerId, partition: this.name, segment: previous.baseOffset, index: 'time', ...lastTimeEntry });
      }
      trace.emit('log.roll', {
        broker: this.brokerId,
        partition: this.name,
        reason,
        closedSegment: previous.baseOffset,
        closedSizeBytes: previous.sizeBytes,
        newSegment: newOffset,
      });
    }
    this.onRoll?.(newOffset);
    return segment;
  }

  private newSegment(baseOffset: number): LogSegment {
    return new LogSegment({
      baseOffset,
      indexIntervalBytes: this.config['index.interval.bytes'],
      maxIndexSizeBytes: this.config['segment.index.bytes'],
      disk: this.disk,
      dir: this.dir,
      createdMs: this.sim.nowMs,
    });
  }

  // ---- read ---------------------------------------------------------------

  /** Index of the segment holding `offset`: the last with baseOffset <= offset. */
  private floorSegmentIndex(offset: number): number {
    const segments = this.segments;
    if (offset < segments[0]!.baseOffset) return -1;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * UnifiedLog.read: batches from the first one containing `startOffset`,
   * up to maxBytes and, for consumers, only below the high watermark.
   */
  read(startOffset: number, options: ReadOptions = {}): ReadResult | KafkaError {
    const maxBytes = options.maxBytes ?? 1_048_576;
    const limitOffset = (options.isolation ?? 'high_watermark') === 'high_watermark' ? this.hw : this.logEndOffset;
    if (startOffset < this.logStart) {
      return kafkaError(
        'OFFSET_OUT_OF_RANGE',
        `Received request for offset ${startOffset} for partition ${this.name}, but we only have log segments starting from offset: ${this.logStart}.`,
      );
    }
    if (startOffset > this.logEndOffset) {
      return kafkaError(
        'OFFSET_OUT_OF_RANGE',
        `Received request for offset ${startOffset} for partition ${this.name}, but we only have log segments upto ${this.logEndOffset}.`,
      );
    }
    const batches: StoredBatch[] = [];
    if (startOffset < limitOffset) {
      let bytes = 0;
      let segmentIndex = this.floorSegmentIndex(startOffset);
      let batchIndex = this.segments[segmentIndex]!.findBatchIndex(startOffset);
      outer: while (segmentIndex < this.segments.length) {
        const segment = this.segments[segmentIndex]!;
        if (batchIndex < 0) batchIndex = 0;
        for (; batchIndex < segment.batches.length; batchIndex++) {
          const batch = segment.batches[batchIndex]!;
          if (batch.lastOffset >= limitOffset) break outer;
          if (bytes + batch.sizeBytes > maxBytes && !(batches.length === 0 && (options.minOneMessage ?? true))) break outer;
          batches.push(batch);
          bytes += batch.sizeBytes;
        }
        segmentIndex++;
        batchIndex = 0;
      }
    }
    return { error: null, batches, highWatermark: this.hw, logStartOffset: this.logStart, logEndOffset: this.logEndOffset };
  }

  /** Records from `startOffset` below `endOffset` (default: the high watermark), with payloads if kept. */
  readRecords(startOffset: number, endOffset = this.hw, maxRecords = Number.MAX_SAFE_INTEGER): LogRecord[] | KafkaError {
    const result = this.read(startOffset, { maxBytes: Number.MAX_SAFE_INTEGER, isolation: 'log_end' });
    if (result.error !== null) return result;
    const records: LogRecord[] = [];
    for (const batch of result.batches) {
      const count = recordCount(batch);
      for (let i = 0; i < count && records.length < maxRecords; i++) {
        const offset = batch.baseOffset + i;
        if (offset < startOffset) continue;
        if (offset >= endOffset) return records;
        records.push({
          offset,
          timestampMs: recordTimestampMs(batch, i),
          key: batch.records?.keys?.[i] ?? null,
          value: batch.records?.values?.[i] ?? null,
          leaderEpoch: batch.partitionLeaderEpoch,
        });
      }
    }
    return records;
  }

  /** Where an offset lookup lands in the sparse index and how far it scans. */
  explainOffsetLookup(offset: number): OffsetLookup | null {
    if (offset < this.logStart || offset >= this.logEndOffset) return null;
    return this.segments[this.floorSegmentIndex(offset)]!.explainLookup(offset);
  }

  /** The batch containing `offset`, or undefined. */
  batchContaining(offset: number): StoredBatch | undefined {
    if (offset < this.logStart || offset >= this.logEndOffset) return undefined;
    const segment = this.segments[this.floorSegmentIndex(offset)]!;
    const i = segment.findBatchIndex(offset);
    return i < 0 ? undefined : segment.batches[i];
  }

  /**
   * UnifiedLog.fetchOffsetByTimestamp: EARLIEST ⇒ logStartOffset, LATEST ⇒
   * log end, otherwise the first record with timestamp >= target, found in the
   * first segment whose largest timestamp reaches it; null when none does.
   * (A partition serving a client caps this at the high watermark.)
   */
  fetchOffsetByTimestamp(targetTimestampMs: number): { offset: number; timestampMs: number } | null {
    if (targetTimestampMs === EARLIEST_TIMESTAMP) return { offset: this.logStart, timestampMs: NO_TIMESTAMP };
    if (targetTimestampMs === LATEST_TIMESTAMP) return { offset: this.logEndOffset, timestampMs: NO_TIMESTAMP };
    if (targetTimestampMs === MAX_TIMESTAMP) return this.maxTimestampOffset();
    assert(targetTimestampMs >= 0, () => `fetchOffsetByTimestamp: invalid timestamp ${targetTimestampMs}`);
    const segment = this.segments.find((s) => s.largestTimestampMs() >= targetTimestampMs);
    if (segment === undefined) return null;
    return segment.findOffsetByTimestamp(targetTimestampMs, this.logStart);
  }

  private maxTimestampOffset(): { offset: number; timestampMs: number } | null {
    let best: { offset: number; timestampMs: number } | null = null;
    for (const segment of this.segments) {
      for (const batch of segment.batches) {
        if (best === null || batch.maxTimestampMs > best.timestampMs) best = { offset: batch.offsetOfMaxTimestamp, timestampMs: batch.maxTimestampMs };
      }
    }
    return best;
  }

  // ---- retention ----------------------------------------------------------

  /**
   * UnifiedLog.deleteOldSegments: log-start-offset, retention.bytes and
   * retention.ms breaches, in that order. Returns the segments deleted.
   */
  deleteOldSegments(): readonly DeletedSegment[] {
    // An idle log with one empty segment has nothing to delete: the common
    // case of a retention check, kept cheap so idle days cost little.
    if (this.segments.length === 1 && this.segments[0]!.isEmpty) return NOTHING_DELETED;
    const deleted: DeletedSegment[] = [];
    deleted.push(...this.deleteMatching('log-start-offset', (_segment, next) => next !== undefined && next.baseOffset <= this.logStart));
    const retentionBytes = this.config['retention.bytes'];
    if (retentionBytes >= 0 && this.sizeBytes >= retentionBytes) {
      let diff = this.sizeBytes - retentionBytes;
      deleted.push(
        ...this.deleteMatching('retention.bytes', (segment) => {
          if (diff - segment.sizeBytes < 0) return false;
          diff -= segment.sizeBytes;
          return true;
        }),
      );
    }
    const retentionMs = this.config['retention.ms'];
    if (retentionMs >= 0) {
      const startMs = this.sim.nowMs;
      deleted.push(...this.deleteMatching('retention.ms', (segment) => startMs - segment.largestTimestampMs() > retentionMs));
    }
    return deleted;
  }

  /**
   * UnifiedLog.deletableSegments + deleteSegments: walk from the oldest while
   * the predicate holds and the segment lies below the high watermark; never
   * the last segment when it is empty. If every segment goes, roll first so
   * the log keeps one.
   */
  private deleteMatching(
    reason: DeletedSegment['reason'],
    predicate: (segment: LogSegment, next: LogSegment | undefined) => boolean,
  ): DeletedSegment[] {
    const deletable: LogSegment[] = [];
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      const next = this.segments[i + 1];
      const isLastSegmentAndEmpty = next === undefined && segment.isEmpty;
      const upperBoundOffset = next !== undefined ? next.baseOffset : this.logEndOffset;
      if (!(this.hw >= upperBoundOffset && predicate(segment, next)) || isLastSegmentAndEmpty) break;
      deletable.push(segment);
    }
    if (deletable.length === 0) return [];
    let toDelete = deletable;
    if (deletable.length === this.segments.length) {
      const rolled = this.roll(`retention (${reason})`);
      if (deletable[deletable.length - 1] === rolled) toDelete = deletable.slice(0, -1);
    }
    if (toDelete.length === 0) return [];
    const newLogStartOffset = this.segments[toDelete.length]!.baseOffset;
    const records: DeletedSegment[] = toDelete.map((segment) => ({
      baseOffset: segment.baseOffset,
      nextOffset: segment.nextOffset,
      sizeBytes: segment.sizeBytes,
      largestTimestampMs: segment.largestTimestampMs(),
      reason,
    }));
    this.segments = this.segments.slice(toDelete.length);
    for (let i = 0; i < toDelete.length; i++) this.scheduleFileDeletion(toDelete[i]!, records[i]!);
    this.maybeIncrementLogStartOffset(newLogStartOffset, `segment deletion (${reason})`);
    return records;
  }

  /** Rename to .deleted now, remove after file.delete.delay.ms (LocalLog.removeAndDeleteSegments, async). */
  private scheduleFileDeletion(segment: LogSegment, record: DeletedSegment): void {
    segment.changeFileSuffix('.deleted');
    const trace = this.sim.trace;
    if (trace.active) {
      trace.emit('log.segment.deleted', {
        broker: this.brokerId,
        partition: this.name,
        segment: record.baseOffset,
        nextOffset: record.nextOffset,
        sizeBytes: record.sizeBytes,
        largestTimestampMs: record.largestTimestampMs,
        reason: record.reason,
        retentionMs: this.config['retention.ms'],
      });
    }
    this.sim.schedule(this.config['file.delete.delay.ms'], `delete-file ${this.name} ${segmentFileStem(segment.baseOffset)}`, () => {
      segment.deleteFiles();
      if (this.sim.trace.active) {
        this.sim.trace.emit('log.segment.files-removed', { broker: this.brokerId, partition: this.name, segment: segment.baseOffset });
      }
    });
  }

  /** UnifiedLog.maybeIncrementLogStartOffset (also used by DeleteRecords). */
  maybeIncrementLogStartOffset(newLogStartOffset: number, reason: string): void {
    assert(newLogStartOffset <= this.hw, () => `${this.name}: log start offset ${newLogStartOffset} above high watermark ${this.hw}`);
    if (newLogStartOffset <= this.logStart) return;
    const previous = this.logStart;
    this.logStart = newLogStartOffset;
    this.mutations++;
    this.leaderEpochCache.truncateFromStart(newLogStartOffset);
    if (this.recoveryPointOffset < newLogStartOffset) this.recoveryPointOffset = newLogStartOffset;
    if (this.sim.trace.active) {
      this.sim.trace.emit('log.start-offset', { broker: this.brokerId, partition: this.name, from: previous, to: newLogStartOffset, reason });
    }
  }

  // ---- truncation and recovery ---------------------------------------------

  /**
   * Remove every record at or above `targetOffset` (UnifiedLog.truncateTo, as
   * a follower does when it becomes follower or after OffsetsForLeaderEpoch).
   * Returns true when something was removed.
   */
  truncateTo(targetOffset: number): boolean {
    assert(targetOffset >= 0, 'truncateTo: negative offset');
    if (targetOffset >= this.logEndOffset) return false;
    if (targetOffset < this.logStart) {
      this.truncateFullyAndStartAt(targetOffset);
      return true;
    }
    const previousEnd = this.logEndOffset;
    while (this.segments.length > 1 && this.activeSegment.baseOffset > targetOffset) {
      const removed = this.segments.pop()!;
      removed.deleteFiles();
    }
    this.activeSegment.truncateTo(targetOffset, this.sim.nowMs);
    this.leaderEpochCache.truncateFromEnd(targetOffset);
    this.truncationCount++;
    if (this.hw > this.logEndOffset) this.setHighWatermark(this.logEndOffset);
    this.mutations++;
    if (this.recoveryPointOffset > this.logEndOffset) this.recoveryPointOffset = this.logEndOffset;
    if (this.sim.trace.active) {
      this.sim.trace.emit('log.truncate', { broker: this.brokerId, partition: this.name, from: previousEnd, to: this.logEndOffset });
    }
    return true;
  }

  /** Delete everything and restart the log at `newOffset` (UnifiedLog.truncateFullyAndStartAt). */
  truncateFullyAndStartAt(newOffset: number): void {
    const previousEnd = this.logEndOffset;
    for (const segment of this.segments) segment.deleteFiles();
    this.segments = [this.newSegment(newOffset)];
    this.leaderEpochCache.clear();
    this.truncationCount++;
    this.logStart = newOffset;
    this.setHighWatermark(newOffset);
    this.mutations++;
    this.recoveryPointOffset = newOffset;
    if (this.sim.trace.active) {
      this.sim.trace.emit('log.truncate', { broker: this.brokerId, partition: this.name, from: previousEnd, to: newOffset, fully: true });
    }
  }

  /** fsync every segment holding unflushed records; the recovery point moves to the log end. */
  flush(): void {
    const from = this.recoveryPointOffset;
    const to = this.logEndOffset;
    if (to <= from) return;
    const first = Math.max(0, this.floorSegmentIndex(from));
    for (let i = first; i < this.segments.length; i++) this.segments[i]!.flush();
    this.recoveryPointOffset = to;
    this.lastFlushMs = this.sim.nowMs;
    if (this.sim.trace.active) this.sim.trace.emit('log.flush', { broker: this.brokerId, partition: this.name, from, to });
  }

  get lastFlushTimeMs(): number {
    return this.lastFlushMs;
  }

  /**
   * UnifiedLog.flushUptoOffsetExclusive, as scheduled after a roll: fsync the
   * segments wholly below `offset` and move the recovery point there.
   */
  flushUpToOffsetExclusive(offset: number): void {
    if (offset <= this.recoveryPointOffset) return;
    const from = this.recoveryPointOffset;
    for (const segment of this.segments) {
      if (segment.baseOffset >= offset) break;
      if (segment.nextOffset > from) segment.flush();
    }
    this.recoveryPointOffset = Math.min(offset, this.logEndOffset);
    if (this.sim.trace.active) this.sim.trace.emit('log.flush', { broker: this.brokerId, partition: this.name, from, to: this.recoveryPointOffset });
  }

  /**
   * Log recovery after an unclean shutdown (LogLoader.recoverLog): segments
   * from the recovery point on are re-validated against what the disk still
   * has; the first segment that lost bytes is truncated there and every later
   * one deleted. The high watermark restarts from `checkpointedHighWatermark`.
   * Returns how many records were lost.
   */
  recover(checkpointedHighWatermark: number): number {
    const before = this.logEndOffset;
    // A power loss can roll back the directory or a segment's name (the journal
    // had not committed them); the broker recreates what its log needs.
    this.disk.mkdir(this.dir, { recursive: true });
    for (const segment of this.segments) segment.reopenMissingFiles();
    const first = Math.max(0, this.floorSegmentIndex(this.recoveryPointOffset));
    for (let i = first; i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      const present = this.disk.exists(segment.fileNames.log) ? this.disk.size(segment.fileNames.log) : 0;
      const truncated = segment.recover(present, this.sim.nowMs);
      if (truncated > 0 || present < segment.sizeBytes) {
        for (const later of this.segments.splice(i + 1)) later.deleteFiles();
        break;
      }
    }
    this.leaderEpochCache.truncateFromEnd(this.logEndOffset);
    this.recoveryPointOffset = this.logEndOffset;
    this.setHighWatermark(Math.min(Math.max(checkpointedHighWatermark, this.logStart), this.logEndOffset));
    this.mutations++;
    const lost = before - this.logEndOffset;
    if (lost > 0) this.truncationCount++;
    if (this.sim.trace.active) {
      this.sim.trace.emit('log.recover', { broker: this.brokerId, partition: this.name, logEndOffsetBefore: before, logEndOffset: this.logEndOffset, highWatermark: this.hw, lostRecords: lost });
    }
    return lost;
  }

  /** Check the invariants listed in the module comment; used by tests and checkers. */
  checkInvariants(): void {
    assert(this.logStart <= this.hw && this.hw <= this.logEndOffset, () => `${this.name}: logStartOffset ${this.logStart} <= HW ${this.hw} <= LEO ${this.logEndOffset} violated`);
    let expected = this.segments[0]!.baseOffset;
    assert(expected <= this.logStart, () => `${this.name}: first segment ${expected} above logStartOffset ${this.logStart}`);
    for (const segment of this.segments) {
      assert(segment.baseOffset >= expected, () => `${this.name}: segment ${segment.baseOffset} overlaps previous (expected >= ${expected})`);
      let position = 0;
      for (const batch of segment.batches) {
        assert(batch.position === position, () => `${this.name}: batch at ${batch.position}, expected ${position}`);
        assert(batch.baseOffset >= expected, () => `${this.name}: batch ${batch.baseOffset} below ${expected}`);
        position += batch.sizeBytes;
        expected = batch.lastOffset + 1;
      }
      assert(position === segment.sizeBytes, () => `${this.name}: segment ${segment.baseOffset} size mismatch`);
    }
  }
}
