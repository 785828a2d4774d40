/**
 * What a partition replica remembers about idempotent producers (Kafka's
 * `ProducerStateManager`, `ProducerStateEntry`, `ProducerAppendInfo`): per
 * producer id, the epoch and the metadata of its last five batches.
 *
 * The rules, as the leader applies them to a client's batch:
 *   - a batch whose epoch is below the entry's is fenced: INVALID_PRODUCER_EPOCH;
 *   - a batch with the entry's epoch and the exact sequence range of a
 *     remembered batch is a duplicate: nothing is appended and the response
 *     carries the original offsets (UnifiedLog.analyzeAndValidateProducerState);
 *   - otherwise its first sequence must follow the last one (0 follows
 *     Integer.MAX_VALUE), or be 0 for a new epoch: OUT_OF_ORDER_SEQUENCE_NUMBER;
 *   - with no state for the producer, any sequence is accepted. Since KIP-360
 *     (2.5) the broker no longer answers UNKNOWN_PRODUCER_ID; a retried batch
 *     whose state is gone is simply appended again.
 * Followers update the same state from replicated batches without checks, so
 * a new leader remembers what the old one did.
 *
 * State disappears on expiry (`producer.id.expiration.ms` after the
 * producer's last batch, checked every
 * `producer.id.expiration.check.interval.ms`, KIP-854) and when a restart or
 * truncation rebuilds it from a log that no longer holds the producer's
 * batches. Retention alone does not remove an in-memory entry (KAFKA-7190).
 */
import { kafkaError, type KafkaError } from './errors';
import { NO_PRODUCER_EPOCH, type BatchProducerInfo, type StoredBatch } from './recordBatch';

/** ProducerStateEntry.NUM_BATCHES_TO_RETAIN: why idempotence allows at most 5 requests in flight. */
export const NUM_BATCHES_TO_RETAIN = 5;

const INT_MAX = 2147483647;

export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly timestampMs: number;
}

export interface ProducerStateEntry {
  readonly producerId: number;
  producerEpoch: number;
  readonly batches: BatchMetadata[];
  lastTimestampMs: number;
}

export type ProducerCheck = { readonly kind: 'append' } | { readonly kind: 'duplicate'; readonly batch: BatchMetadata } | KafkaError;

const APPEND: ProducerCheck = { kind: 'append' };

export class ProducerStateManager {
  private readonly entries = new Map<number, ProducerStateEntry>();

  constructor(private readonly partitionName: string) {}

  get size(): number {
    return this.entries.size;
  }

  entry(producerId: number): ProducerStateEntry | undefined {
    return this.entries.get(producerId);
  }

  /**
   * Check a client's batch before it is appended at `offset` with `count`
   * records (ProducerAppendInfo.append for origin CLIENT).
   */
  checkClientAppend(producer: BatchProducerInfo, count: number, offset: number): ProducerCheck {
    const entry = this.entries.get(producer.producerId);
    const firstSeq = producer.baseSequence;
    const lastSeq = lastSequence(firstSeq, count);
    if (entry === undefined || entry.producerEpoch === NO_PRODUCER_EPOCH) return APPEND;
    if (producer.producerEpoch < entry.producerEpoch) {
      return kafkaError(
        'INVALID_PRODUCER_EPOCH',
        `Epoch of producer ${producer.producerId} at offset ${offset} in ${this.partitionName} is ${producer.producerEpoch}, which is smaller than the last seen epoch ${entry.producerEpoch}`,
      );
    }
    if (producer.producerEpoch === entry.producerEpoch) {
      const duplicate = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
      if (duplicate !== undefined) return { kind: 'duplicate', batch: duplicate };
      const currentLastSeq = entry.batches.length === 0 ? -1 : entry.batches[entry.batches.length - 1]!.lastSeq;
      if (!inSequence(currentLastSeq, firstSeq)) {
        return kafkaError(
          'OUT_OF_ORDER_SEQUENCE_NUMBER',
          `Out of order sequence number for producer ${producer.producerId} at offset ${offset} in partition ${this.partitionName}: ${firstSeq} (incoming seq. number), ${currentLastSeq} (current end sequence number)`,
        );
      }
      return APPEND;
    }
    if (firstSeq !== 0) {
      // Kafka's text has no space before "at"; kept verbatim.
      return kafkaError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `Invalid sequence number for new epoch of producer ${producer.producerId}at offset ${offset} in partition ${this.partitionName}: ${producer.producerEpoch} (request epoch), ${firstSeq} (seq. number), ${entry.producerEpoch} (current producer epoch)`,
      );
    }
    return APPEND;
  }

  /** Remember an appended batch (leader or follower). A new epoch forgets the old batches. */
  update(producer: BatchProducerInfo, firstOffset: number, lastOffset: number, timestampMs: number): void {
    let entry = this.entries.get(producer.producerId);
    if (entry === undefined) {
      entry = { producerId: producer.producerId, producerEpoch: producer.producerEpoch, batches: [], lastTimestampMs: timestampMs };
      this.entries.set(producer.producerId, entry);
    }
    if (producer.producerEpoch !== entry.producerEpoch) {
      entry.producerEpoch = producer.producerEpoch;
      entry.batches.length = 0;
    }
    entry.batches.push({ firstSeq: producer.baseSequence, lastSeq: lastSequence(producer.baseSequence, lastOffset - firstOffset + 1), firstOffset, lastOffset, timestampMs });
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestampMs = timestampMs;
  }

  /** Rebuild from the batches a log holds (after a restart or a truncation). */
  rebuild(batches: Iterable<StoredBatch>): void {
    this.entries.clear();
    for (const batch of batches) {
      if (batch.producerId < 0) continue;
      this.update(
        { producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence },
        batch.baseOffset,
        batch.lastOffset,
        batch.maxTimestampMs,
      );
    }
  }

  /** UnifiedLog.removeExpiredProducers: entries idle for `expirationMs`. Returns the ids removed. */
  removeExpired(nowMs: number, expirationMs: number): number[] {
    const removed: number[] = [];
    for (const [id, entry] of this.entries) {
      if (nowMs - entry.lastTimestampMs >= expirationMs) removed.push(id);
    }
    for (const id of removed) this.entries.delete(id);
    return removed;
  }
}

function lastSequence(firstSeq: number, count: number): number {
  // DefaultRecordBatch.incrementSequence: sequences wrap at Integer.MAX_VALUE.
  const last = firstSeq + count - 1;
  return last > INT_MAX ? last - INT_MAX - 1 : last;
}

/** ProducerAppendInfo.inSequence. */
function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT_MAX);
}
