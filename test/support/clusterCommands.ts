/**
 * fast-check model-based commands for a replicated cluster: faults (crash,
 * power loss, start, controlled shutdown, network partition, heal, delay)
 * and a workload (sends, waits), each a `ClusterStep` from faultRunner.ts
 * with a readable `toString`, so a shrunk counterexample reads like a
 * script. The model tracks just enough to keep preconditions honest: which
 * brokers are down or cut off, and since when each one has been healthy.
 *
 * The durable fault model ("no simultaneous power loss of a majority", made
 * precise): a power loss hits a broker only while every other broker has
 * been running and connected for a minute, and for a minute after it no
 * other broker is crashed, stopped, cut off or powered off. Without the
 * second half Kafka 3.x/4.x (ELR off) does lose acknowledged writes, and the
 * search finds it in seconds: the powered-off broker stays in the ISR until
 * its session expires, the others leave it (controlled shutdown, fencing),
 * and it comes back empty as the last in-sync replica and is elected
 * cleanly (the "last replica standing" problem of KIP-966).
 */
import fc from 'fast-check';
import { applyStep, describeStep, runChecked, settle, converged, type ClusterStep, type Workload } from '../../src/broker/faultRunner';
import { KafkaCluster } from '../../src/broker/KafkaCluster';
import type { ReplicationOptions } from '../../src/broker/BrokerConfig';
import type { CheckerName, Violation } from '../../src/broker/ReplicationCheckers';
import type { TopicConfigOverrides } from '../../src/broker/LogConfig';
import { Simulation } from '../../src/sim/Simulation';

export const BROKERS = [1, 2, 3] as const;

/** A broker is healthy for power-loss purposes this long after it is back and connected. */
export const HEALTHY_FOR_MS = 60_000;

export interface ClusterModel {
  nowMs: number;
  readonly down: Set<number>;
  readonly partitioned: Set<number>;
  /** When each broker last became running and connected (Infinity while it is not). */
  readonly healthySince: Map<number, number>;
  /** The last power loss (guarded schedules keep every other broker alone for a minute after it). */
  lastPowerLoss: { readonly broker: number; readonly atMs: number } | null;
}

export interface ClusterReal {
  readonly workload: Workload;
  violation: Violation | null;
}

export interface ClusterSetup {
  readonly seed: string;
  readonly acks: 'all' | '1';
  readonly minInsyncReplicas: number;
  readonly uncleanLeaderElection: boolean;
  readonly replication: ReplicationOptions;
  readonly checkers: readonly CheckerName[];
  readonly idempotence: boolean;
}

export const DURABLE: Omit<ClusterSetup, 'seed'> = {
  acks: 'all',
  minInsyncReplicas: 2,
  uncleanLeaderElection: false,
  replication: { followerTruncation: 'leader-epoch' },
  checkers: ['no-acked-write-lost', 'committed-prefix-identical', 'hw-monotonic-on-leader', 'offsets-strictly-increasing', 'consumers-below-hw', 'no-duplicates'],
  idempotence: true,
};

export function newCluster(setup: ClusterSetup): ClusterReal {
  const sim = new Simulation({ seed: setup.seed, recordTrace: false });
  const cluster = new KafkaCluster({ sim, brokerIds: [...BROKERS], replication: setup.replication, checkers: setup.checkers });
  const config: TopicConfigOverrides = { 'min.insync.replicas': setup.minInsyncReplicas, 'unclean.leader.election.enable': setup.uncleanLeaderElection };
  cluster.createTopic('t', { replicationFactor: 3, config });
  const producer = cluster.createProducer(setup.idempotence ? { acks: setup.acks } : { acks: setup.acks, 'enable.idempotence': false });
  return { workload: { cluster, producer, topic: 't', sent: 0 }, violation: null };
}

