/**
 * What a producer knows of the cluster (Kafka's `ProducerMetadata`): for each
 * topic it uses, the partition count and each partition's leader and leader
 * epoch, from Metadata responses. It asks for an update when a send needs an
 * unknown topic, after an error that says the metadata is stale
 * (NOT_LEADER_OR_FOLLOWER and the other InvalidMetadataExceptions), and every
 * `metadata.max.age.ms`. A response never moves a partition's leader epoch
 * backwards (Metadata.updateLatestMetadata), so a broker with stale metadata
 * cannot undo a newer answer.
 */
import type { TopicMetadata as PartitionerTopicMetadata } from '../partitioner';
import { NO_LEADER } from '../partitionElection';
import type { MetadataResponseBody } from '../protocol';

interface TopicState {
  numPartitions: number;
  leaders: number[];
  epochs: number[];
  /** What the partitioner sees, rebuilt when an update changes it (send reads it per record). */
  forPartitioner: PartitionerTopicMetadata | null;
}

export class ProducerMetadata {
  private readonly topics = new Map<string, TopicState>();
  private readonly wanted = new Set<string>();
  updateRequested = true;
  lastRefreshMs = -Infinity;
  /** When the last update was attempted; the next one waits the refresh backoff. */
  lastAttemptMs = -Infinity;
  /** Updates in a row that left an update still wanted (the exponential backoff's attempts, KIP-580). */
  unsatisfiedUpdates = 0;
  brokers: number[];

  constructor(bootstrapBrokers: readonly number[]) {
    this.brokers = [...bootstrapBrokers];
  }

  /** Topics the producer has asked about, in the order first asked. */
  topicsWanted(): string[] {
    return [...this.wanted];
  }

  want(topic: string): void {
    if (!this.wanted.has(topic)) {
      this.wanted.add(topic);
      this.updateRequested = true;
    }
  }

  requestUpdate(): void {
    this.updateRequested = true;
  }

  /**
   * Metadata.timeToNextUpdate: when the next update may be sent, given the
   * refresh backoff after the last attempt; Infinity when none is wanted.
   */
  nextUpdateAtMs(backoffMs: number, maxAgeMs: number): number {
    if (this.wanted.size === 0) return Infinity;
    const expiresAt = this.lastRefreshMs + maxAgeMs;
    const due = this.updateRequested ? -Infinity : expiresAt;
    return Math.max(due, this.lastAttemptMs + backoffMs);
  }

  attempted(nowMs: number): void {
    this.lastAttemptMs = nowMs;
  }

  update(response: MetadataResponseBody, nowMs: number): void {
    this.lastRefreshMs = nowMs;
    this.updateRequested = false;
    if (response.brokers.length > 0) this.brokers = [...response.brokers];
    for (const topic of response.topics) {
      if (topic.error !== null) {
        if (topic.error === 'LEADER_NOT_AVAILABLE' || topic.error === 'UNKNOWN_TOPIC_OR_PARTITION') this.updateRequested = true;
        continue;
      }
      let state = this.topics.get(topic.name);
      if (state === undefined) this.topics.set(topic.name, (state = { numPartitions: 0, leaders: [], epochs: [], forPartitioner: null }));
      state.numPartitions = Math.max(state.numPartitions, topic.partitions.length);
      state.forPartitioner = null;
      for (const p of topic.partitions) {
        const knownEpoch = state.epochs[p.partition] ?? -1;
        if (p.leaderEpoch < knownEpoch) continue;
        state.epochs[p.partition] = p.leaderEpoch;
        state.leaders[p.partition] = p.leader;
        if (p.leader === NO_LEADER) this.updateRequested = true;
      }
    }
    this.unsatisfiedUpdates = this.updateRequested ? this.unsatisfiedUpdates + 1 : 0;
  }

  knows(topic: string): boolean {
    return this.topics.has(topic);
  }

  numPartitions(topic: string): number {
    return this.topics.get(topic)?.numPartitions ?? 0;
  }

  leader(topic: string, partition: number): number {
    return this.topics.get(topic)?.leaders[partition] ?? NO_LEADER;
  }

  /** What the partitioner needs: the partition count and the partitions with a leader. */
  forPartitioner(topic: string): PartitionerTopicMetadata {
    const state = this.topics.get(topic)!;
    if (state.forPartitioner !== null) return state.forPartitioner;
    const available: number[] = [];
    for (let p = 0; p < state.numPartitions; p++) if ((state.leaders[p] ?? NO_LEADER) !== NO_LEADER) available.push(p);
    return (state.forPartitioner = { numPartitions: state.numPartitions, availablePartitions: available });
  }
}
