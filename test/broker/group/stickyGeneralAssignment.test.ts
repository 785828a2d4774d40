/**
 * The general path of the sticky assignors (members with different
 * subscriptions) against Kafka. The expected strings are what Kafka's own
 * AbstractStickyAssignor (trunk, 2024-10; the general path is unchanged since
 * 3.6) returned for the same input, run on a JVM with the members put into
 * the subscriptions HashMap in the order listed here; the inputs are those of
 * Kafka's tests named in each title, which themselves only check validity
 * and balance. Each string lists every member, in input order:
 * "member=partition,partition;".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JavaTopicPartitionHashSet, topicPartitionHash } from '../../../src/broker/group/javaHashOrder';
import { cooperativeStickyAssign, stickyAssign, type StickyMember, type StickyTopicPartition } from '../../../src/broker/group/stickyAssignors';

type Assignment = ReadonlyMap<string, readonly StickyTopicPartition[]>;

const tp = (topic: string, partition: number): StickyTopicPartition => ({ topic, partition });
const name = (p: StickyTopicPartition): string => `${p.topic}-${p.partition}`;
const member = (memberId: string, topics: readonly string[], ownedPartitions: readonly StickyTopicPartition[] = [], generation: number | null = null): StickyMember => ({ memberId, topics, ownedPartitions, generation });
const counts = (entries: [string, number][]): Map<string, number> => new Map(entries);

const MODES = [
  { mode: 'sticky', run: stickyAssign },
  { mode: 'cooperative-sticky', run: cooperativeStickyAssign },
] as const;

function render(members: readonly StickyMember[], assignment: Assignment): string {
  return members.map((m) => `${m.memberId}=${(assignment.get(m.memberId) ?? []).map(name).join(',')};`).join('');
}

function assignAndRender(run: typeof stickyAssign, c: ReadonlyMap<string, number>, members: readonly StickyMember[]): { assignment: Assignment; text: string } {
  const result = run(c, members);
  return { assignment: result.assignment, text: render(members, result.assignment) };
}

describe.each(MODES)('$mode, mixed subscriptions: Kafka results', ({ mode, run }) => {
  const coop = mode === 'cooperative-sticky';

  it('testPoorRoundRobinAssignmentScenario: the result in the comment of Kafka\'s test', () => {
    const five = ['topic1', 'topic2', 'topic3', 'topic4', 'topic5'];
    const odd = ['topic1', 'topic3', 'topic5'];
    const c = counts([1, 2, 3, 4, 5].map((i): [string, number] => [`topic${i}`, (i % 2) + 1]));
    const members = [member('consumer1', five), member('consumer2', odd), member('consumer3', odd), member('consumer4', five)];
    expect(assignAndRender(run, c, members).text).toBe(
      'consumer1=topic2-0,topic3-0;consumer2=topic1-0,topic3-1;consumer3=topic1-1,topic5-0;consumer4=topic4-0,topic5-1;',
    );
  });

  it('testAssignmentWithMultipleGenerations1 (consumer2 on one topic): a member leaves, then one returns with an older generation', () => {
    const all = ['topic', 'topic2'];
    const c = counts([['topic', 6], ['topic2', 6]]);
    const r1 = assignAndRender(run, c, [member('consumer1', all), member('consumer2', ['topic']), member('consumer3', all)]);
    expect(r1.text).toBe('consumer1=topic2-0,topic2-2,topic2-4,topic-3;consumer2=topic-0,topic-1,topic-2,topic-4;consumer3=topic2-1,topic2-3,topic2-5,topic-5;');
    const own = (a: Assignment, id: string): readonly StickyTopicPartition[] => a.get(id)!;
    const r2 = assignAndRender(run, c, [member('consumer1', all, own(r1.assignment, 'consumer1'), 1), member('consumer2', ['topic'], own(r1.assignment, 'consumer2'), 1)]);
    // topic-3 moves from consumer1 to consumer2; the cooperative assignor withholds it until consumer1 revokes it.
    expect(r2.text).toBe(
      coop
        ? 'consumer1=topic2-0,topic2-2,topic2-4,topic2-1,topic2-3,topic2-5;consumer2=topic-0,topic-1,topic-2,topic-4,topic-5;'
        : 'consumer1=topic2-0,topic2-2,topic2-4,topic2-1,topic2-3,topic2-5;consumer2=topic-0,topic-1,topic-2,topic-4,topic-5,topic-3;',
    );
    // consumer3 comes back claiming its round-1 partitions in generation 1; consumer2 (generation 2) keeps topic-5.
    const r3 = assignAndRender(run, c, [member('consumer2', ['topic'], own(r2.assignment, 'consumer2'), 2), member('consumer3', all, own(r1.assignment, 'consumer3'), 1)]);
    expect(r3.text).toBe('consumer2=topic-0,topic-1,topic-2,topic-4,topic-5,topic-3;consumer3=topic2-1,topic2-3,topic2-5,topic2-0,topic2-2,topic2-4;');
  });

  it('testAssignmentWithMultipleGenerations2 (three different subscriptions)', () => {
    const all = ['topic', 'topic2', 'topic3'];
    const c = counts([['topic', 4], ['topic2', 4], ['topic3', 4]]);
    const r1 = assignAndRender(run, c, [member('consumer1', ['topic']), member('consumer2', all), member('consumer3', ['topic', 'topic2'])]);
    const balanced = 'consumer1=topic-0,topic-1,topic-2,topic-3;consumer2=topic3-0,topic3-1,topic3-2,topic3-3;consumer3=topic2-0,topic2-1,topic2-2,topic2-3;';
    expect(r1.text).toBe(balanced);
    const r2 = assignAndRender(run, c, [member('consumer2', all, r1.assignment.get('consumer2')!, 1)]);
    expect(r2.text).toBe('consumer2=topic3-0,topic3-1,topic3-2,topic3-3,topic-0,topic-1,topic-2,topic-3,topic2-0,topic2-1,topic2-2,topic2-3;');
    // consumer1 and consumer3 return with their generation-1 partitions: those older owners get them back.
    const r3 = assignAndRender(run, c, [
      member('consumer1', ['topic'], r1.assignment.get('consumer1')!, 1),
      member('consumer2', all, r2.assignment.get('consumer2')!, 2),
      member('consumer3', ['topic', 'topic2'], r1.assignment.get('consumer3')!, 1),
    ]);
    expect(r3.text).toBe(balanced);
  });

  it('testAssignmentWithConflictingPreviousGenerations (different subscriptions)', () => {
    const c = counts([['topic', 4], ['topic2', 4], ['topic3', 4]]);
    const r = assignAndRender(run, c, [
      member('consumer1', ['topic'], [tp('topic', 0), tp('topic', 1), tp('topic', 2), tp('topic', 3)], 1),
      member('consumer2', ['topic', 'topic2'], [tp('topic', 0), tp('topic', 1), tp('topic2', 0), tp('topic2', 1), tp('topic2', 2), tp('topic2', 3)], 2),
      member('consumer3', ['topic', 'topic2', 'topic3'], [tp('topic', 2), tp('topic', 3), tp('topic3', 0), tp('topic3', 1), tp('topic3', 2), tp('topic3', 3)], 2),
    ]);
    expect(r.text).toBe('consumer1=topic-0,topic-1,topic-2,topic-3;consumer2=topic2-0,topic2-1,topic2-2,topic2-3;consumer3=topic3-0,topic3-1,topic3-2,topic3-3;');
  });

  it('testSubscriptionNotEqualAndAssignSamePartitionWith3Generation: every order of three generations', () => {
    const expected: Record<string, string> = {
      '1,2,3': 'consumer1=topic-0,topic-2;consumer2=topic-1,topic-3;',
      '1,3,2': coop ? 'consumer1=topic-0;consumer2=topic-2,topic-3;' : 'consumer1=topic-0,topic-1;consumer2=topic-2,topic-3;',
      '2,1,3': 'consumer1=topic-0,topic-2;consumer2=topic-1,topic-3;',
      '2,3,1': coop ? 'consumer1=topic-0;consumer2=topic-2,topic-3;' : 'consumer1=topic-0,topic-1;consumer2=topic-2,topic-3;',
      '3,1,2': 'consumer1=topic-0,topic-2;consumer2=topic-1,topic-3;',
      '3,2,1': 'consumer1=topic-0,topic-2;consumer2=topic-1,topic-3;',
    };
    for (const [g1, g2, g3] of [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]] as const) {
      const r = assignAndRender(run, counts([['topic', 6], ['topic1', 1]]), [
        member('consumer1', ['topic'], [tp('topic', 0), tp('topic', 2)], g1),
        member('consumer2', ['topic'], [tp('topic', 1), tp('topic', 2), tp('topic', 3)], g2),
        member('consumer3', ['topic'], [tp('topic', 2), tp('topic', 4), tp('topic', 5)], g3),
        member('consumer4', ['topic1'], [tp('topic1', 0)], 2),
      ]);
      expect(r.text, `generations ${g1},${g2},${g3}`).toBe(`${expected[`${g1},${g2},${g3}`]}consumer3=topic-4,topic-5;consumer4=topic1-0;`);
    }
  });

  it('testNewSubscription: a member that subscribed to nothing takes t1 over', () => {
    const c = counts([['t1', 1], ['t2', 1], ['t3', 1], ['t4', 1]]);
    const r1 = assignAndRender(run, c, [member('c0', []), member('c1', ['t1']), member('c2', ['t2', 't3', 't4'])]);
    expect(r1.text).toBe('c0=;c1=t1-0;c2=t2-0,t3-0,t4-0;');
    // As in Kafka's test, the second round reports no owned partitions.
    const r2 = assignAndRender(run, c, [member('c0', ['t1']), member('c1', ['t1']), member('c2', ['t2', 't3', 't4'])]);
    expect(r2.text).toBe('c0=t1-0;c1=;c2=t2-0,t3-0,t4-0;');
  });

  it('testMoveExistingAssignments: a valid, balanced ownership is kept as it is', () => {
    const c = counts([1, 2, 3, 4, 5, 6].map((i): [string, number] => [`topic${i}`, 1]));
    const r = assignAndRender(run, c, [
      member('consumer1', ['topic1', 'topic2'], [tp('topic1', 0)], 1),
      member('consumer2', ['topic1', 'topic2', 'topic3', 'topic4'], [tp('topic2', 0), tp('topic3', 0)], 1),
      member('consumer3', ['topic2', 'topic3', 'topic4', 'topic5', 'topic6'], [tp('topic4', 0), tp('topic5', 0), tp('topic6', 0)], 1),
    ]);
    expect(r.text).toBe('consumer1=topic1-0;consumer2=topic2-0,topic3-0;consumer3=topic4-0,topic5-0,topic6-0;');
  });

  it('a move against an earlier one undoes it instead, taking the first partition of Kafka\'s HashSet (PartitionMovements.getTheActualPartitionToBeMoved)', () => {
    // A case from comparing faultline with Kafka on random groups: the balancing loop moves t3 partitions between
    // consumer2 and consumer4 both ways, and which t3 partition goes back depends on HashSet<TopicPartition> order.
    const parts = (spec: string): StickyTopicPartition[] => spec.split(' ').map((s) => tp(s.split(':')[0]!, Number(s.split(':')[1])));
    const c = counts([['t0', 9], ['t1', 2], ['t2', 10], ['t3', 8], ['t4', 3], ['t5', 4], ['t6', 8], ['t7', 5], ['t8', 3], ['t9', 3]]);
    const r = assignAndRender(run, c, [
      member('consumer1', ['t0', 't1', 't4', 't6', 't7', 't8', 't9'], [], -1),
      member('consumer2', ['t1', 't2', 't3', 't5', 't6', 't9'], parts('t2:0 t2:1 t2:2 t2:3 t2:4 t2:5 t2:6 t2:7 t2:8 t2:9 t1:0 t3:0 t3:2 t3:4 t3:6'), 2),
      member('consumer4', ['t0', 't1', 't3', 't5', 't8', 't9'], parts('t5:0 t5:1 t5:2 t5:3 t8:0 t8:1 t8:2 t9:0 t9:1 t9:2 t0:0 t0:1 t0:2 t0:4 t0:6 t0:8 t3:7 t0:3 t0:5 t0:7'), 2),
      member('consumer5', ['t0', 't4', 't7', 't8', 't9'], parts('t6:0 t6:1 t6:2 t6:3 t6:4 t6:5 t6:6 t6:7'), 2),
    ]);
    expect(r.text).toBe(
      coop
        ? 'consumer1=t1-1;consumer2=t2-0,t2-1,t2-2,t2-3,t2-4,t2-5,t2-6,t2-7,t2-8,t2-9,t3-0,t3-4,t3-6,t3-3,t3-5;' +
            'consumer4=t5-0,t5-1,t5-2,t5-3,t8-0,t8-1,t8-2,t9-0,t9-1,t9-2,t0-8,t3-7,t3-1;consumer5=t4-1,t7-0,t7-1,t7-2,t7-3,t7-4,t4-0,t4-2;'
        : 'consumer1=t6-0,t6-1,t6-2,t6-3,t6-4,t6-5,t6-6,t6-7,t1-1,t0-1,t0-3,t0-5,t1-0;' +
            'consumer2=t2-0,t2-1,t2-2,t2-3,t2-4,t2-5,t2-6,t2-7,t2-8,t2-9,t3-0,t3-4,t3-6,t3-3,t3-5;' +
            'consumer4=t5-0,t5-1,t5-2,t5-3,t8-0,t8-1,t8-2,t9-0,t9-1,t9-2,t0-8,t3-7,t3-1,t3-2;' +
            'consumer5=t4-1,t7-0,t7-1,t7-2,t7-3,t7-4,t4-0,t4-2,t0-0,t0-2,t0-4,t0-6,t0-7;',
    );
  });

  it('testReassignmentAfterOneConsumerLeaves: c10 leaves and its ten partitions are spread over c11..c14', () => {
    const pad = (i: number): string => String(i).padStart(2, '0');
    const ids = Array.from({ length: 19 }, (_, i) => i + 1);
    const c = counts(ids.map((i): [string, number] => [`t${pad(i)}`, i]));
    const topicsOf = (i: number): string[] => Array.from({ length: i }, (_, j) => `t${pad(j + 1)}`);
    const own = (i: number): StickyTopicPartition[] => Array.from({ length: i }, (_, p) => tp(`t${pad(i)}`, p));
    const r1 = assignAndRender(run, c, ids.map((i) => member(`c${pad(i)}`, topicsOf(i))));
    expect(r1.text).toBe(render(ids.map((i) => member(`c${pad(i)}`, [])), new Map(ids.map((i) => [`c${pad(i)}`, own(i)]))));
    const stay = ids.filter((i) => i !== 10);
    const r2 = assignAndRender(run, c, stay.map((i) => member(`c${pad(i)}`, topicsOf(i), r1.assignment.get(`c${pad(i)}`)!, 1)));
    const t10 = (...ps: number[]): StickyTopicPartition[] => ps.map((p) => tp('t10', p));
    const extra = new Map([['c11', t10(0, 1, 3, 6)], ['c12', t10(2, 4, 7)], ['c13', t10(5, 8)], ['c14', t10(9)]]);
    const expected = new Map(stay.map((i) => [`c${pad(i)}`, [...own(i), ...(extra.get(`c${pad(i)}`) ?? [])]]));
    expect(r2.text).toBe(render(stay.map((i) => member(`c${pad(i)}`, [])), expected));
  });
});

describe('java HashSet<TopicPartition> order (PartitionMovements picks its first element)', () => {
  it('TopicPartition.hashCode as Kafka computes it', () => {
    // 31 * (31 + 0) + "topic".hashCode() = 961 + 110546223
    expect(topicPartitionHash(tp('topic', 0))).toBe(110547184);
    expect(topicPartitionHash(tp('topic', 1))).toBe(110547215);
  });

  it('iterates by bucket, not by insertion, and grows past 12 elements', () => {
    const set = new JavaTopicPartitionHashSet();
    // t-0 hashes to bucket 14 of 16 and t-1 to bucket 13: t-1 comes first although added second.
    set.add(tp('t', 0));
    set.add(tp('t', 1));
    expect(name(set.first())).toBe('t-1');
    set.delete(tp('t', 1));
    expect(name(set.first())).toBe('t-0');
    for (let p = 2; p < 14; p++) set.add(tp('t', p));
    // 13 elements: capacity 32, where t-13 has the lowest bucket.
    expect(set.size).toBe(13);
    expect(name(set.first())).toBe('t-13');
  });
});

/**
 * The invariants Kafka's testReassignmentWithRandomSubscriptionsAndChanges
 * checks (verifyValidityAndBalance and PartitionMovements.isSticky), over
 * random groups: a fresh assignment, then a round where subscriptions change
 * and members leave and join, each member reporting what it was given.
 */
