/**
 * Kafka's general sticky assignment, for groups whose members subscribe to
 * different topics: AbstractStickyAssignor.GeneralAssignmentBuilder (Kafka
 * 3.6+/4.x) without racks, step for step, so that faultline hands out the
 * partitions Kafka would.
 *
 *   1. Keep what each member validly owns (claims already settled by
 *      generation); drop owned partitions of topics it no longer subscribes
 *      to, which makes a revocation necessary.
 *   2. Remember, for partitions also claimed in an older generation, that
 *      older owner (prevAssignment): balancing prefers to give them back.
 *   3. Deal each unowned partition, partitions with the fewest potential
 *      consumers first, to the least-loaded member subscribed to its topic.
 *   4. Move partitions while the assignment is not balanced (isBalanced),
 *      first only the newly dealt ones (unless a revocation is already
 *      needed), then all; keep the result only if its balance score improved
 *      or this is the first assignment.
 *
 * Order matters wherever Kafka's result depends on it. Kafka's TreeSet of
 * members (SubscriptionComparator: partition count, then member id) is
 * modelled by picking the minimum of (count, id) when asked; its HashSet of
 * moved partitions (PartitionMovements.getTheActualPartitionToBeMoved takes
 * "the first") by JavaTopicPartitionHashSet. Kafka's other hash
 * collections here are only looked up, never walked for a result.
 *
 * Where Kafka would throw a NullPointerException (an older owner that is no
 * longer a balancing member: left the group, or holds only partitions nobody
 * else can take), the older owner is not preferred. Owned partitions whose
 * number is past the topic's partition count (impossible in Kafka, where
 * partitions are never removed) are treated as partitions of a deleted topic.
 * The assignor's `maxGeneration` is a field in Kafka that outlives one call on
 * the leader; here it is the highest generation of this call.
 */
import { assert } from '../../sim/assert';
import { JavaTopicPartitionHashSet } from './javaHashOrder';
import type { StickyMember, StickyTopicPartition } from './stickyAssignors';

const DEFAULT_GENERATION = -1;

const name = (tp: StickyTopicPartition): string => `${tp.topic}-${tp.partition}`;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface GeneralAssignInput {
  readonly partitionsPerTopic: ReadonlyMap<string, number>;
  /** Members in Java's iteration order of the subscriptions map. */
  readonly members: readonly StickyMember[];
  /** memberId ⇒ its valid owned partitions (allSubscriptionsEqual's consumerToOwnedPartitions). */
  readonly owned: ReadonlyMap<string, readonly StickyTopicPartition[]>;
  /** The highest generation any member reported (DEFAULT_GENERATION, -1, if none). */
  readonly maxGeneration: number;
}

interface ConsumerPair {
  readonly src: string;
  readonly dst: string;
}

const pairKey = (src: string, dst: string): string => JSON.stringify([src, dst]);

/**
 * AbstractStickyAssignor.PartitionMovements: where each partition moved
 * from during this assignment, so a move between two members can undo an
 * earlier move the other way instead of adding a second one.
 */
class PartitionMovements {
  private readonly byPartition = new Map<string, ConsumerPair>();
  private readonly byTopic = new Map<string, Map<string, JavaTopicPartitionHashSet>>();

  private removeRecord(tp: StickyTopicPartition): ConsumerPair {
    const pair = this.byPartition.get(name(tp))!;
    this.byPartition.delete(name(tp));
    const forTopic = this.byTopic.get(tp.topic)!;
    const key = pairKey(pair.src, pair.dst);
    const set = forTopic.get(key)!;
    set.delete(tp);
    if (set.size === 0) forTopic.delete(key);
    if (forTopic.size === 0) this.byTopic.delete(tp.topic);
    return pair;
  }

  private addRecord(tp: StickyTopicPartition, pair: ConsumerPair): void {
    this.byPartition.set(name(tp), pair);
    let forTopic = this.byTopic.get(tp.topic);
    if (forTopic === undefined) this.byTopic.set(tp.topic, (forTopic = new Map()));
    const key = pairKey(pair.src, pair.dst);
    let set = forTopic.get(key);
    // A pair whose set emptied was removed: Kafka starts a new HashSet (capacity 16) for it.
    if (set === undefined) forTopic.set(key, (set = new JavaTopicPartitionHashSet()));
    set.add(tp);
  }

  movePartition(tp: StickyTopicPartition, oldConsumer: string, newConsumer: string): void {
    if (!this.byPartition.has(name(tp))) {
      this.addRecord(tp, { src: oldConsumer, dst: newConsumer });
      return;
    }
    const existing = this.removeRecord(tp);
    assert(existing.dst === oldConsumer, () => `sticky assignor: ${name(tp)} recorded at ${existing.dst}, moving from ${oldConsumer}`);
    // Moving back to where it came from cancels the record.
    if (existing.src !== newConsumer) this.addRecord(tp, { src: existing.src, dst: newConsumer });
  }

