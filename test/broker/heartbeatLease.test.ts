/**
 * Heartbeat leases (src/broker/HeartbeatLease.ts): an idle cluster sends no
 * heartbeats, and what the controller and the brokers do after a fault is
 * what real heartbeats would have made them do. The reference is the same
 * run with `fastForward: { leases: false }`, where every heartbeat is a real
 * exchange of messages; on a network without jitter the two must agree to
 * the millisecond.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KafkaCluster } from '../../src/broker/KafkaCluster';
import { applyFault, type ClusterStep } from '../../src/broker/faultRunner';
import { Simulation } from '../../src/sim/Simulation';
import type { TraceRecord } from '../../src/sim/Trace';

interface Run {
  readonly sim: Simulation;
  readonly cluster: KafkaCluster;
}

function idleCluster(options: { leases: boolean; jitterMs?: number; replicationFactor?: number; seed?: string }): Run {
  const sim = new Simulation({ seed: options.seed ?? 'lease', fastForward: { leases: options.leases } });
  const cluster = new KafkaCluster({ sim, brokerIds: [1, 2, 3], network: { latencyMs: 1, jitterMs: options.jitterMs ?? 1 } });
  cluster.createTopic('t', { partitions: 3, replicationFactor: options.replicationFactor ?? 3 });
  return { sim, cluster };
}

/** What the control plane decided, in order: fencing, registrations, leaders and ISRs. */
function decisions(sim: Simulation): string[] {
  const kept = /^(controller\.|broker\.(registered|state|shutdown-timeout)|partition\.(leader|follower)|isr\.)/;
  return sim.trace.records.filter((r) => kept.test(r.type)).map(describeRecord);
}

function describeRecord(r: TraceRecord): string {
  const { t, type, ...rest } = r;
  return `${t} ${type} ${JSON.stringify(rest)}`;
}

function fenceTimes(sim: Simulation, broker: number): number[] {
  return sim.trace.records.filter((r) => r.type === 'controller.fence' && r['broker'] === broker).map((r) => r.t);
}

function apply(run: Run, step: ClusterStep): void {
  if (step.kind === 'send' || step.kind === 'wait') throw new Error(`not a fault: ${step.kind}`);
  applyFault(run.cluster, step);
}

/** Faults that touch a broker's conversation with the controller, then what undoes them. */
const faultArb = fc.integer({ min: 1, max: 3 }).chain((broker) =>
  fc.tuple(
    fc.constantFrom<[ClusterStep, ClusterStep]>(
      [{ kind: 'network', fault: { kind: 'partition', between: `broker-${broker}` } }, { kind: 'network', fault: { kind: 'heal' } }],
      [{ kind: 'network', fault: { kind: 'partition', between: `broker-${broker}`, and: 'controller' } }, { kind: 'network', fault: { kind: 'heal' } }],
      [{ kind: 'network', fault: { kind: 'partition', between: `broker-${broker}`, and: 'controller', oneWay: true } }, { kind: 'network', fault: { kind: 'heal' } }],
      [{ kind: 'network', fault: { kind: 'partition', between: 'controller', and: `broker-${broker}`, oneWay: true } }, { kind: 'network', fault: { kind: 'heal' } }],
      [{ kind: 'network', fault: { kind: 'delay', from: `broker-${broker}`, to: 'controller', latencyMs: 3_000 } }, { kind: 'network', fault: { kind: 'heal' } }],
      [{ kind: 'crash', broker }, { kind: 'start', broker }],
      [{ kind: 'power-loss', broker }, { kind: 'start', broker }],
      [{ kind: 'shutdown', broker }, { kind: 'start', broker }],
    ),
    fc.constant(broker),
  ),
);

