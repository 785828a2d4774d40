/**
 * What poll() returns: records grouped by partition as they came in fetched
 * batches. A poll of 500 records holds a handful of slices, not 500 objects:
 * a record object is made only when someone iterates (the stream job reads
 * values; a benchmark counting records does not). Offsets are absolute and
 * increase within a partition.
 */
import { recordTimestampMs, type StoredBatch } from '../recordBatch';

export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly leaderEpoch: number;
}

/** Records `fromOffset..toOffset` (inclusive) of one stored batch. */
export interface RecordSlice {
  readonly topic: string;
  readonly partition: number;
  readonly batch: StoredBatch;
  readonly fromOffset: number;
  readonly toOffset: number;
}

export class ConsumerRecords implements Iterable<ConsumerRecord> {
  readonly count: number;

  constructor(readonly slices: readonly RecordSlice[]) {
    let count = 0;
    for (const s of slices) count += s.toOffset - s.fromOffset + 1;
    this.count = count;
  }

  static readonly EMPTY = new ConsumerRecords([]);

  get isEmpty(): boolean {
    return this.count === 0;
  }

  *[Symbol.iterator](): Iterator<ConsumerRecord> {
    for (const s of this.slices) {
      const batch = s.batch;
      for (let offset = s.fromOffset; offset <= s.toOffset; offset++) {
        const i = offset - batch.baseOffset;
        yield {
          topic: s.topic,
          partition: s.partition,
          offset,
          timestampMs: recordTimestampMs(batch, i),
          key: batch.records?.keys?.[i] ?? null,
          value: batch.records?.values?.[i] ?? null,
          leaderEpoch: batch.partitionLeaderEpoch,
        };
      }
    }
  }

  /** `topic-partition` ⇒ the offset after the last record returned for it. */
  nextOffsets(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.slices) out.set(`${s.topic}-${s.partition}`, s.toOffset + 1);
    return out;
  }
}
