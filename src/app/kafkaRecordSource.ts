/**
 * A stream job's view of Kafka through the cluster's client APIs: the
 * topic's partitions from metadata, each partition's log start offset and
 * high watermark from its current leader (ListOffsets), fetches from the
 * leader up to the high watermark, and offsetsForTimes. No leader, or a
 * leader that is down, gives the error a consumer would get.
 */
import type { KafkaCluster } from '../broker/KafkaCluster';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../broker/UnifiedLog';
import type { JobRecord, RecordSource } from './StreamJob';

export function kafkaRecordSource(cluster: KafkaCluster): RecordSource {
  return {
    partitions: (topic) => cluster.topic(topic)?.partitions.map((_, i) => i) ?? [],
    offsets: (topic, partition) => {
      const earliest = cluster.listOffsets({ topic, partition }, EARLIEST_TIMESTAMP);
      const latest = cluster.listOffsets({ topic, partition }, LATEST_TIMESTAMP);
      if (earliest.error !== null || latest.error !== null) return null;
      return { logStartOffset: earliest.offset, highWatermark: latest.offset };
    },
    fetch: (topic, partition, offset, maxRecords) => {
      const response = cluster.fetch({ topic, partition }, offset, { maxRecords });
      if (response.error !== null) return { error: response.error, message: response.message };
      return {
        records: response.records.map((r): JobRecord => ({ partition, offset: r.offset, value: r.value ?? `${topic}-${partition}@${r.offset}` })),
      };
    },
    offsetForTime: (topic, partition, timestampMs) => {
      const result = cluster.listOffsets({ topic, partition }, timestampMs);
      return result.error !== null || result.offset < 0 ? null : result.offset;
    },
  };
}
