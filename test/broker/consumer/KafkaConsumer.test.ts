/**
 * The consumer client against simulated brokers: joining, assignments,
 * commits and their failures, resets, coordinator failover, the leader
 * noticing new partitions, and offsets retention. Each test names the Kafka
 * rule it checks.
 */
import { describe, expect, it } from 'vitest';
import { COMMIT_FAILED_MESSAGE } from '../../../src/broker/consumer/consumerExceptions';
import type { CommitOutcome, KafkaConsumer, PollResult } from '../../../src/broker/consumer/KafkaConsumer';
import { OFFSETS_TOPIC, offsetsPartitionFor } from '../../../src/broker/group/coordinatorPartition';
import { KafkaCluster } from '../../../src/broker/KafkaCluster';
import { Simulation } from '../../../src/sim/Simulation';
import type { TraceRecord } from '../../../src/sim/Trace';

function setup(options: { brokers?: number; partitions?: number; settings?: Record<string, unknown>; replicationFactor?: number } = {}) {
  const sim = new Simulation({ seed: 'consumer-tests' });
  const ids = Array.from({ length: options.brokers ?? 1 }, (_, i) => i + 1);
  const cluster = new KafkaCluster({ sim, brokerIds: ids, brokerSettings: options.settings });
  cluster.createTopic('events', { partitions: options.partitions ?? 3, replicationFactor: options.replicationFactor ?? 1 });
  const produce = (partition: number, count: number, prefix = 'v'): void => {
    const records = Array.from({ length: count }, (_, i) => ({ key: null, value: `${prefix}${partition}-${i}`, timestampMs: sim.nowMs }));
    const result = cluster.produce({ topic: 'events', partition }, records);
    if ('error' in result) throw new Error(result.message);
  };
  const records: TraceRecord[] = [];
  sim.trace.listen((r) => records.push(r));
  return { sim, cluster, produce, records };
}

/** Poll in a loop, counting records, until `untilMs`. */
function pollLoop(_sim: Simulation, consumer: KafkaConsumer, options: { timeoutMs?: number } = {}) {
  const state = { records: 0, values: [] as string[], errors: [] as PollResult['error'][], stopped: false };
  const loop = (): void => {
    if (state.stopped || consumer.isClosed()) return;
    consumer.poll(options.timeoutMs ?? 500, (r) => {
      state.records += r.records.count;
      for (const rec of r.records) state.values.push(rec.value ?? '');
      if (r.error !== null) state.errors.push(r.error);
      loop();
    });
  };
  loop();
  return state;
}

function commitSync(sim: Simulation, consumer: KafkaConsumer, offsets?: Map<string, number>): CommitOutcome {
  let outcome: CommitOutcome | null = null;
  consumer.commitSync((o) => (outcome = o), { offsets });
  sim.runWhile(() => outcome === null, 100_000);
  return outcome!;
}

