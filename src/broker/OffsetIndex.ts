/**
 * The sparse offset index of one segment (Kafka's `OffsetIndex`): entries of
 * (relative offset, byte position), 8 bytes each, appended at most every
 * `index.interval.bytes` of log. A lookup finds the largest entry whose offset
 * is <= the target (or the segment start), and the log is scanned from there.
 *
 * Entries live in growable typed arrays: a segment of a 10M-record log holds
 * tens of thousands of them.
 */
import { assert } from '../sim/assert';

export const OFFSET_INDEX_ENTRY_BYTES = 8;
const INT32_MAX = 2_147_483_647;

export interface OffsetPosition {
  readonly offset: number;
  readonly position: number;
}

export class OffsetIndex {
  private relativeOffsets = new Int32Array(16);
  private positions = new Int32Array(16);
  private count = 0;
  readonly maxEntries: number;

  constructor(
    readonly baseOffset: number,
    maxIndexSizeBytes: number,
  ) {
    // AbstractIndex rounds the size down to a whole number of entries.
    this.maxEntries = Math.floor(maxIndexSizeBytes / OFFSET_INDEX_ENTRY_BYTES);
  }

  get entries(): number {
    return this.count;
  }

  get sizeBytes(): number {
    return this.count * OFFSET_INDEX_ENTRY_BYTES;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** AbstractIndex.canAppendOffset: the offset fits an int relative to the base. */
  canAppendOffset(offset: number): boolean {
    const relative = offset - this.baseOffset;
    return relative >= 0 && relative <= INT32_MAX;
  }

  entry(n: number): OffsetPosition {
    assert(n >= 0 && n < this.count, () => `offset index entry ${n} of ${this.count}`);
    return { offset: this.baseOffset + this.relativeOffsets[n]!, position: this.positions[n]! };
  }

  lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.baseOffset + this.relativeOffsets[this.count - 1]!;
  }

  append(offset: number, position: number): void {
    assert(!this.isFull(), () => `Attempt to append to a full index (size = ${this.count}).`);
    assert(this.canAppendOffset(offset), () => `offset ${offset} does not fit the index based at ${this.baseOffset}`);
    assert(
      this.count === 0 || offset > this.lastOffset(),
      () => `Attempt to append an offset (${offset}) to position ${this.count} no larger than the last offset appended (${this.lastOffset()})`,
    );
    if (this.count === this.relativeOffsets.length) this.grow();
    this.relativeOffsets[this.count] = offset - this.baseOffset;
    this.positions[this.count] = position;
    this.count++;
  }

  /**
   * Slot of the largest entry with offset <= target, or -1 when the target is
   * below every entry (then the scan starts at position 0).
   */
  lookupSlot(targetOffset: number): number {
    const relative = targetOffset - this.baseOffset;
    const ro = this.relativeOffsets;
    if (this.count === 0 || relative < ro[0]!) return -1;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (ro[mid]! <= relative) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** OffsetIndex.lookup: the entry to start scanning from. */
  lookup(targetOffset: number): OffsetPosition {
    const slot = this.lookupSlot(targetOffset);
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  /** Position to start a scan for `targetOffset` (lookup without allocating). */
  lookupPosition(targetOffset: number): number {
    const slot = this.lookupSlot(targetOffset);
    return slot < 0 ? 0 : this.positions[slot]!;
  }

  /** Remove entries whose offset is >= `offset` (OffsetIndex.truncateTo). */
  truncateTo(offset: number): void {
    const slot = this.lookupSlot(offset);
    if (slot < 0) {
      this.count = 0;
      return;
    }
    const exact = this.baseOffset + this.relativeOffsets[slot]! === offset;
    this.count = exact ? slot : slot + 1;
  }

  reset(): void {
    this.count = 0;
  }

  private grow(): void {
    const size = this.relativeOffsets.length * 2;
    const ro = new Int32Array(size);
    ro.set(this.relativeOffsets);
    const pos = new Int32Array(size);
    pos.set(this.positions);
    this.relativeOffsets = ro;
    this.positions = pos;
  }
}
