/**
 * Kafka's sticky assignors, as the group leader runs them
 * (`AbstractStickyAssignor`, with `StickyAssignor` and
 * `CooperativeStickyAssignor` on top), Kafka 3.6+/4.x, without racks.
 *
 *   - Each member reports what it owned and in which generation (MemberData).
 *     A partition claimed by two members of the same generation is owned by
 *     neither; claimed in different generations, the newer claim wins.
 *   - When every member subscribes to the same topics, the constrained
 *     algorithm gives Kafka's exact result: every member keeps up to its
 *     quota of what it owned (floor or ceil of partitions / members; the
 *     owned partitions sorted by partition number, then topic, the first ones
 *     kept), then the rest go round-robin, partitions sorted by topic and
 *     number, to the members below quota sorted by member id.
 *   - Otherwise the general algorithm runs, as Kafka's
 *     GeneralAssignmentBuilder does (stickyGeneralAssignment.ts): keep the
 *     valid owned partitions, deal the rest to the least-loaded subscribed
 *     member (partitions with the fewest potential consumers first), then
 *     move partitions until Kafka's isBalanced holds, with its partition
 *     movement bookkeeping and its preference for older owners.
 *   - Several steps iterate a Java HashMap keyed by member id, so ties (which
 *     member keeps maxQuota partitions) are decided by String.hashCode
 *     buckets; `javaHashMapOrder` reproduces that order.
 *   - CooperativeStickyAssignor then removes from the assignment every
 *     partition that moves to a new owner: it must first be revoked by its
 *     current owner, and is handed out in the follow-up rebalance.
 */
import { assert } from '../../sim/assert';
import { javaHashMapOrder } from './javaHashOrder';
import { generalAssign } from './stickyGeneralAssignment';

export interface StickyTopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** What the assignor reads for one member (AbstractStickyAssignor.MemberData, with the subscription). */
export interface StickyMember {
  readonly memberId: string;
  readonly topics: readonly string[];
  readonly ownedPartitions: readonly StickyTopicPartition[];
  /** The generation the owned partitions come from; null when not reported (DEFAULT_GENERATION, -1). */
  readonly generation: number | null;
}

export interface StickyResult {
  /** memberId ⇒ partitions, in the order the assignor placed them. */
  readonly assignment: Map<string, StickyTopicPartition[]>;
  /** "topic-partition" ⇒ new owner, for partitions taken from a member that still owns them; null after the general path. */
  readonly partitionsTransferringOwnership: Map<string, string> | null;
  readonly constrained: boolean;
}

const DEFAULT_GENERATION = -1;

const name = (tp: StickyTopicPartition): string => `${tp.topic}-${tp.partition}`;

/**
 * AbstractStickyAssignor.assignPartitions. `members` in the order of the
 * leader's JoinGroup response (the insertion order of Kafka's subscription map).
 */
export function stickyAssign(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly StickyMember[]): StickyResult {
  if (members.length === 0) return { assignment: new Map(), partitionsTransferringOwnership: new Map(), constrained: true };
  const order = javaHashMapOrder(members.map((m) => m.memberId));
  const byId = new Map(members.map((m) => [m.memberId, m]));
  const ordered = order.map((id) => byId.get(id)!);
  const { owned, multiplyClaimed, allEqual, maxGeneration } = ownedPartitionsOf(partitionsPerTopic, ordered);
  if (allEqual) {
    const transferring = new Map<string, string>();
    const assignment = constrainedAssign(partitionsPerTopic, order, owned, multiplyClaimed, transferring);
    return { assignment, partitionsTransferringOwnership: transferring, constrained: true };
  }
  // Kafka leaves partitionsTransferringOwnership null here; CooperativeStickyAssignor computes it afterwards.
  const assignment = generalAssign({ partitionsPerTopic, members: ordered, owned, maxGeneration });
  return { assignment, partitionsTransferringOwnership: null, constrained: false };
}

