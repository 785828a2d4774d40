/**
 * A batch of records for one partition, as the producer builds and sends it
 * (Kafka's `ProducerBatch` over `MemoryRecordsBuilder`): records are added
 * while they fit in `batch.size` (the first always fits), and the batch keeps
 * the handles that learn each record's fate, in send order. Its size is the
 * exact v2 batch size (recordBatch.ts), so batching and the sticky
 * partitioner's byte counts match a real client's.
 */
import { keySizeBytes, RECORD_BATCH_OVERHEAD_BYTES, recordSizeBytes, valueSizeBytes, type RecordInput } from '../recordBatch';
import type { KafkaErrorCode } from '../errors';

export const NO_SEQUENCE = -1;

/** What one `send` produced: the record's place in the log, or why it failed. */
export type SendResult =
  | { readonly ok: true; readonly topic: string; readonly partition: number; readonly offset: number; readonly timestampMs: number }
  | {
      readonly ok: false;
      readonly topic: string;
      readonly partition: number;
      readonly error: KafkaErrorCode;
      /** The Java exception a client would see (TimeoutException, ...). */
      readonly exception: string;
      readonly message: string;
    };

export interface ProducerRecord {
  readonly topic: string;
  /** An explicit partition; otherwise the key's hash or the sticky partition. */
  readonly partition?: number | null;
  readonly key?: string | null;
  readonly value?: string | null;
  /** Size of the value when no text is kept. */
  readonly valueSizeBytes?: number;
}

export interface SendHandle {
  /** Position in the producer's send order (0, 1, ...). */
  readonly index: number;
  readonly record: ProducerRecord;
  readonly sentAtMs: number;
  /** Set once, when the record is acknowledged or fails. */
  result: SendResult | null;
}

export class ProducerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly name: string;
  readonly createdMs: number;
  readonly records: RecordInput[] = [];
  readonly handles: SendHandle[] = [];
  sizeBytes = RECORD_BATCH_OVERHEAD_BYTES;
  /** Retries so far. */
  attempts = 0;
  /** No new attempt before this time (retry.backoff.ms). */
  retryAtMs = 0;
  producerId = -1;
  producerEpoch = -1;
  baseSequence = NO_SEQUENCE;
  /** The error of the last failed attempt (narration says when it changes). */
  lastError: string | null = null;
  /** Sent at least once: its sequence may be in the broker's log. */
  sent = false;
  inFlight = false;
  done = false;

  constructor(options: { topic: string; partition: number; createdMs: number }) {
    this.topic = options.topic;
    this.partition = options.partition;
    this.name = `${options.topic}-${options.partition}`;
    this.createdMs = options.createdMs;
  }

  get recordCount(): number {
    return this.records.length;
  }

  get hasSequence(): boolean {
    return this.baseSequence !== NO_SEQUENCE;
  }

  get lastSequence(): number {
    return this.baseSequence + this.records.length - 1;
  }

  /** MemoryRecordsBuilder.isFull: the batch reached batch.size. */
  isFull(batchSizeBytes: number): boolean {
    return this.sizeBytes >= batchSizeBytes;
  }

  /**
   * Add a record if it fits (MemoryRecordsBuilder.hasRoomFor). Returns the
   * bytes it added, or -1 when the batch has no room.
   */
  tryAppend(record: RecordInput, handle: SendHandle, batchSizeBytes: number): number {
    const base = this.records[0]?.timestampMs ?? record.timestampMs;
    const size = recordSizeBytes(this.records.length, record.timestampMs - base, keySizeBytes(record), valueSizeBytes(record));
    if (this.records.length > 0 && this.sizeBytes + size > batchSizeBytes) return -1;
    const added = this.records.length === 0 ? RECORD_BATCH_OVERHEAD_BYTES + size : size;
    this.records.push(record);
    this.handles.push(handle);
    this.sizeBytes += size;
    return added;
  }
}