describe('consumer groups: joining and assignment', () => {
  it('the first JoinGroup gets MEMBER_ID_REQUIRED, the group forms after group.initial.rebalance.delay.ms, and the member reads every partition', () => {
    const { sim, cluster, produce, records } = setup();
    for (const p of [0, 1, 2]) produce(p, 5);
    const consumer = cluster.createConsumer({ 'group.id': 'g', 'auto.offset.reset': 'earliest' });
    consumer.subscribe(['events']);
    const state = pollLoop(sim, consumer);
    sim.advance(2_000);
    expect(state.records).toBe(0);
    sim.advance(3_000);
    expect(state.records).toBe(15);
    expect(consumer.assignment()).toEqual(['events-0', 'events-1', 'events-2']);
    const joins = records.filter((r) => r.type === 'consumer.join');
    expect(joins.map((r) => r.member)).toEqual(['', expect.stringMatching(/^consumer-g-1-[0-9a-f-]{36}$/)]);
    expect(cluster.topic(OFFSETS_TOPIC)!.partitions.length).toBe(50);
  });

  it('two members split the partitions with the range assignor; when one closes, the other gets them all', () => {
    const { sim, cluster } = setup({ partitions: 3 });
    const a = cluster.createConsumer({ 'group.id': 'g' });
    const b = cluster.createConsumer({ 'group.id': 'g' });
    a.subscribe(['events']);
    b.subscribe(['events']);
    const la = pollLoop(sim, a);
    pollLoop(sim, b);
    sim.advance(10_000);
    const sizes = [a.assignment().length, b.assignment().length].sort();
    expect(sizes).toEqual([1, 2]);
    expect(cluster.describeGroup('g').state).toBe('Stable');
    b.close();
    sim.advance(5_000);
    expect(la.errors).toEqual([]);
    expect(a.assignment()).toEqual(['events-0', 'events-1', 'events-2']);
    expect(cluster.describeGroup('g').rows.map((r) => r.clientId)).toEqual(['consumer-g-1', 'consumer-g-1', 'consumer-g-1']);
  });

  it('a crashed member keeps its partitions until session.timeout.ms passes, then the group rebalances', () => {
    const { sim, cluster } = setup({ partitions: 2 });
    const a = cluster.createConsumer({ 'group.id': 'g' });
    const b = cluster.createConsumer({ 'group.id': 'g' });
    a.subscribe(['events']);
    b.subscribe(['events']);
    pollLoop(sim, a);
    pollLoop(sim, b);
    sim.advance(10_000);
    expect(a.assignment()).toEqual(['events-0']);
    b.crash();
    sim.advance(44_000);
    expect(a.assignment()).toEqual(['events-0']);
    sim.advance(5_000);
    expect(a.assignment()).toEqual(['events-0', 'events-1']);
  });

  it('the group leader notices new partitions at its next metadata refresh (metadata.max.age.ms) and the rebalance assigns them', () => {
    const { sim, cluster, records } = setup({ partitions: 2 });
    const consumer = cluster.createConsumer({ 'group.id': 'g', 'metadata.max.age.ms': 60_000 });
    consumer.subscribe(['events']);
    pollLoop(sim, consumer);
    sim.advance(10_000);
    cluster.addPartitions('events', 4);
    sim.advance(40_000);
    expect(consumer.assignment()).toEqual(['events-0', 'events-1']);
    sim.advance(20_000);
    expect(consumer.assignment()).toEqual(['events-0', 'events-1', 'events-2', 'events-3']);
    expect(records.some((r) => r.type === 'consumer.metadata-changed')).toBe(true);
  });
});

