/**
 * Record batches as the log stores them: Kafka's v2 ("magic 2") batch format,
 * uncompressed, with exact byte sizes so segment.bytes rolls and
 * index.interval.bytes entries land where a real broker would put them.
 *
 * Batch header, 61 bytes (DefaultRecordBatch.RECORD_BATCH_OVERHEAD):
 *   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 |
 *   magic int8 | crc uint32 | attributes int16 | lastOffsetDelta int32 |
 *   baseTimestamp int64 | maxTimestamp int64 | producerId int64 |
 *   producerEpoch int16 | baseSequence int32 | recordCount int32
 * Each record (DefaultRecord.sizeInBytes):
 *   length varint | attributes int8 | timestampDelta varlong |
 *   offsetDelta varint | keyLength varint | key | valueLength varint | value |
 *   headerCount varint | headers
 * Varints are zig-zag encoded; a null key or value has length -1.
 *
 * Payloads are optional: a record may carry only key and value sizes, so a log
 * of millions of records stays cheap. Stored batches are plain records; their
 * per-record detail (timestamps that differ, keys, values) is kept only when
 * there is something to keep.
 */
import { assert } from '../sim/assert';

export const RECORD_BATCH_OVERHEAD_BYTES = 61;
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1;

/** One record as a producer hands it over. Sizes are in bytes; -1 means null. */
export interface RecordInput {
  readonly key?: string | null;
  readonly value?: string | null;
  /** Size of the key when no key text is kept (-1 = null key). */
  readonly keySizeBytes?: number;
  /** Size of the value when no value text is kept (-1 = null value). */
  readonly valueSizeBytes?: number;
  readonly timestampMs: number;
}

/** What the producer side of an append says about a batch. */
export interface BatchProducerInfo {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

/** A batch as stored in a segment. Offsets are absolute. */
export interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  /** Byte position of the batch in its segment's .log file. */
  readonly position: number;
  readonly sizeBytes: number;
  readonly baseTimestampMs: number;
  readonly maxTimestampMs: number;
  /** Offset of the record with the largest timestamp (the "shallow" offset of max timestamp). */
  readonly offsetOfMaxTimestamp: number;
  readonly partitionLeaderEpoch: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** Per-record detail, or null when every record has baseTimestampMs and nothing else is kept. */
  readonly records: StoredRecords | null;
}

export interface StoredRecords {
  /** Timestamps per record, when they differ within the batch. */
  readonly timestampsMs: readonly number[] | null;
  readonly keys: readonly (string | null)[] | null;
  readonly values: readonly (string | null)[] | null;
}

/** One record read back from the log. */
export interface LogRecord {
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly leaderEpoch: number;
}

export function recordCount(batch: StoredBatch): number {
  return batch.lastOffset - batch.baseOffset + 1;
}

export function recordTimestampMs(batch: StoredBatch, index: number): number {
  const ts = batch.records?.timestampsMs;
  return ts ? ts[index]! : batch.baseTimestampMs;
}

/** Size of a zig-zag varint (ByteUtils.sizeOfVarint / sizeOfVarlong). */
export function sizeOfVarint(value: number): number {
  // Zig-zag without 32-bit overflow: values here fit well within 2^52.
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function keySizeBytes(record: RecordInput): number {
  if (record.key !== undefined) return record.key === null ? -1 : byteLength(record.key);
  return record.keySizeBytes ?? -1;
}

export function valueSizeBytes(record: RecordInput): number {
  if (record.value !== undefined) return record.value === null ? -1 : byteLength(record.value);
  return record.valueSizeBytes ?? -1;
}

/** DefaultRecord.sizeInBytes for a record without headers. */
export function recordSizeBytes(offsetDelta: number, timestampDeltaMs: number, keyBytes: number, valueBytes: number): number {
  const body =
    1 + // attributes
    sizeOfVarint(timestampDeltaMs) +
    sizeOfVarint(offsetDelta) +
    sizeOfVarint(keyBytes) +
    Math.max(0, keyBytes) +
    sizeOfVarint(valueBytes) +
    Math.max(0, valueBytes) +
    sizeOfVarint(0); // header count
  return sizeOfVarint(body) + body;
}

/** Size of a v2 batch holding `records`, exactly as Kafka would write it uncompressed. */
export function batchSizeBytes(records: readonly RecordInput[]): number {
  assert(records.length > 0, 'a record batch holds at least one record');
  const baseTimestampMs = records[0]!.timestampMs;
  let size = RECORD_BATCH_OVERHEAD_BYTES;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    size += recordSizeBytes(i, record.timestampMs - baseTimestampMs, keySizeBytes(record), valueSizeBytes(record));
  }
  return size;
}

/**
 * Size of a batch of `count` records that share one timestamp and have the
 * same key and value sizes: the bulk path of benchmarks and large scenarios.
 */
export function uniformBatchSizeBytes(count: number, keyBytes: number, valueBytes: number): number {
  let size = RECORD_BATCH_OVERHEAD_BYTES;
  for (let i = 0; i < count; i++) size += recordSizeBytes(i, 0, keyBytes, valueBytes);
  return size;
}
