/**
 * The leader epoch cache of a log (Kafka's `LeaderEpochFileCache`, KIP-101):
 * for every leader epoch, the first offset written in it. Followers use it to
 * ask a new leader where their common history ends (OffsetsForLeaderEpoch)
 * instead of trusting their own high watermark.
 *
 * Entries are kept sorted by epoch, and by start offset: assigning an entry
 * removes every later entry that would break that order
 * (maybeTruncateNonMonotonicEntries).
 */
import { assert } from '../sim/assert';

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

export class LeaderEpochCache {
  private epochs: EpochEntry[] = [];

  entries(): readonly EpochEntry[] {
    return this.epochs;
  }

  latestEpoch(): number {
    return this.epochs.length === 0 ? UNDEFINED_EPOCH : this.epochs[this.epochs.length - 1]!.epoch;
  }

  latestEntry(): EpochEntry | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  /** LeaderEpochFileCache.assign. */
  assign(epoch: number, startOffset: number): void {
    assert(epoch >= 0 && startOffset >= 0, () => `Received invalid partition leader epoch entry (${epoch}, ${startOffset})`);
    const latest = this.latestEntry();
    if (latest !== undefined && latest.epoch === epoch && startOffset >= latest.startOffset) return;
    while (this.epochs.length > 0) {
      const last = this.epochs[this.epochs.length - 1]!;
      if (last.epoch >= epoch || last.startOffset >= startOffset) this.epochs.pop();
      else break;
    }
    this.epochs.push({ epoch, startOffset });
  }

  /**
   * LeaderEpochFileCache.endOffsetFor: the largest epoch <= the requested one
   * and where it ends (the next epoch's start, or the log end for the latest).
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEntry {
    const undefinedResult = { epoch: UNDEFINED_EPOCH, startOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === UNDEFINED_EPOCH) return undefinedResult;
    if (this.latestEpoch() === requestedEpoch) return { epoch: requestedEpoch, startOffset: logEndOffset };
    const higher = this.epochs.find((e) => e.epoch > requestedEpoch);
    if (higher === undefined) return undefinedResult;
    let floor: EpochEntry | undefined;
    for (const e of this.epochs) if (e.epoch <= requestedEpoch) floor = e;
    return { epoch: floor === undefined ? requestedEpoch : floor.epoch, startOffset: higher.startOffset };
  }

  /** Remove entries starting at or after `endOffset` (truncateFromEnd). */
  truncateFromEnd(endOffset: number): void {
    while (this.epochs.length > 0 && this.epochs[this.epochs.length - 1]!.startOffset >= endOffset) this.epochs.pop();
  }

  /** Drop entries before `startOffset`, moving the last of them up to it (truncateFromStart). */
  truncateFromStart(startOffset: number): void {
    let removed: EpochEntry | undefined;
    while (this.epochs.length > 0 && this.epochs[0]!.startOffset <= startOffset) removed = this.epochs.shift();
    if (removed !== undefined) this.epochs.unshift({ epoch: removed.epoch, startOffset });
  }

  /** The epoch an offset was written in (epochForOffset), or UNDEFINED_EPOCH. */
  epochForOffset(offset: number): number {
    let previous = UNDEFINED_EPOCH;
    for (const e of this.epochs) {
      if (e.startOffset === offset) return e.epoch;
      if (e.startOffset > offset) return previous;
      previous = e.epoch;
    }
    return previous;
  }

  clear(): void {
    this.epochs = [];
  }
}