/** At the start every broker has been up and in the ISR for as long as anyone remembers. */
export function newModel(): ClusterModel {
  return { nowMs: 0, down: new Set(), partitioned: new Set(), healthySince: new Map(BROKERS.map((b) => [b, -HEALTHY_FOR_MS])), lastPowerLoss: null };
}

/** How many commands of each kind actually ran (diagnostics for tuning the generators). */
export const commandStats = new Map<string, number>();

abstract class StepCommand implements fc.Command<ClusterModel, ClusterReal> {
  constructor(readonly step: ClusterStep) {}
  abstract check(model: Readonly<ClusterModel>): boolean;
  protected abstract update(model: ClusterModel): void;
  run(model: ClusterModel, real: ClusterReal): void {
    if (real.violation !== null) return;
    commandStats.set(this.step.kind, (commandStats.get(this.step.kind) ?? 0) + 1);
    applyStep(real.workload, this.step);
    this.update(model);
    if (this.step.kind === 'wait') real.violation = runChecked(real.workload.cluster, this.step.ms);
    else real.violation = real.workload.cluster.checkers.check();
  }
  toString(): string {
    return describeStep(this.step);
  }
}

/** Under the guarded fault model, no other broker may be impaired within a minute of a power loss. */
function quietAfterPowerLoss(m: Readonly<ClusterModel>, broker: number): boolean {
  const last = m.lastPowerLoss;
  return last === null || last.broker === broker || m.nowMs - last.atMs >= HEALTHY_FOR_MS;
}

class Crash extends StepCommand {
  constructor(step: ClusterStep, protected readonly guarded: boolean) {
    super(step);
  }
  check(m: Readonly<ClusterModel>): boolean {
    const b = (this.step as { broker: number }).broker;
    return !m.down.has(b) && (!this.guarded || quietAfterPowerLoss(m, b));
  }
  protected update(m: ClusterModel): void {
    const b = (this.step as { broker: number }).broker;
    m.down.add(b);
    m.healthySince.set(b, Infinity);
  }
}

class PowerLoss extends Crash {
  override check(m: Readonly<ClusterModel>): boolean {
    const b = (this.step as { broker: number }).broker;
    if (m.down.has(b)) return false;
    if (!this.guarded) return true;
    return quietAfterPowerLoss(m, b) && BROKERS.every((o) => o === b || m.nowMs - m.healthySince.get(o)! >= HEALTHY_FOR_MS);
  }
  protected override update(m: ClusterModel): void {
    super.update(m);
    m.lastPowerLoss = { broker: (this.step as { broker: number }).broker, atMs: m.nowMs };
  }
}

class Start extends StepCommand {
  check(m: Readonly<ClusterModel>): boolean {
    return m.down.has((this.step as { broker: number }).broker);
  }
  protected update(m: ClusterModel): void {
    const b = (this.step as { broker: number }).broker;
    m.down.delete(b);
    if (!m.partitioned.has(b)) m.healthySince.set(b, m.nowMs);
  }
}

class Isolate extends StepCommand {
  constructor(
    private readonly broker: number,
    oneWay: boolean,
    private readonly guarded: boolean,
  ) {
    super({ kind: 'network', fault: oneWay ? { kind: 'partition', between: `broker-${broker}`, oneWay: true } : { kind: 'partition', between: `broker-${broker}` } });
  }
  check(m: Readonly<ClusterModel>): boolean {
    return !m.partitioned.has(this.broker) && (!this.guarded || quietAfterPowerLoss(m, this.broker));
  }
  protected update(m: ClusterModel): void {
    m.partitioned.add(this.broker);
    m.healthySince.set(this.broker, Infinity);
  }
}

/** Cut the link between two brokers only (both ways): each still reaches the controller and clients. */
class CutLink extends StepCommand {
  constructor(
    private readonly a: number,
    private readonly b: number,
    private readonly guarded: boolean,
  ) {
    super({ kind: 'network', fault: { kind: 'partition', between: `broker-${a}`, and: `broker-${b}` } });
  }
  check(m: Readonly<ClusterModel>): boolean {
    return !this.guarded || (quietAfterPowerLoss(m, this.a) && quietAfterPowerLoss(m, this.b));
  }
  protected update(m: ClusterModel): void {
    for (const x of [this.a, this.b]) {
      m.partitioned.add(x);
      m.healthySince.set(x, Infinity);
    }
  }
}