interface Round {
  readonly topics: number;
  readonly counts: readonly number[];
  readonly first: readonly (readonly number[])[];
  readonly second: readonly ((readonly number[]) | null)[];
}

const roundArb: fc.Arbitrary<Round> = fc.integer({ min: 1, max: 6 }).chain((topics) =>
  fc.record({
    topics: fc.constant(topics),
    counts: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: topics, maxLength: topics }),
    first: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: topics - 1 }), { minLength: 1 }), { minLength: 2, maxLength: 9 }),
    second: fc.array(fc.option(fc.uniqueArray(fc.integer({ min: 0, max: topics - 1 }), { minLength: 1 }), { freq: 5 }), { minLength: 2, maxLength: 11 }),
  }),
);

function checkValid(members: readonly StickyMember[], a: Assignment): Map<string, string> {
  const owner = new Map<string, string>();
  for (const m of members) {
    for (const p of a.get(m.memberId)!) {
      expect(m.topics, `${name(p)} given to ${m.memberId}, which does not subscribe to ${p.topic}`).toContain(p.topic);
      expect(owner.has(name(p)), `${name(p)} assigned twice`).toBe(false);
      owner.set(name(p), m.memberId);
    }
  }
  return owner;
}

function isComplete(c: ReadonlyMap<string, number>, owner: ReadonlyMap<string, string>): boolean {
  for (const [topic, n] of c) for (let p = 0; p < n; p++) if (!owner.has(`${topic}-${p}`)) return false;
  return true;
}

