/**
 * One segment of a partition log (Kafka's `LogSegment`): a .log file of record
 * batches plus its sparse .index and .timeindex.
 *
 * Invariants (as LogSegment's class doc states them): the base offset is <=
 * every offset in the segment and > every offset in earlier segments; batches
 * are contiguous in the file (each starts where the previous ended) and their
 * offsets increase.
 *
 * The batches kept here are the content of the .log file; the simulated disk
 * tracks how many of its bytes are durable. The index files are modelled by
 * size only (entries × entry size), as Kafka trims them when a segment rolls.
 */
import { assert } from '../sim/assert';
import type { FileHandle, SimDisk } from '../sim/SimDisk';
import { OFFSET_INDEX_ENTRY_BYTES, OffsetIndex } from './OffsetIndex';
import { NO_TIMESTAMP, recordCount, recordTimestampMs, type StoredBatch } from './recordBatch';
import { TIME_INDEX_ENTRY_BYTES, TimeIndex } from './TimeIndex';

/** 20-digit zero-padded base offset, as Kafka names segment files. */
export function segmentFileStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

export interface SegmentOptions {
  readonly baseOffset: number;
  readonly indexIntervalBytes: number;
  readonly maxIndexSizeBytes: number;
  readonly disk: SimDisk;
  readonly dir: string;
  readonly createdMs: number;
}

/** What an append did to the indexes (for the trace). */
export interface IndexAppend {
  readonly offsetIndexEntry: { readonly offset: number; readonly position: number } | null;
  readonly timeIndexEntry: { readonly timestampMs: number; readonly offset: number } | null;
}

/** Where a lookup landed: the index entry, then how far the scan went. */
export interface OffsetLookup {
  readonly segmentBaseOffset: number;
  /** The index slot used, or -1 when the scan started at the segment start. */
  readonly indexSlot: number;
  readonly indexEntry: { readonly offset: number; readonly position: number };
  /** Index of the batch found in the segment, or -1 when the target is past its end. */
  readonly batchIndex: number;
  readonly batchesScanned: number;
  readonly bytesScanned: number;
}

export class LogSegment {
  readonly baseOffset: number;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly batches: StoredBatch[] = [];
  private readonly indexIntervalBytes: number;
  private readonly disk: SimDisk;
  private logFile: FileHandle;
  private indexFile: FileHandle;
  private timeIndexFile: FileHandle;
  private size = 0;
  /**
   * For each offset index entry, the index of its batch in `batches`: the
   * simulator's shortcut from a file position to the batch stored there
   * (Kafka reads the batch header at that position instead).
   */
  private entryBatchIndex = new Int32Array(16);
  private bytesSinceLastIndexEntry = 0;
  private maxTimestampSoFar = NO_TIMESTAMP;
  private offsetOfMaxTimestampSoFar: number;
  /** Largest timestamp of the first batch: the clock segment.ms rolls on. */
  private rollingBasedTimestampMs = NO_TIMESTAMP;
  private createdMs: number;
  private lastModifiedMs: number;
  private suffix = '';
  readonly dir: string;

  constructor(options: SegmentOptions) {
    this.baseOffset = options.baseOffset;
    this.indexIntervalBytes = options.indexIntervalBytes;
    this.offsetIndex = new OffsetIndex(options.baseOffset, options.maxIndexSizeBytes);
    this.timeIndex = new TimeIndex(options.baseOffset, options.maxIndexSizeBytes);
    this.offsetOfMaxTimestampSoFar = options.baseOffset;
    this.disk = options.disk;
    this.dir = options.dir;
    this.createdMs = options.createdMs;
    this.lastModifiedMs = options.createdMs;
    const stem = `${options.dir}/${segmentFileStem(options.baseOffset)}`;
    this.logFile = this.disk.open(`${stem}.log`, { create: true, truncate: true, sizeOnly: true });
    this.indexFile = this.disk.open(`${stem}.index`, { create: true, truncate: true, sizeOnly: true });
    this.timeIndexFile = this.disk.open(`${stem}.timeindex`, { create: true, truncate: true, sizeOnly: true });
  }