  /**
   * PartitionMovements.getTheActualPartitionToBeMoved: if a partition of the
   * same topic already moved the opposite way, move that one back instead
   * (the first of that HashSet in Java's iteration order).
   */
  actualPartitionToBeMoved(tp: StickyTopicPartition, oldConsumer: string, newConsumer: string): StickyTopicPartition {
    const forTopic = this.byTopic.get(tp.topic);
    if (forTopic === undefined) return tp;
    const moved = this.byPartition.get(name(tp));
    const from = moved === undefined ? oldConsumer : moved.src;
    const reverse = forTopic.get(pairKey(newConsumer, from));
    return reverse === undefined ? tp : reverse.first();
  }
}

/** AbstractStickyAssignor.GeneralAssignmentBuilder.build, without racks. */
export function generalAssign(input: GeneralAssignInput): Map<string, StickyTopicPartition[]> {
  return new GeneralAssignmentBuilder(input).build();
}

class GeneralAssignmentBuilder {
  private readonly partitionsPerTopic: ReadonlyMap<string, number>;
  private readonly members: readonly StickyMember[];
  private readonly maxGeneration: number;
  private readonly totalPartitionsCount: number;
  /** topic2AllPotentialConsumers: topics of partitionsPerTopic ⇒ subscribed members (a member listing a topic twice counts twice, as in Kafka). */
  private readonly topicConsumers = new Map<string, string[]>();
  /** consumer2AllPotentialTopics: member ⇒ its subscribed topics that exist. */
  private readonly consumerTopics = new Map<string, string[]>();
  private readonly subscribed = new Map<string, ReadonlySet<string>>();
  private currentAssignment = new Map<string, StickyTopicPartition[]>();
  private currentPartitionConsumer = new Map<string, string>();
  private readonly sortedAllPartitions: StickyTopicPartition[];
  /** The members of Kafka's sortedCurrentSubscriptions TreeSet. */
  private readonly inSortedSet = new Set<string>();
  private revocationRequired = false;
  private readonly movements = new PartitionMovements();

  constructor(input: GeneralAssignInput) {
    this.partitionsPerTopic = input.partitionsPerTopic;
    this.members = input.members;
    this.maxGeneration = input.maxGeneration;
    let total = 0;
    for (const count of input.partitionsPerTopic.values()) total += count;
    this.totalPartitionsCount = total;
    for (const topic of input.partitionsPerTopic.keys()) this.topicConsumers.set(topic, []);
    for (const member of input.members) {
      const topics = member.topics.filter((t) => input.partitionsPerTopic.has(t));
      this.consumerTopics.set(member.memberId, topics);
      this.subscribed.set(member.memberId, new Set(member.topics));
      for (const t of topics) this.topicConsumers.get(t)!.push(member.memberId);
      this.currentAssignment.set(member.memberId, [...(input.owned.get(member.memberId) ?? [])]);
    }
    for (const [consumer, partitions] of this.currentAssignment) for (const tp of partitions) this.currentPartitionConsumer.set(name(tp), consumer);
    // TopicComparator: fewest potential consumers first, then topic name; partitions in number order.
    const sortedAllTopics = [...input.partitionsPerTopic.keys()].sort(
      (a, b) => this.topicConsumers.get(a)!.length - this.topicConsumers.get(b)!.length || compareStrings(a, b),
    );
    this.sortedAllPartitions = [];
    for (const topic of sortedAllTopics) for (let p = 0; p < input.partitionsPerTopic.get(topic)!; p++) this.sortedAllPartitions.push({ topic, partition: p });
  }

  build(): Map<string, StickyTopicPartition[]> {
    const prevAssignment = this.prepopulatePrevAssignment();
    const assigned = this.assignOwnedPartitions();
    const unassigned = this.sortedAllPartitions.filter((tp) => !assigned.has(name(tp)));
    for (const consumer of this.currentAssignment.keys()) this.inSortedSet.add(consumer);
    this.balance(prevAssignment, unassigned);
    const result = new Map<string, StickyTopicPartition[]>();
    for (const member of this.members) result.set(member.memberId, this.currentAssignment.get(member.memberId)!);
    return result;
  }