/**
 * An assignment, then (cooperative-sticky) the follow-up rebalances in which
 * the members report what they were given, until every partition is out, at
 * most four as in CooperativeStickyAssignorTest.verifyValidityAndBalance;
 * the final assignment must be complete, valid and balanced.
 */
function settle(run: typeof stickyAssign, c: ReadonlyMap<string, number>, members: readonly StickyMember[]): Assignment {
  let a: Assignment = run(c, members).assignment;
  let owner = checkValid(members, a);
  for (let rebalance = 1; !isComplete(c, owner); rebalance++) {
    expect(rebalance, 'more than four follow-up rebalances').toBeLessThanOrEqual(4);
    const next = members.map((m) => member(m.memberId, m.topics, a.get(m.memberId)!, 100 + rebalance));
    a = run(c, next).assignment;
    owner = checkValid(next, a);
  }
  checkBalanced(members, a);
  return a;
}

function checkBalanced(members: readonly StickyMember[], a: Assignment): void {
  // verifyValidityAndBalance: two members more than one partition apart hold no partitions of a common topic.
  for (const x of members) {
    for (const y of members) {
      const ax = a.get(x.memberId)!;
      const ay = a.get(y.memberId)!;
      if (ax.length <= ay.length + 1) continue;
      const topicsOfY = new Set(ay.map((p) => p.topic));
      for (const p of ax) expect(topicsOfY.has(p.topic), `${x.memberId} (${ax.length}) and ${y.memberId} (${ay.length}) share ${p.topic}`).toBe(false);
    }
  }
}

