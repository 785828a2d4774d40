/**
 * What a consumer knows of the cluster (Kafka's ConsumerMetadata): the live
 * brokers, and for each topic it needs (its subscription, the group's when
 * it leads, and what it was assigned) the partition count and each
 * partition's leader and leader epoch. It is refreshed when something asks
 * (a new topic, a fetch error that says the metadata is stale) and at the
 * latest `metadata.max.age.ms` after the last refresh. `updateVersion` counts
 * updates: the group leader compares partition counts between versions to
 * notice new partitions (ConsumerCoordinator's metadata snapshot). A
 * response never moves a partition's leader epoch backwards.
 */
import { NO_LEADER } from '../partitionElection';
import type { MetadataResponseBody } from '../protocol';

interface TopicState {
  numPartitions: number;
  leaders: number[];
  epochs: number[];
}

export class ConsumerMetadata {
  private readonly topicStates = new Map<string, TopicState>();
  private wanted: readonly string[] = [];
  updateRequested = false;
  lastRefreshMs = -Infinity;
  lastAttemptMs = -Infinity;
  updateVersion = 0;
  brokers: number[];

  constructor(bootstrapBrokers: readonly number[]) {
    this.brokers = [...bootstrapBrokers];
  }

  /** The topics metadata requests ask about; a new one asks for an update. */
  setTopics(topics: readonly string[]): void {
    const sorted = [...new Set(topics)].sort();
    if (sorted.join(',') === this.wanted.join(',')) return;
    if (sorted.some((t) => !this.wanted.includes(t))) this.updateRequested = true;
    this.wanted = sorted;
  }

  get topics(): readonly string[] {
    return this.wanted;
  }

  requestUpdate(): void {
    this.updateRequested = true;
  }

  /** Metadata.timeToNextUpdate: when the next request may go, Infinity when none is wanted. */
  nextUpdateAtMs(backoffMs: number, maxAgeMs: number): number {
    if (this.wanted.length === 0) return Infinity;
    const due = this.updateRequested ? -Infinity : this.lastRefreshMs + maxAgeMs;
    return Math.max(due, this.lastAttemptMs + backoffMs);
  }

  update(response: MetadataResponseBody, nowMs: number): void {
    this.lastRefreshMs = nowMs;
    this.updateRequested = false;
    this.updateVersion++;
    if (response.brokers.length > 0) this.brokers = [...response.brokers];
    for (const topic of response.topics) {
      if (topic.error !== null) {
        if (topic.error === 'LEADER_NOT_AVAILABLE') this.updateRequested = true;
        continue;
      }
      let state = this.topicStates.get(topic.name);
      if (state === undefined) this.topicStates.set(topic.name, (state = { numPartitions: 0, leaders: [], epochs: [] }));
      state.numPartitions = Math.max(state.numPartitions, topic.partitions.length);
      for (const p of topic.partitions) {
        if (p.leaderEpoch < (state.epochs[p.partition] ?? -1)) continue;
        state.epochs[p.partition] = p.leaderEpoch;
        state.leaders[p.partition] = p.leader;
        if (p.leader === NO_LEADER) this.updateRequested = true;
      }
    }
  }

  knows(topic: string): boolean {
    return this.topicStates.has(topic);
  }

  numPartitions(topic: string): number {
    return this.topicStates.get(topic)?.numPartitions ?? 0;
  }

  leader(topic: string, partition: number): number {
    return this.topicStates.get(topic)?.leaders[partition] ?? NO_LEADER;
  }

  leaderEpoch(topic: string, partition: number): number {
    return this.topicStates.get(topic)?.epochs[partition] ?? -1;
  }

  /** Partition counts of `topics`, for the metadata snapshot a rebalance is based on. */
  partitionCounts(topics: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const topic of [...topics].sort()) if (this.topicStates.has(topic)) out.set(topic, this.numPartitions(topic));
    return out;
  }
}
