/**
 * The sticky assignors against the exact assignments Kafka's own tests
 * expect (AbstractStickyAssignorTest, CooperativeStickyAssignorTest, Kafka
 * 3.6+ after KAFKA-15170), member maps filled in the tests' put order.
 */
import { describe, expect, it } from 'vitest';
import { assign } from '../../../src/broker/group/assignors';
import { javaHashMapOrder, javaStringHashCode } from '../../../src/broker/group/javaHashOrder';
import { cooperativeStickyAssign, stickyAssign, type StickyMember, type StickyTopicPartition } from '../../../src/broker/group/stickyAssignors';

const tp = (topic: string, partition: number): StickyTopicPartition => ({ topic, partition });
const names = (list: readonly StickyTopicPartition[] | undefined): string[] => (list ?? []).map((p) => `${p.topic}-${p.partition}`);
const member = (memberId: string, topics: string[], ownedPartitions: StickyTopicPartition[] = [], generation: number | null = null): StickyMember => ({ memberId, topics, ownedPartitions, generation });
const counts = (entries: [string, number][]): Map<string, number> => new Map(entries);
const GEN = 1;

function asMap(result: ReturnType<typeof stickyAssign>): Record<string, string[]> {
  return Object.fromEntries([...result.assignment].map(([id, parts]) => [id, names(parts)]));
}

describe('java HashMap order (the tie-breaks of AbstractStickyAssignor)', () => {
  it("String.hashCode as Java computes it, overflow included", () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('consumer1')).toBe(-421004549);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('orders keys by bucket, then by insertion within a bucket', () => {
    // "Aa" and "BB" collide in Java (both hash to 2112): insertion order decides.
    expect(javaHashMapOrder(['BB', 'Aa'])).toEqual(['BB', 'Aa']);
    expect(javaHashMapOrder(['Aa', 'BB'])).toEqual(['Aa', 'BB']);
    // Buckets 12, 11, 10: Java iterates consumer3, consumer2, consumer1.
    expect(javaHashMapOrder(['consumer1', 'consumer2', 'consumer3'])).toEqual(['consumer3', 'consumer2', 'consumer1']);
  });
});