  get sizeBytes(): number {
    return this.size;
  }

  get isEmpty(): boolean {
    return this.batches.length === 0;
  }

  /** Offset after the last batch (the segment's end), or the base offset when empty. */
  get nextOffset(): number {
    const last = this.batches[this.batches.length - 1];
    return last === undefined ? this.baseOffset : last.lastOffset + 1;
  }

  get fileNames(): { log: string; index: string; timeindex: string } {
    return { log: this.logFile.path, index: this.indexFile.path, timeindex: this.timeIndexFile.path };
  }

  /** LogSegment.maxTimestampSoFar (NO_TIMESTAMP when no batch had one). */
  get maxTimestampMs(): number {
    return this.maxTimestampSoFar;
  }

  /** LogSegment.largestTimestamp: the max timestamp, or the file's mtime without one. */
  largestTimestampMs(): number {
    return this.maxTimestampSoFar >= 0 ? this.maxTimestampSoFar : this.lastModifiedMs;
  }

  /** LogSegment.timeWaitedForRoll: on record timestamps when there are any. */
  timeWaitedForRollMs(nowMs: number, messageTimestampMs: number): number {
    if (this.rollingBasedTimestampMs >= 0) return messageTimestampMs - this.rollingBasedTimestampMs;
    return nowMs - this.createdMs;
  }

  /** AbstractIndex.canAppendOffset on the offset index. */
  canConvertToRelativeOffset(offset: number): boolean {
    return this.offsetIndex.canAppendOffset(offset);
  }

  /**
   * LogSegment.append for one batch. The offset index gets an entry when more
   * than index.interval.bytes were appended since the last entry, counted
   * before this batch, so a segment's first batch is never indexed.
   */
  append(batch: StoredBatch, nowMs: number): IndexAppend {
    const appended = this.appendInMemory(batch, nowMs);
    this.disk.appendSize(this.logFile, batch.sizeBytes);
    if (appended.offsetIndexEntry !== null) this.disk.appendSize(this.indexFile, OFFSET_INDEX_ENTRY_BYTES);
    if (appended.timeIndexEntry !== null) this.disk.appendSize(this.timeIndexFile, TIME_INDEX_ENTRY_BYTES);
    return appended;
  }

  private appendInMemory(batch: StoredBatch, nowMs: number): IndexAppend {
    assert(batch.position === this.size, () => `batch at position ${batch.position}, segment size ${this.size}`);
    assert(batch.baseOffset >= this.nextOffset, () => `batch base offset ${batch.baseOffset} below segment end ${this.nextOffset}`);
    assert(this.canConvertToRelativeOffset(batch.lastOffset), () => `offset ${batch.lastOffset} overflows segment ${this.baseOffset}`);
    if (this.size === 0) this.rollingBasedTimestampMs = batch.maxTimestampMs;
    this.batches.push(batch);
    this.size += batch.sizeBytes;
    this.lastModifiedMs = nowMs;
    if (batch.maxTimestampMs > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = batch.maxTimestampMs;
      this.offsetOfMaxTimestampSoFar = batch.offsetOfMaxTimestamp;
    }
    let offsetIndexEntry: IndexAppend['offsetIndexEntry'] = null;
    let timeIndexEntry: IndexAppend['timeIndexEntry'] = null;
    if (this.bytesSinceLastIndexEntry > this.indexIntervalBytes) {
      const slot = this.offsetIndex.entries;
      this.offsetIndex.append(batch.lastOffset, batch.position);
      if (slot === this.entryBatchIndex.length) {
        const grown = new Int32Array(slot * 2);
        grown.set(this.entryBatchIndex);
        this.entryBatchIndex = grown;
      }
      this.entryBatchIndex[slot] = this.batches.length - 1;
      offsetIndexEntry = { offset: batch.lastOffset, position: batch.position };
      if (this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar)) {
        timeIndexEntry = { timestampMs: this.maxTimestampSoFar, offset: this.offsetOfMaxTimestampSoFar };
      }
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += batch.sizeBytes;
    return offsetIndexEntry === null && timeIndexEntry === null ? NO_INDEX_APPEND : { offsetIndexEntry, timeIndexEntry };
  }

