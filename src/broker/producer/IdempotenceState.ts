/**
 * The idempotent producer's bookkeeping (the non-transactional part of
 * Kafka's `TransactionManager` and `TxnPartitionEntry`): the producer id and
 * epoch from InitProducerId, and per partition the epoch its sequences belong
 * to, the next sequence, the last acknowledged one, and the batches sent but
 * not yet resolved, in sequence order.
 *
 *   - A batch gets its sequence when first drained and keeps it on retries,
 *     so the broker can recognise a retry of a batch it already wrote.
 *   - Only the lowest unresolved batch of a partition is retried at a time
 *     (RecordAccumulator.shouldStopDrainBatchesForPartition), so retries
 *     cannot overtake each other.
 *   - OUT_OF_ORDER_SEQUENCE_NUMBER for a batch that is not the next one after
 *     the last acknowledged is retried as is: an earlier batch must land
 *     first. For the next one it means a real gap (the broker lost the earlier
 *     batches), and so does a batch that failed for good after being sent
 *     (TransactionManager.handleFailedBatch): the partition asks for an epoch
 *     bump. The idempotent producer bumps its epoch itself (KIP-360,
 *     bumpIdempotentProducerEpoch), restarts that partition's unresolved
 *     batches at sequence 0 under the new epoch, and every other partition
 *     restarts at 0 once its older batches have resolved.
 */
import type { ProducerBatch } from './ProducerBatch';

interface PartitionEntry {
  producerEpoch: number;
  nextSequence: number;
  lastAckedSequence: number;
  /** Sent and not resolved, by base sequence. */
  readonly inFlight: ProducerBatch[];
}

export class IdempotenceState {
  producerId = -1;
  producerEpoch = -1;
  private epochBumpRequired = false;
  private readonly partitionsToRewrite = new Set<string>();
  /** Partitions whose last expired batch may or may not be in the log, with that batch's last sequence. */
  private readonly unresolved = new Map<string, number>();
  private readonly entries = new Map<string, PartitionEntry>();

  get hasProducerId(): boolean {
    return this.producerId >= 0;
  }

  setProducerIdAndEpoch(producerId: number, producerEpoch: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
  }

  requestEpochBump(partition: string): void {
    this.epochBumpRequired = true;
    this.partitionsToRewrite.add(partition);
  }

  /** An expired batch that had been retried leaves its partition unresolved (markSequenceUnresolved). */
  markSequenceUnresolved(batch: ProducerBatch): void {
    this.unresolved.set(batch.name, batch.lastSequence);
  }

  hasUnresolvedSequence(partition: string): boolean {
    return this.unresolved.has(partition);
  }

  /**
   * TransactionManager.maybeResolveSequences: once nothing is in flight, a
   * partition whose next sequence directly follows the last acknowledged one
   * is resolved; otherwise the expired batches left a gap, and the epoch bumps.
   */
  maybeResolveSequences(): void {
    for (const [name] of [...this.unresolved]) {
      const entry = this.entry(name);
      if (entry.inFlight.length > 0) continue;
      if (entry.nextSequence - entry.lastAckedSequence !== 1) this.requestEpochBump(name);
      this.unresolved.delete(name);
    }
  }

  /** The unresolved partition's next batch after the expired one (isNextSequenceForUnresolvedPartition). */
  isNextSequenceForUnresolvedPartition(batch: ProducerBatch): boolean {
    const last = this.unresolved.get(batch.name);
    return last !== undefined && batch.baseSequence === last + 1;
  }

  /** TransactionManager.bumpIdempotentEpochAndResetIdIfNeeded, local part. Returns true when it bumped. */
  maybeBumpEpoch(): boolean {
    if (!this.epochBumpRequired || !this.hasProducerId) return false;
    this.producerEpoch++;
    for (const name of [...this.partitionsToRewrite].sort()) {
      const entry = this.entries.get(name);
      if (entry !== undefined) this.startSequencesAtBeginning(entry);
      this.unresolved.delete(name);
    }
    this.partitionsToRewrite.clear();
    this.epochBumpRequired = false;
    return true;
  }

  private entry(partition: string): PartitionEntry {
    let entry = this.entries.get(partition);
    if (entry === undefined) {
      entry = { producerEpoch: this.producerEpoch, nextSequence: 0, lastAckedSequence: -1, inFlight: [] };
      this.entries.set(partition, entry);
    }
    return entry;
  }

  /** TxnPartitionEntry.startSequencesAtBeginning: unresolved batches renumbered from 0 under the current epoch. */
  private startSequencesAtBeginning(entry: PartitionEntry): void {
    let sequence = 0;
    for (const batch of entry.inFlight) {
      batch.producerId = this.producerId;
      batch.producerEpoch = this.producerEpoch;
      batch.baseSequence = sequence;
      sequence += batch.recordCount;
    }
    entry.producerEpoch = this.producerEpoch;
    entry.nextSequence = sequence;
    entry.lastAckedSequence = -1;
  }

  /**
   * Whether a new batch may be drained for `partition` now: not while batches
   * of an older epoch are unresolved there (their fate decides the sequence).
   * A partition whose older batches all resolved restarts at 0 here
   * (maybeUpdateProducerIdAndEpoch).
   */
  canDrainNewBatch(partition: string): boolean {
    if (this.unresolved.has(partition)) return false;
    const entry = this.entry(partition);
    if (entry.producerEpoch === this.producerEpoch) return true;
    if (entry.inFlight.length > 0) return false;
    this.startSequencesAtBeginning(entry);
    return true;
  }

  /** A retried batch goes only when it is the lowest unresolved one of its partition. */
  canDrainRetry(batch: ProducerBatch): boolean {
    const first = this.entries.get(batch.name)?.inFlight[0];
    return first === undefined || first === batch;
  }

  /** Give a batch its producer id, epoch and sequence when it is first drained. */
  assignSequence(batch: ProducerBatch): void {
    const entry = this.entry(batch.name);
    batch.producerId = this.producerId;
    batch.producerEpoch = this.producerEpoch;
    batch.baseSequence = entry.nextSequence;
    entry.nextSequence += batch.recordCount;
  }

  /** The batch went out: it is unresolved until acknowledged or failed. */
  addInFlight(batch: ProducerBatch): void {
    const list = this.entry(batch.name).inFlight;
    if (list.includes(batch)) return;
    let i = list.length;
    while (i > 0 && list[i - 1]!.baseSequence > batch.baseSequence) i--;
    list.splice(i, 0, batch);
  }

  removeInFlight(batch: ProducerBatch): void {
    const list = this.entries.get(batch.name)?.inFlight;
    if (list === undefined) return;
    const i = list.indexOf(batch);
    if (i >= 0) list.splice(i, 1);
  }

  acknowledged(batch: ProducerBatch): void {
    this.removeInFlight(batch);
    const entry = this.entry(batch.name);
    if (batch.producerEpoch !== entry.producerEpoch) return;
    if (batch.lastSequence > entry.lastAckedSequence) entry.lastAckedSequence = batch.lastSequence;
  }

  /** TransactionManager.isNextSequence: the batch directly follows the last acknowledged one. */
  isNextSequence(batch: ProducerBatch): boolean {
    return batch.baseSequence - this.entry(batch.name).lastAckedSequence === 1;
  }
}