describe('consumer groups: commits', () => {
  it('commitSync stores offsets that a new member of the group starts from', () => {
    const { sim, cluster, produce } = setup({ partitions: 1 });
    produce(0, 10);
    const a = cluster.createConsumer({ 'group.id': 'g', 'enable.auto.commit': false, 'auto.offset.reset': 'earliest', 'max.poll.records': 4 });
    a.subscribe(['events']);
    let got = 0;
    a.poll(10_000, (r) => (got = r.records.count));
    sim.runWhile(() => got === 0, 100_000);
    expect(got).toBe(4);
    expect(commitSync(sim, a)).toEqual({ ok: true });
    a.close();
    sim.advance(1_000);
    const b = cluster.createConsumer({ 'group.id': 'g', 'enable.auto.commit': false });
    b.subscribe(['events']);
    const state = pollLoop(sim, b);
    sim.advance(10_000);
    expect(state.values[0]).toBe('v0-4');
    expect(state.records).toBe(6);
  });

  it('a member that does not poll within max.poll.interval.ms leaves the group, and its commit fails with CommitFailedException', () => {
    const { sim, cluster, produce, records } = setup({ partitions: 1 });
    produce(0, 5);
    const consumer = cluster.createConsumer({ 'group.id': 'g', 'enable.auto.commit': false, 'auto.offset.reset': 'earliest', 'max.poll.interval.ms': 10_000 });
    consumer.subscribe(['events']);
    let got = 0;
    consumer.poll(10_000, (r) => (got = r.records.count));
    sim.runWhile(() => got === 0, 100_000);
    sim.advance(12_000); // processing longer than max.poll.interval.ms
    const outcome = commitSync(sim, consumer);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.exception).toBe('CommitFailedException');
      expect(outcome.error.message).toBe(
        'Offset commit cannot be completed since the consumer is not part of an active group for auto partition assignment; it is likely that the consumer was kicked out of the group.',
      );
    }
    expect(records.find((r) => r.type === 'consumer.leave')?.reason).toBe('consumer poll timeout has expired.');
  });

  it("a member the coordinator removed while it still thinks it is in the group gets CommitFailedException's default message", () => {
    const { sim, cluster, produce } = setup({ partitions: 1 });
    produce(0, 5);
    const consumer = cluster.createConsumer({ 'group.id': 'g', 'enable.auto.commit': false, 'auto.offset.reset': 'earliest', 'session.timeout.ms': 6_000, 'heartbeat.interval.ms': 2_000 });
    consumer.subscribe(['events']);
    let got = 0;
    consumer.poll(10_000, (r) => (got = r.records.count));
    sim.runWhile(() => got === 0, 100_000);
    // Heartbeats are lost; the coordinator expires the member after session.timeout.ms.
    cluster.applyNetworkFault({ kind: 'drop', from: consumer.clientId, to: 'broker-1', probability: 1 });
    sim.advance(6_500);
    cluster.applyNetworkFault({ kind: 'heal' });
    const outcome = commitSync(sim, consumer);
    expect(outcome).toEqual({ ok: false, error: { exception: 'CommitFailedException', message: COMMIT_FAILED_MESSAGE, retriable: false } });
  });

  it('auto-commit also commits before a rebalance (onJoinPrepare) and on close, not only every auto.commit.interval.ms', () => {
    const { sim, cluster, produce } = setup({ partitions: 2 });
    produce(0, 7);
    produce(1, 3);
    const a = cluster.createConsumer({ 'group.id': 'g', 'auto.offset.reset': 'earliest', 'auto.commit.interval.ms': 600_000 });
    a.subscribe(['events']);
    pollLoop(sim, a);
    sim.advance(5_000);
    const committed = () => new Map([...cluster.groupCoordinatorFor('g')!.groups.coordinator.fetchOffsets('g')].map(([tp, c]) => [tp, c.offset]));
    expect(committed().size).toBe(0);
    const b = cluster.createConsumer({ 'group.id': 'g', 'auto.offset.reset': 'earliest', 'auto.commit.interval.ms': 600_000 });
    b.subscribe(['events']);
    pollLoop(sim, b);
    sim.advance(5_000);
    expect(committed()).toEqual(new Map([['events-0', 7], ['events-1', 3]]));
    produce(0, 2);
    produce(1, 2);
    sim.advance(1_000);
    a.close();
    b.close();
    sim.advance(1_000);
    expect(committed()).toEqual(new Map([['events-0', 9], ['events-1', 5]]));
  });

  it("close's auto-commit that runs out of time is logged as maybeAutoCommitOffsetsSync logs it, with the offsets", () => {
    const { sim, cluster, produce, records } = setup({ partitions: 1 });
    produce(0, 4);
    const consumer = cluster.createConsumer({ 'group.id': 'g', 'auto.offset.reset': 'earliest', 'auto.commit.interval.ms': 600_000, 'request.timeout.ms': 5_000 });
    consumer.subscribe(['events']);
    pollLoop(sim, consumer);
    sim.advance(5_000);
    cluster.applyNetworkFault({ kind: 'drop', from: consumer.clientId, to: 'broker-1', probability: 1 });
    consumer.close();
    sim.advance(10_000);
    const failed = records.filter((r) => r.type === 'consumer.auto-commit-failed');
    expect(failed.map((r) => r.message)).toEqual(["Auto-commit of offsets {events-0=OffsetAndMetadata{offset=4, leaderEpoch=null, metadata=''}} timed out before completion"]);
    expect(consumer.isClosed()).toBe(true);
  });

  it('a commitAsync that fails on a retriable error gets RetriableCommitFailedException\'s fixed message, the error as its cause', () => {
    const { sim, cluster, produce, records } = setup({ partitions: 1 });
    produce(0, 2);
    const consumer = cluster.createConsumer({ 'group.id': 'g', 'auto.offset.reset': 'earliest', 'auto.commit.interval.ms': 1_000, 'request.timeout.ms': 5_000 });
    consumer.subscribe(['events']);
    const state = pollLoop(sim, consumer);
    sim.advance(5_000);
    expect(state.records).toBe(2);
    cluster.applyNetworkFault({ kind: 'drop', from: consumer.clientId, to: 'broker-1', probability: 1 });
    let error: unknown;
    consumer.commitAsync((_offsets, e) => (error = e));
    sim.advance(10_000);
    expect(error).toMatchObject({
      exception: 'RetriableCommitFailedException',
      message: 'Offset commit failed with a retriable exception. You should retry committing the latest consumed offsets.',
      retriable: true,
    });
    expect((error as { cause: string }).cause).toMatch(/^(TimeoutException|DisconnectException|CoordinatorNotAvailableException): /);
    const autoCommit = records.filter((r) => r.type === 'consumer.auto-commit-failed').map((r) => r.message);
    expect(autoCommit[0]).toBe("Asynchronous auto-commit of offsets {events-0=OffsetAndMetadata{offset=2, leaderEpoch=null, metadata=''}} failed due to retriable error.");
  });

  it('auto-commit commits every position inside poll, including records not yet processed', () => {
    const { sim, cluster, produce } = setup({ partitions: 1 });
    produce(0, 20);
    const consumer = cluster.createConsumer({ 'group.id': 'g', 'auto.offset.reset': 'earliest', 'max.poll.records': 5, 'auto.commit.interval.ms': 1_000 });
    consumer.subscribe(['events']);
    pollLoop(sim, consumer);
    sim.advance(10_000);
    expect(cluster.groupCoordinatorFor('g')!.groups.coordinator.fetchOffsets('g').get('events-0')!.offset).toBe(20);
  });
});

