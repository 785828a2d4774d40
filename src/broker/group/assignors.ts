/**
 * Consumer partition assignors with Kafka's exact results (the client-side
 * `RangeAssignor` and `RoundRobinAssignor`, run by the group leader).
 *
 * Members are ordered as `AbstractPartitionAssignor.MemberInfo` orders them:
 * static members (group.instance.id) first by instance id, then dynamic ones
 * by member id — which for dynamic members contains a random UUID, so which
 * consumer gets the "extra" partitions is decided by those ids. Rack-aware
 * assignment (client.rack) is not modelled: without racks Kafka skips it too.
 */
import { assert } from '../../sim/assert';

export type AssignorName = 'range' | 'roundrobin';
export const ASSIGNOR_NAMES: readonly AssignorName[] = ['range', 'roundrobin'];

export interface MemberSubscription {
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  /** Topics the member subscribes to. */
  readonly topics: readonly string[];
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
  return name === 'range' ? rangeAssign(partitionsPerTopic, members) : roundRobinAssign(partitionsPerTopic, members);
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
