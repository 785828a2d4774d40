/**
 * fast-check commands for a consumer group at work: a 3-broker cluster
 * (topic `events`, 4 partitions, RF=3, min.insync.replicas=2), a producer
 * (acks=all, idempotent), a Redis host, and consumer applications of one
 * group that process every record and write a result per record. Faults are
 * application crashes, restarts, members joining and leaving (rebalances),
 * broker crashes (the group coordinator's among them) and Redis crashes or
 * power losses. Each command reads as a line of a script.
 *
 * After the faults a liveness phase heals everything and lets the group
 * catch up; `measure` then compares the results with every record below the
 * high watermark of the final logs.
 *
 * Supervision, as operators run it: when Redis comes back, the applications
 * that keep their offsets in it are restarted (a running one would carry on
 * from positions Redis may have forgotten). Brokers fail one at a time by
 * crashes (the page cache survives), so Kafka itself keeps every
 * acknowledged record.
 */
import fc from 'fast-check';
import { ConsumerApplication, type CommitMode, type ProcessingMode } from '../../src/app/ConsumerApplication';
import { RedisSink, type DeliverySink } from '../../src/app/DeliverySink';
import { countDelivery, type DeliveryReport } from '../../src/app/StreamJob';
import { KafkaCluster } from '../../src/broker/KafkaCluster';
import type { KafkaProducer } from '../../src/broker/producer/KafkaProducer';
import { RedisHost } from '../../src/redis/persistence/RedisHost';
import { Simulation } from '../../src/sim/Simulation';

export const TOPIC = 'events';
export const GROUP = 'workers';
const PARTITIONS = 4;
const BROKERS = [1, 2, 3] as const;
const MAX_APPS = 4;

export type GroupMode = 'at-least-once' | 'external' | 'auto-hand-off';

export interface GroupSetup {
  readonly seed: string;
  readonly mode: GroupMode;
  readonly appendfsync: 'always' | 'everysec' | 'no';
  /** partition.assignment.strategy of every member (the consumer default when absent). */
  readonly assignor?: string;
}

export interface GroupModel {
  /** Per application slot: running or not (undefined: not created). */
  readonly running: boolean[];
  brokerDown: number | null;
  redisUp: boolean;
}

export interface GroupReal {
  readonly setup: GroupSetup;
  readonly sim: Simulation;
  readonly cluster: KafkaCluster;
  readonly producer: KafkaProducer;
  readonly redis: RedisHost;
  readonly sink: DeliverySink;
  readonly apps: ConsumerApplication[];
  produced: number;
}

function modes(mode: GroupMode): { commit: CommitMode; processing: ProcessingMode } {
  switch (mode) {
    case 'at-least-once':
      return { commit: 'sync', processing: 'in-loop' };
    case 'external':
      return { commit: 'external', processing: 'in-loop' };
    case 'auto-hand-off':
      return { commit: 'auto', processing: 'hand-off' };
  }
}

export function newGroup(setup: GroupSetup, apps = 2): { model: GroupModel; real: GroupReal } {
  const sim = new Simulation({ seed: setup.seed, recordTrace: false });
  const cluster = new KafkaCluster({ sim, brokerIds: [...BROKERS] });
  cluster.createTopic(TOPIC, { partitions: PARTITIONS, replicationFactor: 3, config: { 'min.insync.replicas': 2 } });
  const producer = cluster.createProducer({ acks: 'all', 'linger.ms': 0 });
  const redis = new RedisHost({ sim, name: 'redis', config: { appendonly: 'yes', appendfsync: setup.appendfsync } as never, disk: { tornWriteProbability: 0.5 } });
  if (!redis.start().ok) throw new Error('redis did not start');
  const real: GroupReal = { setup, sim, cluster, producer, redis, sink: new RedisSink(redis, 'results'), apps: [], produced: 0 };
  const model: GroupModel = { running: [], brokerDown: null, redisUp: true };
  for (let i = 0; i < apps; i++) addApp(model, real);
  // Work in the log and a formed group before the first fault.
  for (let i = 0; i < 40; i++) producer.send({ topic: TOPIC, value: `r${real.produced++}` });
  sim.advance(4_000);
  return { model, real };
}

function addApp(model: GroupModel, real: GroupReal): void {
  const i = real.apps.length;
  const { commit, processing } = modes(real.setup.mode);
  real.apps.push(
    new ConsumerApplication({
      name: `w${i + 1}`,
      cluster: real.cluster,
      consumerConfig: {
        'group.id': GROUP,
        'client.id': `w${i + 1}`,
        'auto.offset.reset': 'earliest',
        'session.timeout.ms': 10_000,
        'max.poll.interval.ms': 10_000,
        'max.poll.records': 20,
        'auto.commit.interval.ms': 1_000,
        ...(real.setup.assignor === undefined ? {} : { 'partition.assignment.strategy': real.setup.assignor }),
      },
      topics: [TOPIC],
      commit,
      processing,
      processingMsPerRecord: 20,
      pollTimeoutMs: 500,
      sink: real.sink,
    }),
  );
  model.running[i] = true;
}