describe('consumer positions: resets and errors', () => {
  it('auto.offset.reset=none without a committed offset: NoOffsetForPartitionException', () => {
    const { sim, cluster } = setup({ partitions: 2 });
    const consumer = cluster.createConsumer({ 'group.id': 'g', 'auto.offset.reset': 'none' });
    consumer.subscribe(['events']);
    const state = pollLoop(sim, consumer);
    sim.advance(5_000);
    expect(state.errors[0]).toEqual({ exception: 'NoOffsetForPartitionException', message: 'Undefined offset with no reset policy for partitions: [events-0, events-1]', retriable: false });
  });

  it('a position past the log end: OffsetOutOfRangeException with none, a reset to latest otherwise', () => {
    const { sim, cluster, produce, records } = setup({ partitions: 1 });
    produce(0, 3);
    const strict = cluster.createConsumer({ 'auto.offset.reset': 'none' });
    strict.assign([{ topic: 'events', partition: 0 }]);
    strict.seek({ topic: 'events', partition: 0 }, 10);
    const s = pollLoop(sim, strict);
    sim.advance(1_000);
    expect(s.errors[0]!.exception).toBe('OffsetOutOfRangeException');
    expect(s.errors[0]!.message).toBe(
      'Fetch position FetchPosition{offset=10, offsetEpoch=Optional.empty, currentLeader=LeaderAndEpoch{leader=Optional[broker-1:9092 (id: 1 rack: null)], epoch=0}} is out of range for partition events-0',
    );
    const lenient = cluster.createConsumer({ 'auto.offset.reset': 'latest' });
    lenient.assign([{ topic: 'events', partition: 0 }]);
    lenient.seek({ topic: 'events', partition: 0 }, 10);
    pollLoop(sim, lenient);
    sim.advance(1_000);
    expect(lenient.currentPosition({ topic: 'events', partition: 0 })).toBe(3);
    // What FetchCollector logs in each case.
    const logged = new Set(records.filter((r) => r.type === 'consumer.out-of-range').map((r) => String(r.message).replace(/^Fetch position .* is out of range/, '...')));
    expect([...logged]).toEqual([
      '... for partition events-0, raising error to the application since no reset policy is configured',
      '... for partition events-0, resetting offset',
    ]);
  });

  it('position() determines a position (committed offset, else the reset) and committed() reads the group\'s offsets', () => {
    const { sim, cluster, produce } = setup({ partitions: 1 });
    produce(0, 6);
    // Without auto-commit: close() would commit the position (0) over the 4 committed below, as Kafka's does.
    const first = cluster.createConsumer({ 'group.id': 'g', 'auto.offset.reset': 'earliest', 'enable.auto.commit': false });
    first.assign([{ topic: 'events', partition: 0 }]);
    let position: unknown;
    first.position({ topic: 'events', partition: 0 }, (p) => (position = p));
    sim.runWhile(() => position === undefined, 10_000);
    expect(position).toBe(0);
    expect(commitSync(sim, first, new Map([['events-0', 4]]))).toEqual({ ok: true });
    let committed: unknown;
    first.committed([{ topic: 'events', partition: 0 }], (c) => (committed = c));
    sim.runWhile(() => committed === undefined, 10_000);
    expect(committed).toEqual(new Map([['events-0', 4]]));
    first.close();
    const second = cluster.createConsumer({ 'group.id': 'g', 'auto.offset.reset': 'earliest' });
    second.assign([{ topic: 'events', partition: 0 }]);
    position = undefined;
    second.position({ topic: 'events', partition: 0 }, (p) => (position = p));
    sim.runWhile(() => position === undefined, 10_000);
    expect(position).toBe(4);
  });

  it('offsetsForTimes finds the first record at or after a time, null when none', () => {
    const { sim, cluster, produce } = setup({ partitions: 1 });
    produce(0, 2, 'early');
    sim.advance(60_000);
    const middle = sim.nowMs;
    produce(0, 2, 'late');
    const consumer = cluster.createConsumer({});
    let result: unknown;
    consumer.offsetsForTimes(new Map([['events-0', middle]]), (r) => (result = r));
    sim.runWhile(() => result === undefined, 10_000);
    expect(result).toEqual(new Map([['events-0', { offset: 2, timestampMs: middle }]]));
    result = undefined;
    consumer.offsetsForTimes(new Map([['events-0', sim.nowMs + 1]]), (r) => (result = r));
    sim.runWhile(() => result === undefined, 10_000);
    expect(result).toEqual(new Map([['events-0', null]]));
  });
});