  /**
   * GeneralAssignmentBuilder.prepopulateCurrentAssignments: for each
   * partition claimed by a member of an older generation than the newest,
   * the newest of those older claims (a member without a generation counts
   * as DEFAULT_GENERATION once anyone reported one).
   */
  private prepopulatePrevAssignment(): Map<string, { consumer: string; generation: number }> {
    const prev = new Map<string, { consumer: string; generation: number }>();
    for (const member of this.members) {
      let generation: number;
      if (member.generation !== null && member.generation < this.maxGeneration) generation = member.generation;
      else if (member.generation === null && this.maxGeneration > DEFAULT_GENERATION) generation = DEFAULT_GENERATION;
      else continue;
      for (const tp of member.ownedPartitions) {
        const known = prev.get(name(tp));
        if (known === undefined || generation > known.generation) prev.set(name(tp), { consumer: member.memberId, generation });
      }
    }
    return prev;
  }

  /** GeneralAssignmentBuilder.assignOwnedPartitions: the names of the owned partitions that stay. */
  private assignOwnedPartitions(): Set<string> {
    const assigned = new Set<string>();
    for (const [consumer, partitions] of this.currentAssignment) {
      const keep: StickyTopicPartition[] = [];
      for (const tp of partitions) {
        const count = this.partitionsPerTopic.get(tp.topic);
        if (count === undefined || tp.partition >= count) {
          this.currentPartitionConsumer.delete(name(tp));
        } else if (!this.subscribed.get(consumer)!.has(tp.topic)) {
          // Kafka leaves currentPartitionConsumer pointing at the old owner; it is overwritten when the partition is dealt.
          this.revocationRequired = true;
        } else {
          keep.push(tp);
          assigned.add(name(tp));
        }
      }
      this.currentAssignment.set(consumer, keep);
    }
    return assigned;
  }

  private sizeOf(consumer: string): number {
    return this.currentAssignment.get(consumer)!.length;
  }

  /** SubscriptionComparator: fewer partitions first, then member id. */
  private compareConsumers(a: string, b: string): number {
    return this.sizeOf(a) - this.sizeOf(b) || compareStrings(a, b);
  }

  private sortedSetExtreme(sign: 1 | -1): string {
    let best: string | null = null;
    for (const consumer of this.inSortedSet) if (best === null || sign * this.compareConsumers(consumer, best) < 0) best = consumer;
    assert(best !== null, 'sticky assignor: no members to balance');
    return best;
  }

  /** The first member of sortedCurrentSubscriptions subscribed to the topic, if any. */
  private leastLoadedFor(topic: string): string | null {
    let best: string | null = null;
    for (const consumer of this.inSortedSet) {
      if (!this.consumerTopics.get(consumer)!.includes(topic)) continue;
      if (best === null || this.compareConsumers(consumer, best) < 0) best = consumer;
    }
    return best;
  }

  private maxAssignmentSize(consumer: string): number {
    const topics = this.consumerTopics.get(consumer)!;
    if (topics.length === this.partitionsPerTopic.size) return this.totalPartitionsCount;
    let size = 0;
    for (const t of topics) size += this.partitionsPerTopic.get(t)!;
    return size;
  }

  /**
   * GeneralAssignmentBuilder.isBalanced: the partition counts differ by at
   * most one, or no member could take a partition from one holding at least
   * two more than it does.
   */
  private isBalanced(): boolean {
    const min = this.sizeOf(this.sortedSetExtreme(1));
    const max = this.sizeOf(this.sortedSetExtreme(-1));
    if (min >= max - 1) return true;
    const owner = new Map<string, string>();
    for (const [consumer, partitions] of this.currentAssignment) for (const tp of partitions) owner.set(name(tp), consumer);
    for (const consumer of this.inSortedSet) {
      const count = this.sizeOf(consumer);
      if (count === this.maxAssignmentSize(consumer)) continue;
      const mine = new Set(this.currentAssignment.get(consumer)!.map(name));
      for (const topic of this.consumerTopics.get(consumer)!) {
        const partitionCount = this.partitionsPerTopic.get(topic)!;
        for (let p = 0; p < partitionCount; p++) {
          const key = `${topic}-${p}`;
          if (mine.has(key)) continue;
          const other = owner.get(key);
          assert(other !== undefined, () => `sticky assignor: ${key} is assigned to no balancing member`);
          if (count + 1 < this.sizeOf(other)) return false;
        }
      }
    }
    return true;
  }