class Heal extends StepCommand {
  constructor() {
    super({ kind: 'network', fault: { kind: 'heal' } });
  }
  check(m: Readonly<ClusterModel>): boolean {
    return m.partitioned.size > 0;
  }
  protected update(m: ClusterModel): void {
    for (const b of m.partitioned) if (!m.down.has(b)) m.healthySince.set(b, m.nowMs);
    m.partitioned.clear();
  }
}

class Plain extends StepCommand {
  check(): boolean {
    return true;
  }
  protected update(m: ClusterModel): void {
    if (this.step.kind === 'wait') m.nowMs += this.step.ms;
  }
}

export interface CommandOptions {
  /** Power losses: 'guarded' (the durable fault model), 'free', or 'none'. */
  readonly powerLoss: 'guarded' | 'free' | 'none';
  readonly waitMsMax?: number;
  readonly sendMax?: number;
}

type Arb = fc.Arbitrary<fc.Command<ClusterModel, ClusterReal>>;

/** The command arbitraries, for `fc.commands`; waits and sends weigh more, so schedules take time. */
export function clusterCommands(options: CommandOptions): Arb[] {
  const broker = fc.constantFrom(...BROKERS);
  const guarded = options.powerLoss === 'guarded';
  const send = fc.integer({ min: 1, max: options.sendMax ?? 40 }).map((count) => new Plain({ kind: 'send', count }));
  const wait = fc.integer({ min: 0, max: options.waitMsMax ?? 20_000 }).map((ms) => new Plain({ kind: 'wait', ms }));
  const arbs: Arb[] = [
    send,
    send,
    wait,
    wait,
    wait,
    broker.map((b) => new Crash({ kind: 'crash', broker: b }, guarded)),
    broker.map((b) => new Start({ kind: 'start', broker: b })),
    broker.map((b) => new Start({ kind: 'start', broker: b })),
    broker.map((b) => new Crash({ kind: 'shutdown', broker: b }, guarded)),
    fc.tuple(broker, fc.boolean()).map(([b, oneWay]) => new Isolate(b, oneWay, guarded)),
    fc.tuple(broker, broker).filter(([a, b]) => a < b).map(([a, b]) => new CutLink(a, b, guarded)),
    fc.constant(new Heal()),
    fc.tuple(broker, broker, fc.integer({ min: 0, max: 1000 })).filter(([a, b]) => a !== b).map(
      ([a, b, ms]) => new Plain({ kind: 'network', fault: { kind: 'delay', from: `broker-${a}`, to: `broker-${b}`, latencyMs: ms } }),
    ),
  ];
  if (options.powerLoss !== 'none') arbs.push(broker.map((b) => new PowerLoss({ kind: 'power-loss', broker: b }, guarded)));
  return arbs;
}

/** Run a command list, then the liveness phase; returns the first violation and whether the cluster converged. */
export function runCommands(setup: ClusterSetup, commands: Iterable<fc.Command<ClusterModel, ClusterReal>>): { violation: Violation | null; converged: boolean; real: ClusterReal } {
  let real!: ClusterReal;
  fc.modelRun(
    () => {
      real = newCluster(setup);
      return { model: newModel(), real };
    },
    commands,
  );
  if (real.violation === null) real.violation = settle(real.workload);
  return { violation: real.violation, converged: converged(real.workload), real };
}

/** A fixed script (a regression test): every step runs, in order, with no preconditions. */
export function scriptCommands(steps: readonly ClusterStep[]): fc.Command<ClusterModel, ClusterReal>[] {
  return steps.map((step) => new Plain(step));
}
