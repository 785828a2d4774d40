/**
 * The producer's buffer (Kafka's `RecordAccumulator`): per partition, a queue
 * of batches. A record joins the last open batch of its partition when it
 * fits in `batch.size`, otherwise it opens a new one. A batch is closed for
 * appends once drained; a retried batch goes back to the front of its queue
 * (without idempotence) or to its place by sequence (with it), so an
 * idempotent producer retries in order.
 */
import type { RecordInput } from '../recordBatch';
import { ProducerBatch, type SendHandle } from './ProducerBatch';

export interface AppendResult {
  readonly batch: ProducerBatch;
  readonly appendedBytes: number;
  readonly newBatch: boolean;
  /** RecordAccumulator.allBatchesFull before this append: the sticky partitioner may switch. */
  readonly enableSwitch: boolean;
}

export class RecordAccumulator {
  /** Queues by partition name, in the order partitions were first used. */
  readonly queues = new Map<string, ProducerBatch[]>();
  /** The same queues by topic and partition number (append looks them up per record). */
  private readonly byTopic = new Map<string, (ProducerBatch[] | undefined)[]>();
  private readonly batchSizeBytes: number;

  constructor(options: { batchSizeBytes: number }) {
    this.batchSizeBytes = Math.max(1, options.batchSizeBytes);
  }

  append(topic: string, partition: number, record: RecordInput, handle: SendHandle, nowMs: number): AppendResult {
    const queue = this.queueFor(topic, partition);
    const last = queue[queue.length - 1];
    const enableSwitch = last === undefined || last.isFull(this.batchSizeBytes) || queue.length > 1;
    if (last !== undefined && !last.sent) {
      const added = last.tryAppend(record, handle, this.batchSizeBytes);
      if (added >= 0) return { batch: last, appendedBytes: added, newBatch: false, enableSwitch };
    }
    const batch = new ProducerBatch({ topic, partition, createdMs: nowMs });
    const added = batch.tryAppend(record, handle, this.batchSizeBytes);
    queue.push(batch);
    return { batch, appendedBytes: added, newBatch: true, enableSwitch };
  }

  private queueFor(topic: string, partition: number): ProducerBatch[] {
    let partitions = this.byTopic.get(topic);
    if (partitions === undefined) this.byTopic.set(topic, (partitions = []));
    let queue = partitions[partition];
    if (queue === undefined) {
      queue = partitions[partition] = [];
      this.queues.set(`${topic}-${partition}`, queue);
    }
    return queue;
  }

  isFull(batch: ProducerBatch): boolean {
    return batch.isFull(this.batchSizeBytes);
  }

  /** Take the first batch of a partition for sending. */
  removeFirst(name: string): ProducerBatch {
    const queue = this.queues.get(name)!;
    return queue.shift()!;
  }

  /** RecordAccumulator.reenqueue (insertInSequenceOrder for the idempotent producer). */
  reenqueue(batch: ProducerBatch, bySequence: boolean): void {
    const queue = this.queueFor(batch.topic, batch.partition);
    if (!bySequence) {
      queue.unshift(batch);
      return;
    }
    let i = 0;
    while (i < queue.length && queue[i]!.hasSequence && queue[i]!.baseSequence < batch.baseSequence) i++;
    queue.splice(i, 0, batch);
  }

  /** Remove a batch wherever it is queued (delivery timeout). */
  remove(batch: ProducerBatch): void {
    const queue = this.queues.get(batch.name);
    if (queue === undefined) return;
    const i = queue.indexOf(batch);
    if (i >= 0) queue.splice(i, 1);
  }

  get queuedBatches(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }
}