  /** LogSegment.onBecomeInactiveSegment: the time index gets the segment's max timestamp. */
  onBecomeInactive(): { timestampMs: number; offset: number } | null {
    if (this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true)) {
      this.disk.appendSize(this.timeIndexFile, TIME_INDEX_ENTRY_BYTES);
      return { timestampMs: this.maxTimestampSoFar, offset: this.offsetOfMaxTimestampSoFar };
    }
    return null;
  }

  /** Index of the batch starting at `position` (binary search over positions). */
  private batchIndexAtPosition(position: number): number {
    const batches = this.batches;
    let lo = 0;
    let hi = batches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (batches[mid]!.position <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Index of the first batch whose last offset is >= target (translateOffset:
   * index lookup, then FileRecords.searchForOffsetWithSize), or -1.
   */
  findBatchIndex(targetOffset: number): number {
    if (this.batches.length === 0) return -1;
    const slot = this.offsetIndex.lookupSlot(targetOffset);
    let i = slot < 0 ? 0 : this.entryBatchIndex[slot]!;
    const batches = this.batches;
    while (i < batches.length && batches[i]!.lastOffset < targetOffset) i++;
    return i < batches.length ? i : -1;
  }

  /** The same lookup as findBatchIndex, reporting where the index put it and how far it scanned. */
  explainLookup(targetOffset: number): OffsetLookup {
    const slot = this.offsetIndex.lookupSlot(targetOffset);
    const indexEntry = slot < 0 ? { offset: this.baseOffset, position: 0 } : this.offsetIndex.entry(slot);
    let i = this.batches.length === 0 ? 0 : this.batchIndexAtPosition(indexEntry.position);
    let batchesScanned = 0;
    let bytesScanned = 0;
    while (i < this.batches.length) {
      const batch = this.batches[i]!;
      batchesScanned++;
      if (batch.lastOffset >= targetOffset) break;
      bytesScanned += batch.sizeBytes;
      i++;
    }
    return {
      segmentBaseOffset: this.baseOffset,
      indexSlot: slot,
      indexEntry,
      batchIndex: i < this.batches.length ? i : -1,
      batchesScanned,
      bytesScanned,
    };
  }

  /**
   * LogSegment.findOffsetByTimestamp: the first record with timestamp >= target
   * and offset >= startingOffset, found from the time index entry at or below
   * the target. Null when no record here qualifies.
   */
  findOffsetByTimestamp(targetTimestampMs: number, startingOffset: number): { offset: number; timestampMs: number } | null {
    const entry = this.timeIndex.lookup(targetTimestampMs);
    const position = this.offsetIndex.lookupPosition(Math.max(entry.offset, startingOffset));
    const batches = this.batches;
    for (let i = batches.length === 0 ? 0 : this.batchIndexAtPosition(position); i < batches.length; i++) {
      const batch = batches[i]!;
      if (batch.maxTimestampMs < targetTimestampMs) continue;
      const count = recordCount(batch);
      for (let r = 0; r < count; r++) {
        const offset = batch.baseOffset + r;
        const timestampMs = recordTimestampMs(batch, r);
        if (timestampMs >= targetTimestampMs && offset >= startingOffset) return { offset, timestampMs };
      }
    }
    return null;
  }

  /**
   * LogSegment.truncateTo: drop every batch containing offsets >= `offset`.
   * Batches are atomic: a batch straddling the offset goes entirely (Kafka
   * truncates at batch boundaries too). Returns the bytes removed.
   */
  truncateTo(offset: number, nowMs: number): number {
    const i = this.findBatchIndex(offset);
    if (i < 0) return 0;
    const batch = this.batches[i]!;
    const newSize = batch.position;
    const removed = this.size - newSize;
    this.batches.length = i;
    this.size = newSize;
    this.disk.truncate(this.logFile, newSize);
    this.offsetIndex.truncateTo(offset);
    this.disk.truncate(this.indexFile, this.offsetIndex.sizeBytes);
    this.timeIndex.truncateTo(offset);
    this.disk.truncate(this.timeIndexFile, this.timeIndex.sizeBytes);
    this.bytesSinceLastIndexEntry = 0;
    this.recomputeMaxTimestamp();
    if (this.size === 0) {
      this.createdMs = nowMs;
      this.rollingBasedTimestampMs = NO_TIMESTAMP;
    }
    return removed;
  }

  /**
   * LogSegment.recover after an unclean shutdown: keep the batches that are
   * whole within the durable bytes of the .log file (a torn batch fails its
   * CRC), truncate the file there, and rebuild both indexes. Returns the
   * number of bytes truncated.
   */
  recover(durableBytes: number, nowMs: number): number {
    let keep = 0;
    while (keep < this.batches.length) {
      const batch = this.batches[keep]!;
      if (batch.position + batch.sizeBytes > durableBytes) break;
      keep++;
    }
    const kept = this.batches.slice(0, keep);
    this.batches.length = 0;
    this.size = 0;
    this.bytesSinceLastIndexEntry = 0;
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTimestampSoFar = NO_TIMESTAMP;
    this.offsetOfMaxTimestampSoFar = this.baseOffset;
    this.rollingBasedTimestampMs = NO_TIMESTAMP;
    for (const batch of kept) this.appendInMemory(batch, nowMs);
    const truncated = this.disk.length(this.logFile) - this.size;
    this.disk.truncate(this.logFile, this.size);
    this.disk.truncate(this.indexFile, this.offsetIndex.sizeBytes);
    this.disk.truncate(this.timeIndexFile, this.timeIndex.sizeBytes);
    return truncated;
  }

  /**
   * Recreate files a power loss removed from the directory (their creation
   * was never committed): empty, so recovery treats their batches as lost.
   */
  reopenMissingFiles(): void {
    if (!this.disk.exists(this.logFile.path)) this.logFile = this.disk.open(this.logFile.path, { create: true, sizeOnly: true });
    if (!this.disk.exists(this.indexFile.path)) this.indexFile = this.disk.open(this.indexFile.path, { create: true, sizeOnly: true });
    if (!this.disk.exists(this.timeIndexFile.path)) this.timeIndexFile = this.disk.open(this.timeIndexFile.path, { create: true, sizeOnly: true });
  }

  /** Bytes of the .log file that would survive a power loss now. */
  durableBytes(): number {
    return this.disk.durableLength(this.logFile);
  }

  /** fsync the segment's files (LogSegment.flush). */
  flush(): void {
    this.disk.fsync(this.logFile);
    this.disk.fsync(this.indexFile);
    this.disk.fsync(this.timeIndexFile);
  }

  /** Rename the files with a suffix such as `.deleted` (changeFileSuffixes). */
  changeFileSuffix(newSuffix: string): void {
    const rename = (handle: FileHandle): FileHandle => {
      const target = handle.path.slice(0, handle.path.length - this.suffix.length) + newSuffix;
      this.disk.rename(handle.path, target);
      return { ...handle, path: target };
    };
    this.logFile = rename(this.logFile);
    this.indexFile = rename(this.indexFile);
    this.timeIndexFile = rename(this.timeIndexFile);
    this.suffix = newSuffix;
  }

  deleteFiles(): void {
    for (const handle of [this.logFile, this.indexFile, this.timeIndexFile]) {
      if (this.disk.exists(handle.path)) this.disk.unlink(handle.path);
    }
  }

  private recomputeMaxTimestamp(): void {
    this.maxTimestampSoFar = NO_TIMESTAMP;
    this.offsetOfMaxTimestampSoFar = this.baseOffset;
    for (const batch of this.batches) {
      if (batch.maxTimestampMs > this.maxTimestampSoFar) {
        this.maxTimestampSoFar = batch.maxTimestampMs;
        this.offsetOfMaxTimestampSoFar = batch.offsetOfMaxTimestamp;
      }
    }
  }
}

const NO_INDEX_APPEND: IndexAppend = { offsetIndexEntry: null, timeIndexEntry: null };