describe('sticky assignor, all members with the same subscription (Kafka results)', () => {
  it('testOneConsumerOneTopic / testOnlyAssignsPartitionsFromSubscribedTopics', () => {
    expect(asMap(stickyAssign(counts([['topic', 3]]), [member('consumer', ['topic'])]))).toEqual({ consumer: ['topic-0', 'topic-1', 'topic-2'] });
    const r = stickyAssign(counts([['topic', 2]]), [member('consumer', ['topic'], [tp('topic', 0), tp('topic', 1), tp('other', 0), tp('other', 1)], GEN)]);
    expect(asMap(r)).toEqual({ consumer: ['topic-0', 'topic-1'] });
    expect(r.partitionsTransferringOwnership!.size).toBe(0);
  });

  it('testOneConsumerMultipleTopics and testTwoConsumersTwoTopicsSixPartitions: a fresh group is dealt round-robin', () => {
    expect(asMap(stickyAssign(counts([['topic1', 1], ['topic2', 2]]), [member('consumer', ['topic1', 'topic2'])]))).toEqual({ consumer: ['topic1-0', 'topic2-0', 'topic2-1'] });
    const r = stickyAssign(counts([['topic1', 3], ['topic2', 3]]), [member('consumer1', ['topic1', 'topic2']), member('consumer2', ['topic1', 'topic2'])]);
    expect(asMap(r)).toEqual({ consumer1: ['topic1-0', 'topic1-2', 'topic2-1'], consumer2: ['topic1-1', 'topic2-0', 'topic2-2'] });
  });

  it('testConsumerOwningMinQuotaExpectedMaxQuota', () => {
    const both = ['topic1', 'topic2'];
    const r = stickyAssign(counts([['topic1', 2], ['topic2', 3]]), [
      member('consumer1', both, [tp('topic1', 0), tp('topic2', 1)], GEN),
      member('consumer2', both, [tp('topic1', 1), tp('topic2', 2)], GEN),
    ]);
    expect(asMap(r)).toEqual({ consumer1: ['topic1-0', 'topic2-1', 'topic2-0'], consumer2: ['topic1-1', 'topic2-2'] });
    expect(r.partitionsTransferringOwnership!.size).toBe(0);
  });

  it('testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: which owner keeps maxQuota follows the HashMap order', () => {
    const both = ['topic1', 'topic2'];
    const r = stickyAssign(counts([['topic1', 2], ['topic2', 2]]), [
      member('consumer1', both, [tp('topic1', 0), tp('topic2', 0)], GEN),
      member('consumer2', both, [tp('topic1', 1), tp('topic2', 1)], GEN),
      member('consumer3', both, [], GEN),
    ]);
    expect(asMap(r)).toEqual({ consumer1: ['topic1-0'], consumer2: ['topic1-1', 'topic2-1'], consumer3: ['topic2-0'] });
    expect([...r.partitionsTransferringOwnership!]).toEqual([['topic2-0', 'consumer3']]);
  });

  it('testAllConsumersAreUnderMinQuota', () => {
    const both = ['topic1', 'topic2'];
    const r = stickyAssign(counts([['topic1', 2], ['topic2', 3]]), [
      member('consumer1', both, [tp('topic1', 0)], GEN),
      member('consumer2', both, [tp('topic1', 1)], GEN),
      member('consumer3', both, [], GEN),
    ]);
    expect(asMap(r)).toEqual({ consumer1: ['topic1-0', 'topic2-1'], consumer2: ['topic1-1', 'topic2-2'], consumer3: ['topic2-0'] });
    expect(r.partitionsTransferringOwnership!.size).toBe(0);
  });

  it('testAddRemoveConsumerOneTopic', () => {
    const c = counts([['topic', 3]]);
    let r = stickyAssign(c, [member('consumer1', ['topic'])]);
    expect(asMap(r)).toEqual({ consumer1: ['topic-0', 'topic-1', 'topic-2'] });
    r = stickyAssign(c, [member('consumer1', ['topic'], r.assignment.get('consumer1')!, GEN), member('consumer2', ['topic'], [], GEN)]);
    expect(asMap(r)).toEqual({ consumer1: ['topic-0', 'topic-1'], consumer2: ['topic-2'] });
    expect([...r.partitionsTransferringOwnership!]).toEqual([['topic-2', 'consumer2']]);
    r = stickyAssign(c, [member('consumer2', ['topic'], r.assignment.get('consumer2')!, GEN)]);
    expect(new Set(asMap(r).consumer2)).toEqual(new Set(['topic-0', 'topic-1', 'topic-2']));
    expect(r.partitionsTransferringOwnership!.size).toBe(0);
  });

  it('testAddRemoveTwoConsumersTwoTopics', () => {
    const both = ['topic1', 'topic2'];
    const c = counts([['topic1', 3], ['topic2', 4]]);
    let r = stickyAssign(c, [member('consumer1', both), member('consumer2', both)]);
    expect(asMap(r)).toEqual({ consumer1: ['topic1-0', 'topic1-2', 'topic2-1', 'topic2-3'], consumer2: ['topic1-1', 'topic2-0', 'topic2-2'] });
    r = stickyAssign(c, [
      member('consumer1', both, r.assignment.get('consumer1')!, GEN),
      member('consumer2', both, r.assignment.get('consumer2')!, GEN),
      member('consumer3', both, [], GEN),
      member('consumer4', both, [], GEN),
    ]);
    expect(new Map(r.partitionsTransferringOwnership)).toEqual(new Map([['topic1-2', 'consumer3'], ['topic2-3', 'consumer3'], ['topic2-2', 'consumer4']]));
    expect(asMap(r)).toEqual({ consumer1: ['topic1-0', 'topic2-1'], consumer2: ['topic2-0', 'topic1-1'], consumer3: ['topic1-2', 'topic2-3'], consumer4: ['topic2-2'] });
    r = stickyAssign(c, [member('consumer3', both, r.assignment.get('consumer3')!, GEN), member('consumer4', both, r.assignment.get('consumer4')!, GEN)]);
    expect(asMap(r)).toEqual({ consumer3: ['topic1-2', 'topic2-3', 'topic1-0', 'topic2-1'], consumer4: ['topic2-2', 'topic1-1', 'topic2-0'] });
    expect(r.partitionsTransferringOwnership!.size).toBe(0);
  });

  it('claims of one partition by two members: same generation invalidates both, a newer generation wins', () => {
    const c = counts([['topic', 3]]);
    const same = stickyAssign(c, [member('consumer1', ['topic'], [tp('topic', 0), tp('topic', 1)], GEN), member('consumer2', ['topic'], [tp('topic', 0)], GEN)]);
    // Java visits consumer2 first; topic-0 ends up owned by neither, is dealt like a new partition, and counts as transferring.
    expect(asMap(same)).toEqual({ consumer1: ['topic-1', 'topic-2'], consumer2: ['topic-0'] });
    expect([...same.partitionsTransferringOwnership!]).toEqual([['topic-0', 'consumer2']]);
    const newer = stickyAssign(c, [member('consumer1', ['topic'], [tp('topic', 0), tp('topic', 1), tp('topic', 2)], GEN), member('consumer2', ['topic'], [tp('topic', 0)], GEN + 1)]);
    expect(asMap(newer).consumer2).toEqual(['topic-0']);
    expect(asMap(newer).consumer1).toEqual(['topic-1', 'topic-2']);
  });
});

