/**
 * Consumer partition assignors with Kafka's exact results (the client-side
 * `RangeAssignor` and `RoundRobinAssignor`, run by the group leader; the
 * sticky ones, `StickyAssignor` and `CooperativeStickyAssignor`, live in
 * stickyAssignors.ts).
 *
 * Members are ordered as `AbstractPartitionAssignor.MemberInfo` orders them:
 * static members (group.instance.id) first by instance id, then dynamic ones
 * by member id — which for dynamic members contains a random UUID, so which
 * consumer gets the "extra" partitions is decided by those ids. Rack-aware
 * assignment (client.rack) is not modelled: without racks Kafka skips it too.
 */
import { assert } from '../../sim/assert';
import { cooperativeStickyAssign, stickyAssign, type StickyMember } from './stickyAssignors';

export type AssignorName = 'range' | 'roundrobin' | 'sticky' | 'cooperative-sticky';
export const ASSIGNOR_NAMES: readonly AssignorName[] = ['range', 'roundrobin', 'sticky', 'cooperative-sticky'];

export type RebalanceProtocol = 'EAGER' | 'COOPERATIVE';

/** ConsumerPartitionAssignor.supportedProtocols. */
export function supportedProtocols(name: AssignorName): readonly RebalanceProtocol[] {
  return name === 'cooperative-sticky' ? ['COOPERATIVE', 'EAGER'] : ['EAGER'];
}

export interface MemberSubscription {
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  /** Topics the member subscribes to. */
  readonly topics: readonly string[];
  /** ConsumerProtocolSubscription v1+: the partitions the member owned when it joined. */
  readonly ownedPartitions?: readonly AssignedPartition[];
  /** ConsumerProtocolSubscription v2+: the member's generation when it joined (-1: none). */
  readonly generationId?: number;
  /** StickyAssignor's user data: the member's last assignment and its generation (eager members own nothing when they join). */
  readonly userData?: StickyUserData | null;
}

export interface StickyUserData {
  readonly partitions: readonly AssignedPartition[];
  readonly generation: number;
}

export interface AssignedPartition {
  readonly topic: string;
  readonly partition: number;
}

/** memberId ⇒ partitions, in the order the assignor gives them. */
export type Assignment = Map<string, AssignedPartition[]>;

/** AbstractPartitionAssignor.MemberInfo.compareTo. */
export function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  const ai = a.groupInstanceId ?? null;
  const bi = b.groupInstanceId ?? null;
  if (ai !== null && bi !== null) return ai < bi ? -1 : ai > bi ? 1 : 0;
  if (ai !== null) return -1;
  if (bi !== null) return 1;
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

export function assign(name: AssignorName, partitionsPerTopic: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Assignment {
  switch (name) {
    case 'range':
      return rangeAssign(partitionsPerTopic, members);
    case 'roundrobin':
      return roundRobinAssign(partitionsPerTopic, members);
    case 'sticky':
      // StickyAssignor.memberData reads its user data (eager members revoke everything before joining).
      return stickyAssign(partitionsPerTopic, members.map((m) => stickyMember(m, m.userData?.partitions ?? [], m.userData?.generation ?? null))).assignment;
    case 'cooperative-sticky':
      // CooperativeStickyAssignor.memberData: ownedPartitions and generationId of the subscription.
      return cooperativeStickyAssign(partitionsPerTopic, members.map((m) => stickyMember(m, m.ownedPartitions ?? [], m.generationId ?? null))).assignment;
  }
}

function stickyMember(m: MemberSubscription, ownedPartitions: readonly AssignedPartition[], generation: number | null): StickyMember {
  return { memberId: m.memberId, topics: m.topics, ownedPartitions, generation };
}

/**
 * RangeAssignor: per topic, the subscribed members in order; each gets
 * floor(P / C) consecutive partitions and the first P mod C get one more.
 */
export function rangeAssign(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Assignment {
  const assignment: Assignment = new Map(members.map((m) => [m.memberId, []]));
  const sorted = [...members].sort(compareMembers);
  for (const topic of [...partitionsPerTopic.keys()].sort()) {
    const count = partitionsPerTopic.get(topic)!;
    const consumers = sorted.filter((m) => m.topics.includes(topic));
    if (count === 0 || consumers.length === 0) continue;
    const perConsumer = Math.floor(count / consumers.length);
    const extra = count % consumers.length;
    let next = 0;
    consumers.forEach((member, i) => {
      const take = perConsumer + (i < extra ? 1 : 0);
      for (let k = 0; k < take; k++) assignment.get(member.memberId)!.push({ topic, partition: next++ });
    });
    assert(next === count, () => `range assignor placed ${next} of ${count} partitions of ${topic}`);
  }
  return assignment;
}

/**
 * RoundRobinAssignor: every subscribed partition, topics sorted and
 * partitions ascending, dealt to the members in order, skipping members not
 * subscribed to the partition's topic.
 */
export function roundRobinAssign(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Assignment {
  const assignment: Assignment = new Map(members.map((m) => [m.memberId, []]));
  const sorted = [...members].sort(compareMembers);
  if (sorted.length === 0) return assignment;
  const subscribed = new Set(sorted.flatMap((m) => m.topics));
  let cursor = 0;
  for (const topic of [...partitionsPerTopic.keys()].filter((t) => subscribed.has(t)).sort()) {
    for (let partition = 0; partition < partitionsPerTopic.get(topic)!; partition++) {
      while (!sorted[cursor % sorted.length]!.topics.includes(topic)) cursor++;
      assignment.get(sorted[cursor % sorted.length]!.memberId)!.push({ topic, partition });
      cursor++;
    }
  }
  return assignment;
}
