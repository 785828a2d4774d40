/**
 * The producer's choice of partition, as Kafka's Java client makes it.
 *
 * Keys: `Utils.murmur2` bit for bit (seed 0x9747b28c, four little-endian bytes
 * at a time, the tail mixed in `length % 4` fall-through order) and
 * `BuiltInPartitioner.partitionForKey`: `toPositive(murmur2(keyBytes)) %
 * numPartitions`, where `toPositive(h) = h & 0x7fffffff` (not `Math.abs`, which
 * would fail on -2^31). The count is of all partitions, available or not, so a
 * key keeps its partition while a leader is missing and moves when the topic
 * grows. String keys are hashed as their UTF-8 bytes, what `StringSerializer`
 * sends.
 *
 * Records without a key (or every record, with `partitioner.ignore.keys`), by
 * the choice of partitioner:
 *   - `built-in` (no `partitioner.class`; Kafka >= 3.3, KIP-794,
 *     `BuiltInPartitioner`): stick to one partition until `batch.size` bytes
 *     have been appended to it, then switch to another one drawn uniformly among
 *     the partitions that have a leader (`availablePartitionsForTopic`), or among
 *     all when none has. The record that crosses the threshold still goes to the
 *     old partition; the switch applies to the next one.
 *   - `round-robin` (`partitioner.class = RoundRobinPartitioner`): every record,
 *     keyed or not, goes to the next available partition in turn, from a
 *     per-topic counter starting at 0. Being a custom partitioner, it ignores
 *     `partitioner.ignore.keys`. Clients from 2.4 until KAFKA-17632 (fixed in
 *     4.0 and 3.9.x) skipped every other partition because `partition()` ran
 *     twice per new batch (KAFKA-9965); this models the fixed behaviour.
 *   - `legacy-default` (the `DefaultPartitioner` of clients before 2.4, which
 *     many tutorials still describe): keys hashed as above, records without a
 *     key round-robin over the available partitions from a counter that starts
 *     at a random value.
 *
 * What `built-in` simplifies, precisely:
 *   - Adaptive partitioning (`partitioner.adaptive.partitioning.enable`, true by
 *     default) is not modelled: Kafka draws the next sticky partition weighted
 *     by the inverse of each partition's queue of unsent batches
 *     (`updatePartitionLoadStats`), and excludes partitions slower than
 *     `partitioner.availability.timeout.ms`. Here the draw is always uniform,
 *     which is what Kafka itself does with adaptive partitioning off, or when
 *     every queue has the same length (e.g. an idle producer).
 *   - Kafka defers a due switch while the partition's last batch is not full
 *     (`RecordAccumulator.allBatchesFull`), up to `2 * batch.size` bytes. `assign`
 *     always allows the switch; a detailed accumulator model can pass
 *     `enableSwitch` to `updateSticky` to get Kafka's deferral.
 *   - `ThreadLocalRandom` becomes the seeded Rng, and Kafka's
 *     `toPositive(nextInt()) % n` (biased by under 1e-9 for small n) becomes an
 *     unbiased uniform draw. The same seed gives the same partitions.
 */
import { assert, InvariantError, unreachable } from '../sim/assert';
import type { Rng } from '../sim/Rng';

// ---- murmur2 -------------------------------------------------------------------

const MURMUR2_SEED = 0x9747b28c;
const MURMUR2_M = 0x5bd1e995;
const MURMUR2_R = 24;

/**
 * Kafka's `Utils.murmur2`: a signed 32-bit hash, as Java's `int`, of
 * `data[0, length)` (all of it by default).
 */
