/**
 * The time index of one segment (Kafka's `TimeIndex`): entries of
 * (timestamp, relative offset), 12 bytes each, appended beside offset index
 * entries and only when the timestamp grows. The last slot is reserved for
 * the entry written when the segment is rolled (isFull is entries >=
 * maxEntries - 1). A lookup finds the largest entry whose timestamp is <= the
 * target, or (NO_TIMESTAMP, baseOffset).
 */
import { assert } from '../sim/assert';
import { NO_TIMESTAMP } from './recordBatch';

export const TIME_INDEX_ENTRY_BYTES = 12;

export interface TimestampOffset {
  readonly timestampMs: number;
  readonly offset: number;
}

export class TimeIndex {
  private timestamps = new Float64Array(16);
  private relativeOffsets = new Int32Array(16);
  private count = 0;
  readonly maxEntries: number;
  private lastTimestampMs = NO_TIMESTAMP;
  private lastOffsetValue: number;

  constructor(
    readonly baseOffset: number,
    maxIndexSizeBytes: number,
  ) {
    this.maxEntries = Math.floor(maxIndexSizeBytes / TIME_INDEX_ENTRY_BYTES);
    this.lastOffsetValue = baseOffset;
  }

  get entries(): number {
    return this.count;
  }

  get sizeBytes(): number {
    return this.count * TIME_INDEX_ENTRY_BYTES;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries - 1;
  }

  lastEntry(): TimestampOffset {
    return { timestampMs: this.lastTimestampMs, offset: this.lastOffsetValue };
  }

  entry(n: number): TimestampOffset {
    assert(n >= 0 && n < this.count, () => `time index entry ${n} of ${this.count}`);
    return { timestampMs: this.timestamps[n]!, offset: this.baseOffset + this.relativeOffsets[n]! };
  }

  /**
   * TimeIndex.maybeAppend: add (timestamp, offset) if the timestamp is larger
   * than the last entry's. Returns whether an entry was added.
   */
  maybeAppend(timestampMs: number, offset: number, skipFullCheck = false): boolean {
    assert(skipFullCheck || !this.isFull(), () => `Attempt to append to a full time index (size = ${this.count}).`);
    assert(this.count === 0 || offset >= this.lastOffsetValue, () => `time index offset ${offset} below last ${this.lastOffsetValue}`);
    if (timestampMs <= this.lastTimestampMs) return false;
    if (this.count === this.timestamps.length) this.grow();
    this.timestamps[this.count] = timestampMs;
    this.relativeOffsets[this.count] = offset - this.baseOffset;
    this.count++;
    this.lastTimestampMs = timestampMs;
    this.lastOffsetValue = offset;
    return true;
  }

  /** TimeIndex.lookup. */
  lookup(targetTimestampMs: number): TimestampOffset {
    const ts = this.timestamps;
    if (this.count === 0 || ts[0]! > targetTimestampMs) return { timestampMs: NO_TIMESTAMP, offset: this.baseOffset };
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (ts[mid]! <= targetTimestampMs) lo = mid;
      else hi = mid - 1;
    }
    return this.entry(lo);
  }

  /** Remove entries whose offset is >= `offset` (TimeIndex.truncateTo). */
  truncateTo(offset: number): void {
    let n = this.count;
    while (n > 0 && this.baseOffset + this.relativeOffsets[n - 1]! >= offset) n--;
    this.count = n;
    this.lastTimestampMs = n === 0 ? NO_TIMESTAMP : this.timestamps[n - 1]!;
    this.lastOffsetValue = n === 0 ? this.baseOffset : this.baseOffset + this.relativeOffsets[n - 1]!;
  }

  reset(): void {
    this.truncateTo(this.baseOffset);
  }

  private grow(): void {
    const size = this.timestamps.length * 2;
    const ts = new Float64Array(size);
    ts.set(this.timestamps);
    const ro = new Int32Array(size);
    ro.set(this.relativeOffsets);
    this.timestamps = ts;
    this.relativeOffsets = ro;
  }
}