/**
 * AbstractStickyAssignor.allSubscriptionsEqual: whether every member has the
 * same topics, and each member's owned partitions that are still subscribed,
 * with conflicting claims settled by generation.
 */
function ownedPartitionsOf(
  partitionsPerTopic: ReadonlyMap<string, number>,
  ordered: readonly StickyMember[],
): { owned: Map<string, StickyTopicPartition[]>; multiplyClaimed: Set<string>; allEqual: boolean; maxGeneration: number } {
  const owned = new Map<string, StickyTopicPartition[]>();
  const multiplyClaimed = new Set<string>();
  const ownerOf = new Map<string, StickyMember>();
  let allEqual = true;
  let maxGeneration = DEFAULT_GENERATION;
  let first: ReadonlySet<string> | null = null;
  for (const member of ordered) {
    const topics = new Set(member.topics);
    if (first === null || first.size === 0) first = topics;
    else if (topics.size !== first.size || ![...topics].every((t) => first!.has(t))) allEqual = false;
    const mine: StickyTopicPartition[] = [];
    owned.set(member.memberId, mine);
    const generation = member.generation ?? DEFAULT_GENERATION;
    maxGeneration = Math.max(maxGeneration, generation);
    for (const tp of member.ownedPartitions) {
      if (!partitionsPerTopic.has(tp.topic)) continue;
      const other = ownerOf.get(name(tp));
      if (other === undefined) {
        mine.push(tp);
        ownerOf.set(name(tp), member);
        continue;
      }
      const otherGeneration = other.generation ?? DEFAULT_GENERATION;
      const otherOwned = owned.get(other.memberId)!;
      if (generation === otherGeneration) {
        // Two claims in one generation: the partition is invalidated for both.
        multiplyClaimed.add(name(tp));
        removeFrom(otherOwned, tp);
        ownerOf.set(name(tp), member);
      } else if (generation > otherGeneration) {
        mine.push(tp);
        removeFrom(otherOwned, tp);
        ownerOf.set(name(tp), member);
      }
    }
  }
  return { owned, multiplyClaimed, allEqual, maxGeneration };
}

function removeFrom(list: StickyTopicPartition[], tp: StickyTopicPartition): void {
  const i = list.findIndex((p) => p.topic === tp.topic && p.partition === tp.partition);
  if (i >= 0) list.splice(i, 1);
}

