/**
 * The iteration orders of Java's hash collections, for the assignors whose
 * results depend on them (Kafka's sticky assignors break ties by walking a
 * HashMap keyed by member id, and pick "any" element of a HashSet of
 * partitions). Everything here is a pure function of the keys and the
 * order they were inserted in, as java.util.HashMap is:
 *
 *   - a key's bucket is (h ^ h >>> 16) & (capacity - 1), h its hashCode;
 *   - capacity starts at 16 and doubles when size exceeds 0.75 × capacity,
 *     and never shrinks (HashMap.resize);
 *   - iteration walks buckets in index order, and a bucket's keys in the
 *     order they were inserted (a resize splits a bucket without reordering
 *     it; a removal unlinks one key).
 *
 * Not modelled: tree bins (HashMap.treeifyBin at capacity ≥ 64 with 9+ keys
 * in one bucket), whose iteration order differs.
 */
import { assert } from '../../sim/assert';
import type { StickyTopicPartition } from './stickyAssignors';

/** java.lang.String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in 32-bit int arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** org.apache.kafka.common.TopicPartition.hashCode: 31 × (31 + partition) + topic.hashCode(), in int arithmetic. */
export function topicPartitionHash(tp: StickyTopicPartition): number {
  return (Math.imul(31, (31 + tp.partition) | 0) + javaStringHashCode(tp.topic)) | 0;
}

function bucketOf(hash: number, capacity: number): number {
  return (hash ^ (hash >>> 16)) & (capacity - 1);
}

/**
 * The iteration order of a java.util.HashMap filled by put() with these keys
 * in this order (no removals).
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  return keys
    .map((k, i) => ({ k, i, b: bucketOf(javaStringHashCode(k), capacity) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.k);
}

const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/**
 * A java.util.HashSet<TopicPartition> created with `new HashSet<>()`, with
 * add, remove and the first element its iterator returns.
 */
export class JavaTopicPartitionHashSet {
  private capacity = 16;
  private seq = 0;
  private readonly entries = new Map<string, { readonly tp: StickyTopicPartition; readonly hash: number; readonly seq: number }>();

  get size(): number {
    return this.entries.size;
  }

  add(tp: StickyTopicPartition): void {
    const key = `${tp.topic}-${tp.partition}`;
    if (this.entries.has(key)) return;
    const hash = topicPartitionHash(tp);
    // HashMap.putVal: appending a 9th key to one bucket calls treeifyBin,
    // which only resizes while the table is smaller than 64.
    const bucket = bucketOf(hash, this.capacity);
    let inBucket = 0;
    for (const e of this.entries.values()) if (bucketOf(e.hash, this.capacity) === bucket) inBucket++;
    this.entries.set(key, { tp, hash, seq: this.seq++ });
    if (inBucket >= TREEIFY_THRESHOLD && this.capacity < MIN_TREEIFY_CAPACITY) this.capacity *= 2;
    if (this.entries.size > this.capacity * 0.75) this.capacity *= 2;
  }

  delete(tp: StickyTopicPartition): void {
    this.entries.delete(`${tp.topic}-${tp.partition}`);
  }

  /** set.iterator().next(): the lowest bucket, first inserted within it. */
  first(): StickyTopicPartition {
    let best: { tp: StickyTopicPartition; bucket: number; seq: number } | null = null;
    for (const e of this.entries.values()) {
      const bucket = bucketOf(e.hash, this.capacity);
      if (best === null || bucket < best.bucket || (bucket === best.bucket && e.seq < best.seq)) best = { tp: e.tp, bucket, seq: e.seq };
    }
    assert(best !== null, 'JavaTopicPartitionHashSet.first on an empty set');
    return best.tp;
  }
}
