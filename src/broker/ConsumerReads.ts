/**
 * What a partition leader answers to consumers (ReplicaManager.fetchMessages
 * with replicaId -1, and Partition.fetchOffsetForTimestamp):
 *
 *   - Fetch reads below the high watermark (FetchIsolation.HIGH_WATERMARK),
 *     at most `max.partition.fetch.bytes` per partition and `fetch.max.bytes`
 *     in all, at least one batch. With less than `fetch.min.bytes` available
 *     it waits up to `fetch.max.wait.ms` (DelayedFetch) and answers as soon
 *     as the high watermark passes a fetch offset or leadership moves. An
 *     offset above the log end offset or below the log start offset is
 *     OFFSET_OUT_OF_RANGE; an offset between the high watermark and the log
 *     end returns nothing. A consumer's fetch does not move the high
 *     watermark (only followers' fetches do).
 *   - ListOffsets: EARLIEST ⇒ logStartOffset, LATEST ⇒ the high watermark,
 *     a timestamp ⇒ the first record at or after it below the high
 *     watermark, or -1; a leader whose high watermark still lags the start of
 *     its epoch answers OFFSET_NOT_AVAILABLE instead of LATEST or "none".
 *   - Both check the leader epoch the client sends (KIP-320):
 *     FENCED_LEADER_EPOCH when it is older, UNKNOWN_LEADER_EPOCH when newer,
 *     NOT_LEADER_OR_FOLLOWER on a follower.
 */
import { kafkaError, type KafkaError, type KafkaErrorCode } from './errors';
import type { HighWatermarkWaiters } from './HighWatermarkWaiters';
import type { MetadataCache } from './MetadataCache';
import type { Partition } from './Partition';
import type { FetchPartitionResponse, FetchRequest, KafkaMessage, ListOffsetsPartitionResponse, ListOffsetsRequest } from './protocol';
import type { StoredBatch } from './recordBatch';
import type { ReplicaManager } from './ReplicaManager';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from './UnifiedLog';

/** max.partition.fetch.bytes default: the per-partition cap of a consumer fetch. */
export const DEFAULT_MAX_PARTITION_FETCH_BYTES = 1_048_576;

export interface ConsumerReadsHost {
  readonly replicaManager: ReplicaManager;
  readonly metadata: MetadataCache;
  readonly waiters: HighWatermarkWaiters;
  send(to: string, message: KafkaMessage): void;
}

const NO_BATCHES: readonly StoredBatch[] = [];

export class ConsumerReads {
  constructor(private readonly host: ConsumerReadsHost) {}

  handleFetch(from: string, request: FetchRequest): void {
    const first = this.read(request);
    if (request.maxWaitMs <= 0 || first.bytes >= request.minBytes || first.errors > 0 || request.partitions.length === 0) {
      return this.respond(from, request.correlationId, first.partitions);
    }
    // DelayedFetch: complete when new data below the high watermark or a leadership change could change the answer.
    const watched = request.partitions.map((fp) => ({ fp, partition: this.partition(fp)!, epoch: this.partition(fp)!.leaderEpoch }));
    const ready = (): boolean => {
      let bytes = 0;
      for (const { fp, partition, epoch } of watched) {
        if (!partition.isLeader || partition.leaderEpoch !== epoch || this.partition(fp) !== partition) return true;
        const log = partition.log;
        if (fp.fetchOffset < log.logStartOffset) return true;
        if (log.highWatermark > fp.fetchOffset) {
          bytes += availableBytes(partition, fp.fetchOffset);
          if (bytes >= request.minBytes) return true;
        }
      }
      return false;
    };
    this.host.waiters.wait(`delayed consumer fetch ${from}#${request.correlationId}`, request.maxWaitMs, ready, () => {
      this.respond(from, request.correlationId, this.read(request).partitions);
    });
  }

  handleListOffsets(from: string, request: ListOffsetsRequest): void {
    const partitions: ListOffsetsPartitionResponse[] = request.partitions.map((p) => {
      const fail = (error: KafkaError): ListOffsetsPartitionResponse => ({
        topic: p.topic,
        partition: p.partition,
        error: error.error,
        message: error.message,
        offset: -1,
        timestampMs: -1,
        leaderEpoch: -1,
      });
      const partition = this.partition(p);
      if (partition === undefined) return fail(kafkaError(this.host.metadata.noReplicaError(p.topic)));
      const epochError = partition.checkLeaderEpoch(p.currentLeaderEpoch);
      if (epochError !== null) return fail(epochError);
      const result = fetchOffsetForTimestamp(partition, p.timestampMs);
      if ('error' in result) return fail(result);
      return { topic: p.topic, partition: p.partition, error: null, message: null, offset: result.offset, timestampMs: result.timestampMs, leaderEpoch: partition.leaderEpoch };
    });
    this.host.send(from, { kind: 'response', correlationId: request.correlationId, body: { api: 'list-offsets', partitions } });
  }

