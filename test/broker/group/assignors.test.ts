import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign, rangeAssign, roundRobinAssign, type MemberSubscription } from '../../../src/broker/group/assignors';

const twoTopics = new Map([
  ['t0', 3],
  ['t1', 3],
]);
const members: MemberSubscription[] = [
  { memberId: 'C1', topics: ['t0', 't1'] },
  { memberId: 'C0', topics: ['t0', 't1'] },
];
const names = (a: Map<string, { topic: string; partition: number }[]>, m: string) => a.get(m)!.map((p) => `${p.topic}p${p.partition}`);

describe('consumer assignors: Kafka\'s documented examples', () => {
  it('range: C0 gets t0p0, t0p1, t1p0, t1p1 and C1 gets t0p2, t1p2', () => {
    const a = rangeAssign(twoTopics, members);
    expect(names(a, 'C0')).toEqual(['t0p0', 't0p1', 't1p0', 't1p1']);
    expect(names(a, 'C1')).toEqual(['t0p2', 't1p2']);
  });

  it('roundrobin: C0 gets t0p0, t0p2, t1p1 and C1 gets t0p1, t1p0, t1p2', () => {
    const a = roundRobinAssign(twoTopics, members);
    expect(names(a, 'C0')).toEqual(['t0p0', 't0p2', 't1p1']);
    expect(names(a, 'C1')).toEqual(['t0p1', 't1p0', 't1p2']);
  });

  it('static members (group.instance.id) sort before dynamic ones', () => {
    const a = rangeAssign(new Map([['t', 3]]), [
      { memberId: 'a-dynamic', topics: ['t'] },
      { memberId: 'z-static', groupInstanceId: 'instance-1', topics: ['t'] },
    ]);
    expect(names(a, 'z-static')).toEqual(['tp0', 'tp1']);
  });

  it('roundrobin skips members not subscribed to a topic', () => {
    const a = roundRobinAssign(
      new Map([
        ['a', 2],
        ['b', 2],
      ]),
      [
        { memberId: 'm0', topics: ['a'] },
        { memberId: 'm1', topics: ['a', 'b'] },
      ],
    );
    expect(names(a, 'm0')).toEqual(['ap0']);
    expect(names(a, 'm1')).toEqual(['ap1', 'bp0', 'bp1']);
  });

  it('for any group and topics, every subscribed partition goes to exactly one subscribed member, evenly per topic for range', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 12 }), { minKeys: 1 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('range' as const, 'roundrobin' as const),
        fc.infiniteStream(fc.subarray(['a', 'b', 'c'], { minLength: 1 })),
        (topicCounts, ids, assignor, subs) => {
          const partitions = new Map(Object.entries(topicCounts));
          const group = ids.map((memberId) => ({ memberId, topics: subs.next().value as string[] }));
          const result = assign(assignor, partitions, group);
          const owners = new Map<string, string>();
          for (const [member, list] of result) {
            for (const p of list) {
              const key = `${p.topic}-${p.partition}`;
              expect(owners.has(key)).toBe(false);
              owners.set(key, member);
              expect(group.find((m) => m.memberId === member)!.topics).toContain(p.topic);
            }
          }
          for (const [topic, count] of partitions) {
            const subscribers = group.filter((m) => m.topics.includes(topic));
            for (let p = 0; p < count; p++) expect(owners.has(`${topic}-${p}`)).toBe(subscribers.length > 0);
            if (assignor === 'range' && subscribers.length > 0) {
              const per = subscribers.map((m) => result.get(m.memberId)!.filter((x) => x.topic === topic).length);
              expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
            }
          }
        },
      ),
    );
  });
});