  /** GeneralAssignmentBuilder.getBalanceScore: the sum of |count difference| over all member pairs. */
  private static balanceScore(assignment: ReadonlyMap<string, readonly StickyTopicPartition[]>): number {
    const sizes = [...assignment.values()].map((l) => l.length);
    let score = 0;
    for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i]! - sizes[j]!);
    return score;
  }

  private canTopicParticipateInReassignment(topic: string): boolean {
    return this.topicConsumers.get(topic)!.length >= 2;
  }

  private canConsumerParticipateInReassignment(consumer: string): boolean {
    if (this.sizeOf(consumer) < this.maxAssignmentSize(consumer)) return true;
    return this.currentAssignment.get(consumer)!.some((tp) => this.canTopicParticipateInReassignment(tp.topic));
  }

  /** GeneralAssignmentBuilder.balance. */
  private balance(prevAssignment: ReadonlyMap<string, { consumer: string; generation: number }>, unassigned: StickyTopicPartition[]): void {
    const initializing = this.sizeOf(this.sortedSetExtreme(-1)) === 0;

    // maybeAssign without racks: each partition to the least-loaded subscribed member.
    for (const tp of unassigned) {
      const consumer = this.leastLoadedFor(tp.topic);
      if (consumer === null) continue;
      this.currentAssignment.get(consumer)!.push(tp);
      this.currentPartitionConsumer.set(name(tp), consumer);
    }

    // Only partitions with two or more potential consumers, and members that could change, take part.
    const movable = (tp: StickyTopicPartition): boolean => this.canTopicParticipateInReassignment(tp.topic);
    const reassignable = this.sortedAllPartitions.filter(movable);
    const newlyAssigned = unassigned.filter(movable);
    const fixedAssignments = new Map<string, StickyTopicPartition[]>();
    for (const consumer of this.consumerTopics.keys()) {
      if (this.canConsumerParticipateInReassignment(consumer)) continue;
      this.inSortedSet.delete(consumer);
      fixedAssignments.set(consumer, this.currentAssignment.get(consumer)!);
      this.currentAssignment.delete(consumer);
    }

    const preBalanceAssignment = new Map([...this.currentAssignment].map(([c, l]) => [c, [...l]]));
    const preBalancePartitionConsumers = new Map(this.currentPartitionConsumer);

    // Without a revocation pending, first try to balance by moving only the newly dealt partitions.
    if (!this.revocationRequired) this.performReassignments(newlyAssigned, prevAssignment);
    const reassignmentPerformed = this.performReassignments(reassignable, prevAssignment);

    if (!initializing && reassignmentPerformed && GeneralAssignmentBuilder.balanceScore(this.currentAssignment) >= GeneralAssignmentBuilder.balanceScore(preBalanceAssignment)) {
      this.currentAssignment = preBalanceAssignment;
      this.currentPartitionConsumer = preBalancePartitionConsumers;
    }
    for (const [consumer, partitions] of fixedAssignments) {
      this.currentAssignment.set(consumer, partitions);
      this.inSortedSet.add(consumer);
    }
  }

  /** GeneralAssignmentBuilder.performReassignments: passes over the partitions until one changes nothing. */
  private performReassignments(
    partitions: readonly StickyTopicPartition[],
    prevAssignment: ReadonlyMap<string, { consumer: string; generation: number }>,
  ): boolean {
    let reassignmentPerformed = false;
    let modified: boolean;
    do {
      modified = false;
      for (const tp of partitions) {
        if (this.isBalanced()) break;
        const consumer = this.currentPartitionConsumer.get(name(tp));
        assert(consumer !== undefined, () => `sticky assignor: expected ${name(tp)} to be assigned to a consumer`);
        const prev = prevAssignment.get(name(tp));
        // Kafka dereferences the older owner's assignment without a check (a NullPointerException when it is not balancing).
        if (prev !== undefined && this.currentAssignment.has(prev.consumer) && this.sizeOf(consumer) > this.sizeOf(prev.consumer) + 1) {
          this.reassignPartition(tp, prev.consumer);
          reassignmentPerformed = modified = true;
          continue;
        }
        const count = this.sizeOf(consumer);
        if (this.topicConsumers.get(tp.topic)!.some((other) => count > this.sizeOf(other) + 1)) {
          const newConsumer = this.leastLoadedFor(tp.topic);
          assert(newConsumer !== null, () => `sticky assignor: no member for ${name(tp)}`);
          this.reassignPartition(tp, newConsumer);
          reassignmentPerformed = modified = true;
        }
      }
    } while (modified);
    return reassignmentPerformed;
  }

  /** GeneralAssignmentBuilder.reassignPartition and processPartitionMovement. */
  private reassignPartition(tp: StickyTopicPartition, newConsumer: string): void {
    const consumer = this.currentPartitionConsumer.get(name(tp))!;
    const moved = this.movements.actualPartitionToBeMoved(tp, consumer, newConsumer);
    const oldConsumer = this.currentPartitionConsumer.get(name(moved))!;
    this.movements.movePartition(moved, oldConsumer, newConsumer);
    const from = this.currentAssignment.get(oldConsumer)!;
    const i = from.findIndex((p) => p.topic === moved.topic && p.partition === moved.partition);
    if (i >= 0) from.splice(i, 1);
    this.currentAssignment.get(newConsumer)!.push(moved);
    this.currentPartitionConsumer.set(name(moved), newConsumer);
  }
}