/** PartitionMovements.isSticky seen from outside: within a topic, no kept partition moves A→B while another moves B→A. */
function checkSticky(members: readonly StickyMember[], a: Assignment): void {
  const moves = new Set<string>();
  const byId = new Map(members.map((m) => [m.memberId, m]));
  for (const m of members) {
    for (const p of a.get(m.memberId)!) {
      const from = members.find((o) => o.memberId !== m.memberId && o.ownedPartitions.some((q) => name(q) === name(p)));
      if (from !== undefined && byId.get(from.memberId)!.topics.includes(p.topic)) moves.add(JSON.stringify([p.topic, from.memberId, m.memberId]));
    }
  }
  for (const move of moves) {
    const [topic, src, dst] = JSON.parse(move) as [string, string, string];
    expect(moves.has(JSON.stringify([topic, dst, src])), `${topic} moved both ${src}→${dst} and ${dst}→${src}`).toBe(false);
  }
}

describe('sticky assignors over random subscriptions and membership changes (fast-check seed 20261128)', () => {
  for (const { mode, run } of MODES) {
    it(`${mode}: every partition once to a subscribed member, balanced as Kafka checks it, sticky`, () => {
      fc.assert(
        fc.property(roundArb, (round) => {
          const topicsOf = (list: readonly number[]): string[] => list.map((i) => `t${i}`);
          // As AbstractPartitionAssignor.assign does, the assignor sees only the topics someone subscribes to.
          const countsFor = (members: readonly StickyMember[]): Map<string, number> =>
            counts(round.counts.map((n, i): [string, number] => [`t${i}`, n]).filter(([t]) => members.some((m) => m.topics.includes(t))));
          const first = round.first.map((t, i) => member(`m${i}`, topicsOf(t)));
          let c = countsFor(first);
          const r1 = settle(run, c, first);
          const second = round.second.flatMap((t, i) => (t === null ? [] : [member(`m${i}`, topicsOf(t), r1.get(`m${i}`) ?? [], r1.has(`m${i}`) ? 1 : null)]));
          if (second.length === 0) return;
          c = countsFor(second);
          const r2 = run(c, second).assignment;
          checkValid(second, r2);
          checkSticky(second, r2);
          if (mode === 'cooperative-sticky') {
            // Nothing is handed out while another member still owns it.
            for (const m of second) for (const p of r2.get(m.memberId)!) expect(second.some((o) => o.memberId !== m.memberId && o.ownedPartitions.some((q) => name(q) === name(p)))).toBe(false);
          }
          settle(run, c, second.map((m) => member(m.memberId, m.topics, r2.get(m.memberId)!, 2)));
        }),
        { numRuns: 300, seed: 20261128 },
      );
    });
  }
});