describe("sticky assignor, members with different subscriptions (Kafka's general path)", () => {
  it('testMultipleConsumersMixedTopicSubscriptions: the fresh assignment matches Kafka', () => {
    const r = stickyAssign(counts([['topic1', 3], ['topic2', 2]]), [member('consumer1', ['topic1']), member('consumer2', ['topic1', 'topic2']), member('consumer3', ['topic1'])]);
    expect(r.constrained).toBe(false);
    expect(r.partitionsTransferringOwnership).toBeNull();
    expect(asMap(r)).toEqual({ consumer1: ['topic1-0', 'topic1-2'], consumer2: ['topic2-0', 'topic2-1'], consumer3: ['topic1-1'] });
  });
});

describe('cooperative-sticky assignor: partitions that change owner are withheld for the follow-up rebalance', () => {
  it('a third member joins two: only the moved partition is removed, and it is handed out once released', () => {
    const c = counts([['topic', 6]]);
    const first = cooperativeStickyAssign(c, [member('consumer1', ['topic']), member('consumer2', ['topic'])]);
    expect(asMap(first)).toEqual({ consumer1: ['topic-0', 'topic-2', 'topic-4'], consumer2: ['topic-1', 'topic-3', 'topic-5'] });
    const second = cooperativeStickyAssign(c, [
      member('consumer1', ['topic'], first.assignment.get('consumer1')!, 2),
      member('consumer2', ['topic'], first.assignment.get('consumer2')!, 2),
      member('consumer3', ['topic'], [], -1),
    ]);
    expect(asMap(second)).toEqual({ consumer1: ['topic-0', 'topic-2'], consumer2: ['topic-1', 'topic-3'], consumer3: [] });
    expect(new Map(second.partitionsTransferringOwnership)).toEqual(new Map([['topic-4', 'consumer3'], ['topic-5', 'consumer3']]));
    const third = cooperativeStickyAssign(c, [
      member('consumer1', ['topic'], second.assignment.get('consumer1')!, 3),
      member('consumer2', ['topic'], second.assignment.get('consumer2')!, 3),
      member('consumer3', ['topic'], [], 3),
    ]);
    expect(asMap(third)).toEqual({ consumer1: ['topic-0', 'topic-2'], consumer2: ['topic-1', 'topic-3'], consumer3: ['topic-4', 'topic-5'] });
    expect(third.partitionsTransferringOwnership!.size).toBe(0);
  });

  it('the general path computes the transfers from owned and assigned partitions', () => {
    const r = cooperativeStickyAssign(counts([['topic1', 2], ['topic2', 2]]), [
      member('consumer1', ['topic1', 'topic2'], [tp('topic1', 0), tp('topic1', 1), tp('topic2', 0), tp('topic2', 1)], GEN),
      member('consumer2', ['topic1'], [], GEN),
    ]);
    expect(r.constrained).toBe(false);
    // Kafka balances by moving topic1-0 and topic1-1 to consumer2; both must first be revoked by consumer1.
    expect(asMap(r)).toEqual({ consumer1: ['topic2-0', 'topic2-1'], consumer2: [] });
    expect(new Map(r.partitionsTransferringOwnership)).toEqual(new Map([['topic1-0', 'consumer2'], ['topic1-1', 'consumer2']]));
  });

  it('assign() reads ownedPartitions/generationId for cooperative-sticky and the user data for sticky', () => {
    const c = counts([['t', 2]]);
    const coop = assign('cooperative-sticky', c, [
      { memberId: 'b', topics: ['t'], ownedPartitions: [tp('t', 0), tp('t', 1)], generationId: 4 },
      { memberId: 'a', topics: ['t'], ownedPartitions: [], generationId: -1 },
    ]);
    expect(names(coop.get('b'))).toEqual(['t-0']);
    expect(names(coop.get('a'))).toEqual([]);
    const sticky = assign('sticky', c, [
      { memberId: 'b', topics: ['t'], ownedPartitions: [], generationId: 4, userData: { partitions: [tp('t', 0), tp('t', 1)], generation: 4 } },
      { memberId: 'a', topics: ['t'], ownedPartitions: [], generationId: -1, userData: null },
    ]);
    expect(names(sticky.get('b'))).toEqual(['t-0']);
    expect(names(sticky.get('a'))).toEqual(['t-1']);
  });
});