export function murmur2(data: Uint8Array, length: number = data.length): number {
  assert(length >= 0 && length <= data.length, () => `murmur2: length ${length} outside [0, ${data.length}]`);
  let h = (MURMUR2_SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, MURMUR2_M);
    k ^= k >>> MURMUR2_R;
    k = Math.imul(k, MURMUR2_M);
    h = Math.imul(h, MURMUR2_M);
    h ^= k;
  }
  // The tail, as Java's fall-through `switch (length % 4)` (case 3, 2, 1).
  const tail = length & ~3;
  const rest = length & 3;
  if (rest !== 0) {
    if (rest === 3) h ^= data[tail + 2]! << 16;
    if (rest >= 2) h ^= data[tail + 1]! << 8;
    h ^= data[tail]!;
    h = Math.imul(h, MURMUR2_M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, MURMUR2_M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (so -2^31 maps to 0). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

const utf8 = new TextEncoder();

/** A key as the bytes Kafka hashes: strings as UTF-8, as `StringSerializer` writes them. */
export function keyBytes(key: string | Uint8Array): Uint8Array {
  return typeof key === 'string' ? utf8.encode(key) : key;
}

/** Reused for string keys, so hashing one does not allocate its bytes. */
let scratch = new Uint8Array(256);

/** `BuiltInPartitioner.partitionForKey`. */
export function partitionForKey(key: string | Uint8Array, numPartitions: number): number {
  assert(Number.isInteger(numPartitions) && numPartitions > 0, () => `partitionForKey: numPartitions must be a positive integer, got ${numPartitions}`);
  if (typeof key !== 'string') return toPositive(murmur2(key)) % numPartitions;
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  if (scratch.length < key.length * 3) scratch = new Uint8Array(key.length * 3);
  const { written } = utf8.encodeInto(key, scratch);
  return toPositive(murmur2(scratch, written)) % numPartitions;
}

// ---- the partitioner -------------------------------------------------------------

export type PartitionerKind = 'built-in' | 'round-robin' | 'legacy-default';

export const PARTITIONER_KINDS: readonly PartitionerKind[] = ['built-in', 'round-robin', 'legacy-default'];

/** `RecordMetadata.UNKNOWN_PARTITION`: "let the built-in sticky logic choose". */
export const UNKNOWN_PARTITION = -1;

/** What the producer knows of a topic from its metadata. */
export interface TopicMetadata {
  readonly numPartitions: number;
  /** Partitions with a known leader, ascending (`Cluster.availablePartitionsForTopic`). */
  readonly availablePartitions: readonly number[];
}

export interface PartitionerRecord {
  readonly topic: string;
  /** An explicit partition always wins. */
  readonly partition?: number | null;
  readonly key?: string | Uint8Array | null;
}

export interface PartitionerOptions {
  readonly kind: PartitionerKind;
  /** A stream of its own, e.g. `rng.fork('producer-1/partitioner')`. */
  readonly rng: Rng;
  /** `batch.size`; Kafka sticks for `max(1, batch.size)` bytes. */
  readonly batchSizeBytes: number;
  /** `partitioner.ignore.keys` (built-in only). */
  readonly ignoreKeys?: boolean;
}

interface StickyPartition {
  partition: number;
  producedBytes: number;
}

export class Partitioner {
  readonly kind: PartitionerKind;
  readonly ignoreKeys: boolean;
  /** `stickyBatchSize` of `BuiltInPartitioner`. */
  readonly stickyBatchSizeBytes: number;
  private readonly rng: Rng;
  private readonly sticky = new Map<string, StickyPartition>();
  private readonly counters = new Map<string, number>();

  constructor(options: PartitionerOptions) {
    assert(PARTITIONER_KINDS.includes(options.kind), () => `unknown partitioner kind '${options.kind}'`);
    assert(Number.isInteger(options.batchSizeBytes) && options.batchSizeBytes >= 0, () => `batch.size must be an integer >= 0, got ${options.batchSizeBytes}`);
    this.kind = options.kind;
    this.rng = options.rng;
    this.ignoreKeys = options.ignoreKeys ?? false;
    this.stickyBatchSizeBytes = Math.max(1, options.batchSizeBytes);
  }

  /**
   * Choose the partition of one record and account its bytes, as
   * `KafkaProducer.doSend` and `RecordAccumulator.append` do together for a
   * record appended at once. `appendedBytes` is what the record added to its
   * batch (with the batch header when it opened a new batch).
   */
  assign(record: PartitionerRecord, topic: TopicMetadata, appendedBytes: number): number {
    const partition = this.partition(record, topic);
    if (partition !== UNKNOWN_PARTITION) return partition;
    const chosen = this.stickyPartition(record.topic, topic);
    this.updateSticky(record.topic, topic, appendedBytes, true);
    return chosen;
  }

  /**
   * `KafkaProducer.partition`: the explicit partition, the custom partitioner's
   * choice, the key's hash, or UNKNOWN_PARTITION when the built-in sticky logic
   * must choose (then call `stickyPartition` and, after the append,
   * `updateSticky`).
   */
  partition(record: PartitionerRecord, topic: TopicMetadata): number {
    checkTopic(topic);
    const explicit = record.partition;
    if (explicit !== undefined && explicit !== null) {
      // ProducerRecord's constructor: "Invalid partition: %d. Partition number should always be non-negative or null."
      assert(Number.isInteger(explicit) && explicit >= 0, () => `Invalid partition: ${explicit}. Partition number should always be non-negative or null.`);
      return explicit;
    }
    const key = record.key ?? null;
    switch (this.kind) {
      case 'built-in':
        return key !== null && !this.ignoreKeys ? partitionForKey(key, topic.numPartitions) : UNKNOWN_PARTITION;
      case 'round-robin':
        return this.nextInTurn(record.topic, topic, 'zero');
      case 'legacy-default':
        return key !== null ? partitionForKey(key, topic.numPartitions) : this.nextInTurn(record.topic, topic, 'random');
      default:
        return unreachable(this.kind, 'partitioner kind');
    }
  }

  /** `BuiltInPartitioner.peekCurrentPartitionInfo`: the current sticky partition, chosen on first use. */
  stickyPartition(topicName: string, topic: TopicMetadata): number {
    this.assertBuiltIn();
    let sticky = this.sticky.get(topicName);
    if (sticky === undefined) {
      sticky = { partition: this.nextStickyPartition(topic), producedBytes: 0 };
      this.sticky.set(topicName, sticky);
    }
    return sticky.partition;
  }

  /**
   * `BuiltInPartitioner.updatePartitionInfo`: count bytes appended to the
   * sticky partition and switch once `batch.size` is reached (when
   * `enableSwitch`) or `2 * batch.size` regardless.
   */
  updateSticky(topicName: string, topic: TopicMetadata, appendedBytes: number, enableSwitch: boolean): void {
    this.assertBuiltIn();
    // Checked without closures: this runs once per record sent.
    if (!(Number.isInteger(appendedBytes) && appendedBytes >= 0)) throw new InvariantError(`appendedBytes must be an integer >= 0, got ${appendedBytes}`);
    const sticky = this.sticky.get(topicName);
    if (sticky === undefined) throw new InvariantError(`updateSticky: no sticky partition for topic '${topicName}' (call stickyPartition first)`);
    sticky.producedBytes += appendedBytes;
    const batch = this.stickyBatchSizeBytes;
    if ((sticky.producedBytes >= batch && enableSwitch) || sticky.producedBytes >= 2 * batch) {
      this.sticky.set(topicName, { partition: this.nextStickyPartition(topic), producedBytes: 0 });
    }
  }

  /** `BuiltInPartitioner.nextPartition`, uniform (see the module comment). */
  private nextStickyPartition(topic: TopicMetadata): number {
    checkTopic(topic);
    const available = topic.availablePartitions;
    if (available.length > 0) return available[this.rng.int(0, available.length - 1)]!;
    return this.rng.int(0, topic.numPartitions - 1);
  }

  /** `RoundRobinPartitioner.partition` / the old `DefaultPartitioner`'s null-key branch. */
  private nextInTurn(topicName: string, topic: TopicMetadata, start: 'zero' | 'random'): number {
    // RoundRobinPartitioner starts each topic's counter at 0, the old
    // DefaultPartitioner at ThreadLocalRandom.nextInt() (any int, negative too).
    const counter = this.counters.get(topicName) ?? (start === 'zero' ? 0 : this.rng.int(-0x80000000, 0x7fffffff));
    this.counters.set(topicName, (counter + 1) | 0); // AtomicInteger.getAndIncrement wraps
    const available = topic.availablePartitions;
    if (available.length > 0) return available[toPositive(counter) % available.length]!;
    return toPositive(counter) % topic.numPartitions;
  }

  private assertBuiltIn(): void {
    if (this.kind !== 'built-in') throw new InvariantError(`sticky partitioning belongs to the built-in partitioner, not '${this.kind}'`);
  }
}

function checkTopic(topic: TopicMetadata): void {
  if (!(Number.isInteger(topic.numPartitions) && topic.numPartitions > 0)) throw new InvariantError(`a topic needs at least one partition, got ${topic.numPartitions}`);
}