  private partition(tp: { topic: string; partition: number }): Partition | undefined {
    return this.host.replicaManager.partition(tp);
  }


  private respond(to: string, correlationId: number, partitions: FetchPartitionResponse[]): void {
    this.host.send(to, { kind: 'response', correlationId, body: { api: 'fetch', partitions } });
  }

  private read(request: FetchRequest): { partitions: FetchPartitionResponse[]; bytes: number; errors: number } {
    const partitions: FetchPartitionResponse[] = [];
    let bytes = 0;
    let errors = 0;
    let budget = request.maxBytes;
    for (const fp of request.partitions) {
      const partition = this.partition(fp);
      const fail = (error: KafkaErrorCode, hw = -1, start = -1, end = -1): void => {
        errors++;
        partitions.push({ topic: fp.topic, partition: fp.partition, error, highWatermark: hw, logStartOffset: start, logEndOffset: end, batches: NO_BATCHES });
      };
      if (partition === undefined) {
        fail(this.host.metadata.noReplicaError(fp.topic));
        continue;
      }
      const epochError = partition.checkLeaderEpoch(fp.currentLeaderEpoch);
      if (epochError !== null) {
        fail(epochError.error);
        continue;
      }
      const log = partition.log;
      const maxBytes = Math.min(fp.partitionMaxBytes ?? DEFAULT_MAX_PARTITION_FETCH_BYTES, budget);
      // The first partition always returns at least one batch; later ones only what fits (KIP-74).
      const read = log.read(fp.fetchOffset, { maxBytes: Math.max(maxBytes, 0), isolation: 'high_watermark', minOneMessage: bytes === 0 });
      if (read.error !== null) {
        fail(read.error, log.highWatermark, log.logStartOffset, log.logEndOffset);
        continue;
      }
      let size = 0;
      for (const batch of read.batches) size += batch.sizeBytes;
      bytes += size;
      budget -= size;
      partitions.push({
        topic: fp.topic,
        partition: fp.partition,
        error: null,
        highWatermark: read.highWatermark,
        logStartOffset: read.logStartOffset,
        logEndOffset: read.logEndOffset,
        batches: read.batches,
      });
    }
    return { partitions, bytes, errors };
  }
}

/** Bytes of the batches between `fetchOffset` and the high watermark (DelayedFetch's accumulated bytes, roughly). */
function availableBytes(partition: Partition, fetchOffset: number): number {
  const read = partition.log.read(fetchOffset, { maxBytes: DEFAULT_MAX_PARTITION_FETCH_BYTES, isolation: 'high_watermark', minOneMessage: true });
  if (read.error !== null) return 0;
  let bytes = 0;
  for (const batch of read.batches) bytes += batch.sizeBytes;
  return bytes;
}

/**
 * Partition.fetchOffsetForTimestamp for a client reading committed data
 * (lastFetchableOffset = the high watermark).
 */
export function fetchOffsetForTimestamp(partition: Partition, timestampMs: number): { offset: number; timestampMs: number } | KafkaError {
  const log = partition.log;
  const lagging =
    partition.leaderEpochStartOffset > log.highWatermark
      ? kafkaError(
          'OFFSET_NOT_AVAILABLE',
          `Failed to fetch offsets for partition ${partition.name} with leader epoch ${partition.leaderEpoch} as this partition's high watermark (${log.highWatermark}) is lagging behind the start offset from the beginning of this epoch (${partition.leaderEpochStartOffset}).`,
        )
      : null;
  if (timestampMs === LATEST_TIMESTAMP) return lagging ?? { offset: log.highWatermark, timestampMs: -1 };
  if (timestampMs === EARLIEST_TIMESTAMP) return { offset: log.logStartOffset, timestampMs: -1 };
  const found = log.fetchOffsetByTimestamp(timestampMs);
  if (found === null || found.offset >= log.highWatermark) return lagging ?? { offset: -1, timestampMs: -1 };
  return found;
}