describe('heartbeat leases', () => {
  it('an idle cluster heartbeats for real only until every broker holds a lease', () => {
    const fast = idleCluster({ leases: true });
    const real = idleCluster({ leases: false });
    fast.sim.advance(3_600_000);
    real.sim.advance(3_600_000);
    expect(fast.cluster.network.activeLeases.map((l) => l.broker).sort()).toEqual(['broker-1', 'broker-2', 'broker-3']);
    expect(real.cluster.network.activeLeases).toEqual([]);
    // Each broker's first heartbeat, two seconds after start, takes the lease; real ones go every 2 s.
    const heartbeatLinks = (run: Run) => [1, 2, 3].map((id) => run.cluster.network.network.inFlight(`broker-${id}`, 'controller'));
    expect(heartbeatLinks(fast)).toEqual([0, 0, 0]);
    const sentFast = fast.cluster.network.network.stats().sent;
    const sentReal = real.cluster.network.network.stats().sent;
    expect(sentReal - sentFast).toBeGreaterThan(2 * 3 * 1_700);
    expect(decisions(fast.sim)).toEqual(decisions(real.sim));
  });

  it('an idle week sends a dozen messages, not 1.8 million heartbeats and answers (3 brokers, 30 partitions)', () => {
    const sim = new Simulation({ seed: 'idle-week', recordTrace: false });
    const cluster = new KafkaCluster({ sim, brokerIds: [1, 2, 3] });
    cluster.createTopic('idle', { partitions: 30, config: { 'retention.ms': 86_400_000 } });
    sim.advance(7 * 86_400_000);
    // Two metadata pushes (the registrations, the topic) and one heartbeat with its answer per broker,
    // two seconds after the start: they hold leases since.
    expect(cluster.network.network.stats().sent).toBe(3 * 2 + 3 * 2);
    expect(cluster.network.activeLeases).toHaveLength(3);
  });

  it('a scenario reading the last-heard time during a lease sees what real heartbeats would have left (no jitter)', () => {
    const fast = idleCluster({ leases: true, jitterMs: 0 });
    const real = idleCluster({ leases: false, jitterMs: 0 });
    for (const ms of [1_999, 2_003, 2_004, 60_000, 61_234, 3_600_001]) {
      fast.sim.advance(ms - fast.sim.elapsedMs);
      real.sim.advance(ms - real.sim.elapsedMs);
      for (const id of [1, 2, 3]) {
        expect(fast.cluster.controller.brokers.get(id)!.lastHeartbeatMs).toBe(real.cluster.controller.brokers.get(id)!.lastHeartbeatMs);
      }
    }
  });

  it('faults elsewhere leave a lease alone; a fault on its links, a stop or a controlled shutdown revokes it', () => {
    const { sim, cluster } = idleCluster({ leases: true });
    sim.advance(10_000);
    const holders = () => cluster.network.activeLeases.map((l) => l.brokerId).sort((a, b) => a - b);
    expect(holders()).toEqual([1, 2, 3]);
    cluster.applyNetworkFault({ kind: 'partition', between: 'broker-1', and: 'broker-2' });
    cluster.applyNetworkFault({ kind: 'delay', from: 'broker-3', to: 'broker-1', latencyMs: 50 });
    expect(holders()).toEqual([1, 2, 3]);
    cluster.applyNetworkFault({ kind: 'drop', from: 'controller', to: 'broker-2', probability: 0.5 });
    expect(holders()).toEqual([1, 3]);
    cluster.crash(3);
    expect(holders()).toEqual([1]);
    cluster.shutdown(1);
    expect(holders()).toEqual([]);
    cluster.applyNetworkFault({ kind: 'heal' });
    cluster.start(3);
    sim.advance(60_000);
    // Broker 1 stopped cleanly; 2 and 3 are back on leases once their heartbeats change nothing.
    expect(holders()).toEqual([2, 3]);
  });

  it('without jitter, the session of a broker cut off, stopped or shut down at any moment lapses at the same millisecond as with real heartbeats', () => {
    fc.assert(
      fc.property(faultArb, fc.integer({ min: 0, max: 60_000 }), ([[fault], broker], atMs) => {
        const runs = [idleCluster({ leases: true, jitterMs: 0 }), idleCluster({ leases: false, jitterMs: 0 })].map((run) => {
          run.sim.advance(atMs);
          apply(run, fault);
          run.sim.advance(15_000);
          return fenceTimes(run.sim, broker);
        });
        expect(runs[0]).toEqual(runs[1]);
      }),
      { seed: 20_250_302, numRuns: 300 },
    );
  });

  it('without jitter, a fault in the milliseconds a heartbeat is on the wire: a stopped broker is still heard, a cut one is not', () => {
    const probe = idleCluster({ leases: true, jitterMs: 0 });
    probe.sim.advance(3_000);
    const lease = probe.cluster.network.activeLeases.find((l) => l.brokerId === 2)!;
    const faults: ClusterStep[] = [{ kind: 'crash', broker: 2 }, { kind: 'power-loss', broker: 2 }, { kind: 'network', fault: { kind: 'partition', between: 'broker-2' } }];
    for (const fault of faults) {
      for (let k = 0; k < 3; k++) {
        const heardMs = lease.firstHeardMs + k * lease.cycleMs - probe.sim.startMs;
        for (const atMs of [heardMs - 2, heardMs - 1, heardMs, heardMs + 1]) {
          const [fast, real] = [idleCluster({ leases: true, jitterMs: 0 }), idleCluster({ leases: false, jitterMs: 0 })].map((run) => {
            run.sim.advance(atMs);
            apply(run, fault);
            run.sim.advance(15_000);
            return fenceTimes(run.sim, 2);
          });
          expect(fast, `${fault.kind} at ${atMs}`).toEqual(real);
        }
      }
    }
  });

  it('without jitter, every decision of the control plane is the same as with real heartbeats, through a fault and its repair', () => {
    let compared = 0;
    fc.assert(
      fc.property(faultArb, fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 20_000 }), ([[fault, repair], broker], atMs, repairAfterMs) => {
        const fast = idleCluster({ leases: true, jitterMs: 0 });
        const real = idleCluster({ leases: false, jitterMs: 0 });
        fast.sim.advance(atMs);
        real.sim.advance(atMs);
        // The model's one blind spot: an exchange in flight when the fault lands (2 ms of every cycle).
        const net = real.cluster.network.network;
        fc.pre(net.inFlight(`broker-${broker}`, 'controller') === 0 && net.inFlight('controller', `broker-${broker}`) === 0);
        for (const run of [fast, real]) {
          apply(run, fault);
          run.sim.advance(repairAfterMs);
          apply(run, repair);
          run.sim.advance(60_000);
        }
        compared++;
        expect(decisions(fast.sim)).toEqual(decisions(real.sim));
      }),
      { seed: 20_250_303, numRuns: 200 },
    );
    expect(compared).toBeGreaterThan(150);
  });

  it('with jitter, the session lapses within milliseconds of when it would with real heartbeats', () => {
    const gaps: number[] = [];
    fc.assert(
      fc.property(faultArb, fc.integer({ min: 0, max: 60_000 }), ([[fault], broker], atMs) => {
        const [fast, real] = [idleCluster({ leases: true }), idleCluster({ leases: false })].map((run) => {
          run.sim.advance(atMs);
          apply(run, fault);
          run.sim.advance(15_000);
          return fenceTimes(run.sim, broker);
        });
        expect(fast!.length).toBe(real!.length);
        if (fast!.length > 0) gaps.push(Math.abs(fast![0]! - real![0]!));
      }),
      { seed: 20_250_304, numRuns: 200 },
    );
    // Real heartbeats drift by their random delays (about a millisecond per cycle); rarely the fault
    // falls between a real heartbeat and its virtual twin, and the two differ by a whole cycle.
    const near = gaps.filter((g) => g <= 50).length;
    expect(gaps.every((g) => g <= 50 || Math.abs(g - 2_002) <= 50)).toBe(true);
    expect(near / gaps.length).toBeGreaterThan(0.9);
  });
});
