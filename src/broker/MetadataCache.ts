/**
 * A broker's copy of the cluster metadata (KRaft's MetadataImage, kept by
 * BrokerMetadataPublisher): topics, partition registrations and broker
 * registrations, built by applying the controller's metadata records in
 * offset order. Records already applied are skipped; a record past a gap is
 * not applied, and the broker waits for its heartbeat response to fill it.
 *
 * `apply` returns the delta the broker must act on: each changed partition
 * once, in its final state (KRaft brokers publish images, not every record).
 */
import type { KafkaErrorCode } from './errors';
import type { LogConfig } from './LogConfig';
import type { BrokerRecord, MetadataRecord, PartitionRecord } from './protocol';

export interface CachedTopic {
  readonly topicId: string;
  readonly config: LogConfig;
  readonly partitions: PartitionRecord[];
}

export interface MetadataDelta {
  readonly partitions: readonly PartitionRecord[];
  readonly removedTopics: readonly string[];
  readonly brokersChanged: boolean;
}

const EMPTY_DELTA: MetadataDelta = { partitions: [], removedTopics: [], brokersChanged: false };

export class MetadataCache {
  /** The next metadata offset to apply (how far this broker has caught up). */
  nextOffset = 0;
  readonly topics = new Map<string, CachedTopic>();
  readonly brokers = new Map<number, BrokerRecord>();

  /**
   * The error for a partition this broker holds no replica of
   * (ReplicaManager.getPartitionOrError): the topic exists, so it is led
   * elsewhere, or it does not.
   */
  noReplicaError(topic: string): KafkaErrorCode {
    return this.topics.has(topic) ? 'NOT_LEADER_OR_FOLLOWER' : 'UNKNOWN_TOPIC_OR_PARTITION';
  }

  apply(records: readonly MetadataRecord[]): MetadataDelta {
    let changed: Map<string, PartitionRecord> | null = null;
    let removed: string[] | null = null;
    let brokersChanged = false;
    for (const record of records) {
      if (record.offset < this.nextOffset) continue;
      if (record.offset > this.nextOffset) break;
      this.nextOffset++;
      switch (record.type) {
        case 'topic':
          this.topics.set(record.topic, { topicId: record.topicId, config: record.config, partitions: [] });
          break;
        case 'partition': {
          const topic = this.topics.get(record.topic);
          if (topic === undefined) break;
          topic.partitions[record.partition] = record;
          (changed ??= new Map()).set(`${record.topic}-${record.partition}`, record);
          break;
        }
        case 'broker':
          this.brokers.set(record.brokerId, record);
          brokersChanged = true;
          break;
        case 'remove-topic': {
          const topic = this.topics.get(record.topic);
          this.topics.delete(record.topic);
          if (topic !== undefined) {
            (removed ??= []).push(record.topic);
            if (changed !== null) for (const key of [...changed.keys()]) if (changed.get(key)!.topic === record.topic) changed.delete(key);
          }
          break;
        }
      }
    }
    if (changed === null && removed === null && !brokersChanged) return EMPTY_DELTA;
    return { partitions: changed === null ? [] : [...changed.values()], removedTopics: removed ?? [], brokersChanged };
  }

  partition(topic: string, partition: number): PartitionRecord | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  /** Registered and unfenced (KRaftMetadataCache.getAliveBrokerNode). */
  isAlive(brokerId: number): boolean {
    const b = this.brokers.get(brokerId);
    return b !== undefined && !b.fenced;
  }

  /** KIP-841: unfenced, not in controlled shutdown, and the fetch came from the registered incarnation (KIP-903). */
  isReplicaIsrEligible(brokerId: number, fetchBrokerEpoch: number): boolean {
    const b = this.brokers.get(brokerId);
    return b !== undefined && !b.fenced && !b.inControlledShutdown && (fetchBrokerEpoch === -1 || fetchBrokerEpoch === b.brokerEpoch);
  }

  aliveBrokerIds(): number[] {
    return [...this.brokers.values()].filter((b) => !b.fenced).map((b) => b.brokerId).sort((a, b) => a - b);
  }
}
