/**
 * What a consumer reads and where it is (Kafka's SubscriptionState): a
 * subscription to topics (partitions assigned by the group) or partitions
 * assigned by the user, and for each assigned partition its position (the
 * next offset poll() returns), whether that position must be reset by
 * ListOffsets, and whether it is paused.
 *
 *   - A newly assigned partition has no position: the consumer first asks the
 *     coordinator for a committed offset, then resets by
 *     `auto.offset.reset`.
 *   - `allConsumed()` is what auto-commit commits: the position of every
 *     assigned partition, i.e. everything poll() has returned, processed or
 *     not.
 *   - Partitions pending revocation (EAGER, while an auto-commit before a
 *     rebalance is in flight) are not fetched and return nothing.
 */
import { assert } from '../../sim/assert';
import type { OffsetResetPolicy } from './ConsumerConfig';

export interface TopicPartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly name: string;
  /** Next offset to return, or null until known. */
  position: number | null;
  /** Leader epoch of the last record returned (FetchPosition.offsetEpoch). */
  positionEpoch: number | null;
  /** 'earliest'/'latest' while a ListOffsets reset is needed. */
  resetStrategy: 'earliest' | 'latest' | null;
  /** No reset request before this time (after a failed one). */
  resetBackoffUntilMs: number;
  paused: boolean;
  pendingRevocation: boolean;
  /** Last high watermark seen in a fetch response (for lag), -1 until then. */
  highWatermark: number;
}

export type SubscriptionType = 'none' | 'auto-topics' | 'user-assigned';

export class SubscriptionState {
  type: SubscriptionType = 'none';
  /** Topics subscribed to (auto-topics). */
  subscription: readonly string[] = [];
  /** The leader's view: every topic any member subscribes to. */
  groupSubscription: readonly string[] = [];
  private readonly assignment = new Map<string, TopicPartitionState>();
  /** Bumped on every assignment change. */
  assignmentId = 0;

  constructor(readonly defaultResetStrategy: OffsetResetPolicy) {}

  subscribe(topics: readonly string[]): boolean {
    assert(this.type !== 'user-assigned', 'Subscription to topics, partitions and pattern are mutually exclusive');
    this.type = 'auto-topics';
    const sorted = [...new Set(topics)].sort();
    const changed = sorted.join(',') !== this.subscription.join(',');
    this.subscription = sorted;
    return changed;
  }

  assignFromUser(partitions: readonly { topic: string; partition: number }[]): void {
    assert(this.type !== 'auto-topics', 'Subscription to topics, partitions and pattern are mutually exclusive');
    this.type = 'user-assigned';
    this.setAssignment(partitions);
  }

  assignFromSubscribed(partitions: readonly { topic: string; partition: number }[]): void {
    assert(this.type === 'auto-topics', 'assignFromSubscribed without a subscription');
    this.setAssignment(partitions);
  }

  unsubscribe(): void {
    this.type = 'none';
    this.subscription = [];
    this.groupSubscription = [];
    this.setAssignment([]);
  }

  get hasAutoAssignedPartitions(): boolean {
    return this.type === 'auto-topics';
  }

  private setAssignment(partitions: readonly { topic: string; partition: number }[]): void {
    const previous = new Map(this.assignment);
    this.assignment.clear();
    for (const tp of partitions) {
      const name = `${tp.topic}-${tp.partition}`;
      // SubscriptionState.assignFromUser/assignFromSubscribed keep the state of a partition that stays.
      const kept = previous.get(name);
      this.assignment.set(
        name,
        kept ?? { topic: tp.topic, partition: tp.partition, name, position: null, positionEpoch: null, resetStrategy: null, resetBackoffUntilMs: 0, paused: false, pendingRevocation: false, highWatermark: -1 },
      );
    }
    this.assignmentId++;
  }

  assignedPartitions(): TopicPartitionState[] {
    return [...this.assignment.values()];
  }

  assignedNames(): string[] {
    return [...this.assignment.keys()];
  }

  state(name: string): TopicPartitionState | undefined {
    return this.assignment.get(name);
  }

  isAssigned(name: string): boolean {
    return this.assignment.has(name);
  }

  isFetchable(s: TopicPartitionState): boolean {
    return s.position !== null && s.resetStrategy === null && !s.paused && !s.pendingRevocation;
  }

  seek(name: string, offset: number, epoch: number | null = null): void {
    const s = this.assignment.get(name);
    assert(s !== undefined, () => `No current assignment for partition ${name}`);
    s.position = offset;
    s.positionEpoch = epoch;
    s.resetStrategy = null;
  }

  requestOffsetReset(name: string, strategy: 'earliest' | 'latest'): void {
    const s = this.assignment.get(name);
    if (s === undefined) return;
    s.position = null;
    s.resetStrategy = strategy;
    s.resetBackoffUntilMs = 0;
  }

  /** Partitions without a position and not awaiting a reset: they need a committed offset first. */
  initializingPartitions(): TopicPartitionState[] {
    return this.assignedPartitions().filter((s) => s.position === null && s.resetStrategy === null);
  }

  hasAllFetchPositions(): boolean {
    for (const s of this.assignment.values()) if (s.position === null) return false;
    return true;
  }

  /** What auto-commit commits: the position of every assigned partition that has one. */
  allConsumed(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.assignment.values()) if (s.position !== null) out.set(s.name, s.position);
    return out;
  }

  markPendingRevocation(): void {
    for (const s of this.assignment.values()) s.pendingRevocation = true;
  }
}