/** Redis is back: applications keeping offsets in it start again from what it holds. */
function redisRestarted(real: GroupReal): void {
  const started = real.redis.restart();
  if (!started.ok) throw new Error(`redis did not restart: ${started.log.slice(-3).join(' | ')}`);
  if (real.setup.mode === 'external') for (const app of real.apps) if (app.state === 'running') app.restart();
}

export abstract class GroupCommand implements fc.Command<GroupModel, GroupReal> {
  abstract check(m: Readonly<GroupModel>): boolean;
  abstract run(m: GroupModel, r: GroupReal): void;
  abstract toString(): string;
}

export class Produce extends GroupCommand {
  constructor(readonly count: number) {
    super();
  }
  check(): boolean {
    return true;
  }
  run(_m: GroupModel, r: GroupReal): void {
    for (let i = 0; i < this.count; i++) r.producer.send({ topic: TOPIC, value: `r${r.produced++}` });
  }
  toString(): string {
    return `produce ${this.count}`;
  }
}

export class Wait extends GroupCommand {
  constructor(readonly ms: number) {
    super();
  }
  check(): boolean {
    return true;
  }
  run(_m: GroupModel, r: GroupReal): void {
    r.sim.advance(this.ms);
    r.redis.takeBlockedMs();
  }
  toString(): string {
    return `wait ${this.ms}ms`;
  }
}

export class CrashApp extends GroupCommand {
  constructor(readonly slot: number) {
    super();
  }
  check(m: Readonly<GroupModel>): boolean {
    return m.running[this.slot] === true;
  }
  run(m: GroupModel, r: GroupReal): void {
    r.apps[this.slot]!.crash();
    m.running[this.slot] = false;
  }
  toString(): string {
    return `kill w${this.slot + 1}`;
  }
}

export class RestartApp extends GroupCommand {
  constructor(readonly slot: number) {
    super();
  }
  check(m: Readonly<GroupModel>): boolean {
    return m.running[this.slot] === false;
  }
  run(m: GroupModel, r: GroupReal): void {
    r.apps[this.slot]!.restart();
    m.running[this.slot] = true;
  }
  toString(): string {
    return `restart w${this.slot + 1}`;
  }
}

export class CloseApp extends GroupCommand {
  constructor(readonly slot: number) {
    super();
  }
  check(m: Readonly<GroupModel>): boolean {
    return m.running[this.slot] === true;
  }
  run(m: GroupModel, r: GroupReal): void {
    r.apps[this.slot]!.close();
    m.running[this.slot] = false;
  }
  toString(): string {
    return `close w${this.slot + 1} (leaves the group)`;
  }
}

export class StallApp extends GroupCommand {
  constructor(readonly slot: number, readonly ms: number) {
    super();
  }
  check(m: Readonly<GroupModel>): boolean {
    return m.running[this.slot] === true;
  }
  run(_m: GroupModel, r: GroupReal): void {
    r.apps[this.slot]!.stall(this.ms);
  }
  toString(): string {
    return `stall w${this.slot + 1} for ${this.ms}ms`;
  }
}

export class AddApp extends GroupCommand {
  check(m: Readonly<GroupModel>): boolean {
    return m.running.length < MAX_APPS;
  }
  run(m: GroupModel, r: GroupReal): void {
    addApp(m, r);
  }
  toString(): string {
    return 'start another member';
  }
}

export class CrashBroker extends GroupCommand {
  /** null: the broker coordinating the group, whichever it is then. */
  constructor(readonly broker: number | null) {
    super();
  }
  check(m: Readonly<GroupModel>): boolean {
    return m.brokerDown === null;
  }
  run(m: GroupModel, r: GroupReal): void {
    const id = this.broker ?? r.cluster.groupCoordinatorFor(GROUP)?.brokerId ?? 1;
    r.cluster.crash(id);
    m.brokerDown = id;
  }
  toString(): string {
    return this.broker === null ? 'crash the group coordinator broker' : `crash broker ${this.broker}`;
  }
}

export class RestartBroker extends GroupCommand {
  check(m: Readonly<GroupModel>): boolean {
    return m.brokerDown !== null;
  }
  run(m: GroupModel, r: GroupReal): void {
    r.cluster.start(m.brokerDown!);
    m.brokerDown = null;
  }
  toString(): string {
    return 'restart the crashed broker';
  }
}