/** AbstractStickyAssignor.ConstrainedAssignmentBuilder.build, without racks. */
function constrainedAssign(
  partitionsPerTopic: ReadonlyMap<string, number>,
  order: readonly string[],
  owned: ReadonlyMap<string, StickyTopicPartition[]>,
  multiplyClaimed: ReadonlySet<string>,
  transferring: Map<string, string>,
): Map<string, StickyTopicPartition[]> {
  let total = 0;
  for (const count of partitionsPerTopic.values()) total += count;
  const consumers = order.length;
  const minQuota = Math.floor(total / consumers);
  const maxQuota = Math.ceil(total / consumers);
  const expectedOverMin = total % consumers;
  let overMin = 0;
  const assignment = new Map<string, StickyTopicPartition[]>(order.map((id) => [id, []]));
  const assigned = new Set<string>();
  const revoked = new Set<string>();
  const underMin: string[] = [];
  let exactlyMin: string[] = [];

  // 1. Keep owned partitions up to the quota. Since KAFKA-15170 the owned
  //    partitions are sorted by partition number, then topic, before cutting.
  for (const consumer of order) {
    const mine = owned
      .get(consumer)!
      .filter((tp) => !multiplyClaimed.has(name(tp)))
      .sort((a, b) => a.partition - b.partition || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
    const keep = (n: number): void => {
      for (const tp of mine.slice(0, n)) {
        assignment.get(consumer)!.push(tp);
        assigned.add(name(tp));
      }
      for (const tp of mine.slice(n)) revoked.add(name(tp));
    };
    if (mine.length < minQuota) {
      keep(mine.length);
      underMin.push(consumer);
    } else if (mine.length >= maxQuota && overMin < expectedOverMin) {
      overMin++;
      if (overMin === expectedOverMin) exactlyMin = [];
      keep(maxQuota);
    } else {
      keep(minQuota);
      if (overMin < expectedOverMin) exactlyMin.push(consumer);
    }
  }

  const unassigned: StickyTopicPartition[] = [];
  for (const topic of [...partitionsPerTopic.keys()].sort()) {
    for (let p = 0; p < partitionsPerTopic.get(topic)!; p++) if (!assigned.has(`${topic}-${p}`)) unassigned.push({ topic, partition: p });
  }
  underMin.sort();
  exactlyMin.sort();

  // 2. Round-robin the rest over the members below minQuota (a Java LinkedList
  //    iterator: removals at the cursor, restarting from the head), then one
  //    more each to members at exactly minQuota.
  let cursor = 0;
  for (const tp of unassigned) {
    let consumer: string;
    let fromIterator = true;
    if (cursor < underMin.length) {
      consumer = underMin[cursor++]!;
    } else if (underMin.length === 0) {
      assert(exactlyMin.length > 0, () => `sticky assignor: no more unfilled consumers for ${name(tp)}`);
      consumer = exactlyMin.shift()!;
      fromIterator = false;
    } else {
      cursor = 0;
      consumer = underMin[cursor++]!;
    }
    const list = assignment.get(consumer)!;
    list.push(tp);
    if (revoked.has(name(tp)) || multiplyClaimed.has(name(tp))) transferring.set(name(tp), consumer);
    if (list.length === minQuota) {
      assert(fromIterator, () => `sticky assignor: ${consumer} reached minQuota from the exactly-minQuota list`);
      underMin.splice(--cursor, 1);
      exactlyMin.push(consumer);
    } else if (list.length === maxQuota) {
      overMin++;
    }
  }

  // verifyUnfilledMembers
  if (underMin.length > 0) {
    assert(overMin === expectedOverMin, "sticky assignor: We haven't reached the expected number of members with more than the minQuota partitions, but no more partitions to be assigned");
    for (const consumer of underMin) {
      assert(assignment.get(consumer)!.length === minQuota, () => `sticky assignor: Consumer: [${consumer}] doesn't reach minQuota partitions, and no more partitions to be assigned`);
    }
  }
  return assignment;
}

/**
 * CooperativeStickyAssignor.assign: the sticky assignment without the
 * partitions that change owner (computePartitionsTransferringOwnership after
 * the general path: partitions added to one member and revoked from another).
 */
export function cooperativeStickyAssign(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly StickyMember[]): StickyResult {
  const result = stickyAssign(partitionsPerTopic, members);
  const transferring = result.partitionsTransferringOwnership ?? computeTransferring(members, result.assignment);
  for (const [tp, consumer] of transferring) {
    const list = result.assignment.get(consumer)!;
    const i = list.findIndex((p) => name(p) === tp);
    if (i >= 0) list.splice(i, 1);
  }
  return { ...result, partitionsTransferringOwnership: transferring };
}

function computeTransferring(members: readonly StickyMember[], assignment: ReadonlyMap<string, StickyTopicPartition[]>): Map<string, string> {
  const added = new Map<string, string>();
  const revoked = new Set<string>();
  for (const member of members) {
    const ownedNames = new Set(member.ownedPartitions.map(name));
    const assignedNames = new Set((assignment.get(member.memberId) ?? []).map(name));
    for (const tp of assignedNames) if (!ownedNames.has(tp)) added.set(tp, member.memberId);
    for (const tp of ownedNames) if (!assignedNames.has(tp)) revoked.add(tp);
  }
  for (const tp of [...added.keys()]) if (!revoked.has(tp)) added.delete(tp);
  return added;
}