describe('group coordinator on the brokers', () => {
  it('with offsets.topic.replication.factor=3 on one broker no coordinator is ever found (COORDINATOR_NOT_AVAILABLE)', () => {
    const { sim, cluster, records } = setup({ settings: { 'offsets.topic.replication.factor': 3 } });
    const consumer = cluster.createConsumer({ 'group.id': 'g' });
    consumer.subscribe(['events']);
    pollLoop(sim, consumer);
    sim.advance(30_000);
    expect(cluster.topic(OFFSETS_TOPIC)).toBeUndefined();
    expect(consumer.assignment()).toEqual([]);
    const refused = records.find((r) => r.type === 'group.offsets-topic-refused')!;
    expect(refused.message).toContain('The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.');
    expect(records.filter((r) => r.type === 'consumer.find-coordinator-failed').length).toBeGreaterThan(5);
  });

  it('commits survive a coordinator failover: the new leader of the offsets partition loads them from its replica', () => {
    const { sim, cluster, produce, records } = setup({ brokers: 3, partitions: 1, replicationFactor: 3 });
    produce(0, 10);
    const a = cluster.createConsumer({ 'group.id': 'g', 'enable.auto.commit': false, 'auto.offset.reset': 'earliest' });
    a.subscribe(['events']);
    const state = pollLoop(sim, a);
    sim.advance(6_000);
    expect(state.records).toBe(10);
    expect(commitSync(sim, a)).toEqual({ ok: true });
    const before = cluster.groupCoordinatorFor('g')!.brokerId;
    const offsetsPartition = cluster.partition({ topic: OFFSETS_TOPIC, partition: offsetsPartitionFor('g') })!;
    expect(offsetsPartition.isr.length).toBe(3);
    cluster.crash(before);
    sim.advance(20_000);
    const after = cluster.groupCoordinatorFor('g');
    expect(after).not.toBeNull();
    expect(after!.brokerId).not.toBe(before);
    expect(after!.groups.coordinator.fetchOffsets('g').get('events-0')!.offset).toBe(10);
    // The member rediscovered the coordinator and stayed in the group, in the same generation.
    expect(records.some((r) => r.type === 'consumer.coordinator-unknown')).toBe(true);
    expect(a.assignment()).toEqual(['events-0']);
    expect(cluster.describeGroup('g').state).toBe('Stable');
    produce(0, 5, 'w');
    sim.advance(2_000);
    expect(state.records).toBe(15);
  });

  it('offsets expire offsets.retention.minutes after the group became empty', () => {
    const { sim, cluster, produce } = setup({ partitions: 1, settings: { 'offsets.retention.minutes': 10, 'offsets.retention.check.interval.ms': 60_000 } });
    produce(0, 3);
    const consumer = cluster.createConsumer({ 'group.id': 'g', 'auto.offset.reset': 'earliest' });
    consumer.subscribe(['events']);
    pollLoop(sim, consumer);
    sim.advance(6_000);
    consumer.close();
    sim.advance(1_000);
    expect(cluster.describeGroup('g').state).toBe('Empty');
    expect(cluster.describeGroup('g').rows[0]!.currentOffset).toBe(3);
    sim.advance(9 * 60_000);
    expect(cluster.describeGroup('g').rows[0]!.currentOffset).toBe(3);
    sim.advance(2 * 60_000);
    expect(cluster.describeGroup('g').state).toBe('Dead');
  });
});
