/**
 * Fault schedules as plain values, and a runner that applies them to a
 * cluster with the invariant checkers after every simulation event: the
 * safety phase of a randomized test. `settle` is its liveness phase: heal
 * the network, start every broker, and run until the cluster has converged
 * (every partition led, its ISR full, the producer idle) or a bound passes.
 *
 * Property tests generate `ClusterStep`s with fast-check; the bench draws
 * them from a seeded Rng. A step reads as a short sentence (`describeStep`),
 * so a failing schedule reads like a script.
 */
import { describeFault, type NetworkFault } from '../sim/Network';
import type { KafkaCluster } from './KafkaCluster';
import type { KafkaProducer } from './producer/KafkaProducer';
import type { Violation } from './ReplicationCheckers';

export type ClusterStep =
  | { readonly kind: 'crash'; readonly broker: number }
  | { readonly kind: 'power-loss'; readonly broker: number }
  | { readonly kind: 'start'; readonly broker: number }
  | { readonly kind: 'shutdown'; readonly broker: number }
  | { readonly kind: 'network'; readonly fault: NetworkFault }
  | { readonly kind: 'send'; readonly count: number }
  | { readonly kind: 'wait'; readonly ms: number };

export function describeStep(step: ClusterStep): string {
  switch (step.kind) {
    case 'crash':
      return `crash broker ${step.broker}`;
    case 'power-loss':
      return `power loss on broker ${step.broker}`;
    case 'start':
      return `start broker ${step.broker}`;
    case 'shutdown':
      return `controlled shutdown of broker ${step.broker}`;
    case 'network':
      return describeFault(step.fault);
    case 'send':
      return `send ${step.count} record(s)`;
    case 'wait':
      return `wait ${step.ms}ms`;
  }
}

export interface Workload {
  readonly cluster: KafkaCluster;
  readonly producer: KafkaProducer;
  readonly topic: string;
  /** Values sent so far; each record's value is `v<n>`, unique. */
  sent: number;
}

/** The steps that are faults (or their repair), which need only the cluster. */
export type FaultStep = Exclude<ClusterStep, { kind: 'send' } | { kind: 'wait' }>;

/** Apply one step. Faults that do not apply (crashing a stopped broker) do nothing. */
export function applyStep(workload: Workload, step: ClusterStep): void {
  switch (step.kind) {
    case 'send':
      for (let i = 0; i < step.count; i++) workload.producer.send({ topic: workload.topic, value: `v${workload.sent++}` });
      return;
    case 'wait':
      return;
    default:
      applyFault(workload.cluster, step);
  }
}

/** Apply a fault or its repair. */
export function applyFault(cluster: KafkaCluster, step: FaultStep): void {
  switch (step.kind) {
    case 'crash':
      cluster.crash(step.broker);
      return;
    case 'power-loss':
      cluster.powerLoss(step.broker);
      return;
    case 'start':
      cluster.start(step.broker);
      return;
    case 'shutdown':
      cluster.shutdown(step.broker);
      return;
    case 'network':
      cluster.applyNetworkFault(step.fault);
      return;
  }
}

/**
 * Run the simulation for `ms`, checking the invariants after every event.
 * Returns the first violation, or null. Stops at the violation.
 */
export function runChecked(cluster: KafkaCluster, ms: number): Violation | null {
  const sim = cluster.sim;
  let done = false;
  let violation: Violation | null = null;
  const stop = sim.schedule(ms, 'checked run ends', () => {
    done = true;
  });
  sim.runWhile(() => {
    violation = cluster.checkers.check();
    return !done && violation === null;
  });
  sim.cancel(stop);
  return violation ?? cluster.checkers.check();
}

/** Whether every partition has a leader with a full ISR, and the producer has nothing pending. */
export function converged(workload: Workload): boolean {
  const cluster = workload.cluster;
  if (workload.producer.pending > 0) return false;
  for (const name of cluster.topicNames()) {
    for (const view of cluster.topic(name)!.partitions) {
      if (!view.hasLeader || view.isr.length !== view.replicas.length) return false;
      const leader = cluster.leaderPartition(view.topicPartition);
      if ('error' in leader || leader.log.highWatermark !== leader.log.logEndOffset) return false;
    }
  }
  return true;
}

/**
 * The liveness phase: heal every link, start every broker that is down, and
 * run (checked) until the cluster converges or `maxMs` passes. Returns the
 * first violation, or null; `converged(workload)` says whether it got there.
 */
export function settle(workload: Workload, options: { maxMs?: number; stepMs?: number } = {}): Violation | null {
  const cluster = workload.cluster;
  cluster.applyNetworkFault({ kind: 'heal' });
  const maxMs = options.maxMs ?? 180_000;
  const stepMs = options.stepMs ?? 1_000;
  for (let waited = 0; waited < maxMs; waited += stepMs) {
    for (const id of cluster.brokerIds) {
      const state = cluster.broker(id).state;
      if (state === 'crashed' || state === 'powered-off' || state === 'stopped') cluster.start(id);
    }
    const violation = runChecked(cluster, stepMs);
    if (violation !== null) return violation;
    if (converged(workload)) return null;
  }
  return null;
}