export class RedisDown extends GroupCommand {
  constructor(readonly kind: 'crash' | 'power-loss') {
    super();
  }
  check(m: Readonly<GroupModel>): boolean {
    return m.redisUp;
  }
  run(m: GroupModel, r: GroupReal): void {
    if (this.kind === 'crash') r.redis.crash();
    else r.redis.powerLoss();
    m.redisUp = false;
  }
  toString(): string {
    return this.kind === 'crash' ? 'kill redis' : 'redis power loss';
  }
}

export class RedisUp extends GroupCommand {
  check(m: Readonly<GroupModel>): boolean {
    return !m.redisUp;
  }
  run(m: GroupModel, r: GroupReal): void {
    redisRestarted(r);
    m.redisUp = true;
  }
  toString(): string {
    return 'restart redis';
  }
}

export function groupCommands(options: { redisPowerLoss: boolean; stalls: boolean }): fc.Arbitrary<fc.Command<GroupModel, GroupReal>>[] {
  const slot = fc.integer({ min: 0, max: MAX_APPS - 1 });
  const stalls = options.stalls ? [fc.tuple(slot, fc.integer({ min: 1_000, max: 15_000 })).map(([i, ms]) => new StallApp(i, ms))] : [];
  return [
    ...stalls,
    fc.integer({ min: 1, max: 30 }).map((n) => new Produce(n)),
    fc.integer({ min: 100, max: 8_000 }).map((ms) => new Wait(ms)),
    slot.map((i) => new CrashApp(i)),
    slot.map((i) => new RestartApp(i)),
    slot.map((i) => new CloseApp(i)),
    fc.constant(new AddApp()),
    fc.option(fc.constantFrom(...BROKERS), { nil: null }).map((b) => new CrashBroker(b)),
    fc.constant(new RestartBroker()),
    fc.constantFrom<'crash' | 'power-loss'>(...(options.redisPowerLoss ? (['crash', 'power-loss'] as const) : (['crash'] as const))).map((k) => new RedisDown(k)),
    fc.constant(new RedisUp()),
  ];
}

/** Everything heals; the group reads to the end. False when it did not get there within `maxMs`. */
export function settle(real: GroupReal, model: GroupModel, maxMs = 600_000): boolean {
  const { sim, cluster } = real;
  if (model.brokerDown !== null) cluster.start(model.brokerDown);
  if (!model.redisUp) redisRestarted(real);
  if (!model.running.some((r) => r)) real.apps[0]!.restart();
  const deadline = sim.nowMs + maxMs;
  // Every broker back in the cluster, nothing left to send, and the group at the end of every partition,
  // twice a second apart (a new leader's high watermark can lag for a moment).
  const caughtUp = (): boolean =>
    cluster.controller.unfencedBrokerIds().length === BROKERS.length && real.producer.pending === 0 && positionsAtEnd(real);
  let streak = 0;
  while (sim.nowMs < deadline && streak < 2) {
    sim.advance(1_000);
    real.redis.takeBlockedMs();
    // A member stopped by an exception (none is expected) would be restarted by its operator.
    for (const app of real.apps) if (app.state === 'failed') app.restart();
    streak = caughtUp() ? streak + 1 : 0;
  }
  sim.advance(5_000);
  return caughtUp();
}

/** Every partition's committed offset (in Kafka, or in Redis for the external store) is at its high watermark. */
function positionsAtEnd(real: GroupReal): boolean {
  const stored = real.setup.mode === 'external' ? real.sink.loadOffsets(GROUP, TOPIC) : null;
  if (typeof stored === 'string') return false;
  const coordinator = real.cluster.groupCoordinatorFor(GROUP);
  for (let p = 0; p < PARTITIONS; p++) {
    const leader = real.cluster.leaderPartition({ topic: TOPIC, partition: p });
    if ('error' in leader) return false;
    const hw = leader.log.highWatermark;
    const committed = stored !== null ? stored.get(p) : coordinator?.groups.coordinator.fetchOffsets(GROUP).get(`${TOPIC}-${p}`)?.offset;
    if ((committed ?? 0) !== hw) return false;
  }
  return true;
}

/** Results against every record below the high watermark of the final logs. */
export function measure(real: GroupReal): DeliveryReport {
  const expected: string[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const log = real.cluster.partition({ topic: TOPIC, partition: p })!.leaderLog();
    const records = log.readRecords(log.logStartOffset, log.highWatermark);
    if ('error' in records) throw new Error(records.message);
    for (const r of records) expected.push(r.value!);
  }
  const counts = real.sink.counts();
  if (typeof counts === 'string') throw new Error(counts);
  return countDelivery(counts, expected);
}
