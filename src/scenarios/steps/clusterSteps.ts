/**
 * Scenario steps that break and mend a replicated Kafka cluster: a broker's
 * process crash, a power loss, a start, a controlled shutdown, a forced
 * flush, network faults (the simulator's own fault values), plus waiting
 * for a condition, looking into one replica's log, and running the
 * invariant checkers.
 *
 *   - broker-crash: { broker: 2 }          the process dies, the page cache stays
 *   - broker-power-loss: 2                 the host loses power: unsynced writes are gone
 *   - broker-restart: 2                    start a crashed, powered-off or stopped broker
 *   - broker-shutdown: 2                   controlled shutdown (leadership moves first)
 *   - broker-flush: { broker: 2 }          fsync every log now (what flush.messages would do)
 *   - network: { kind: partition, between: broker-1, and: [broker-2, broker-3] }
 *   - wait-until: { that: leader events-0, equals: 2, within: 30s }
 *   - inspect-log: { topic: events, broker: 2 }
 *   - check: { as: result }
 */
import { parseNetworkFault, type NetworkFault } from '../../sim/Network';
import type { TraceValue } from '../../sim/Trace';
import { CHECKER_NAMES, type CheckerName } from '../../broker/ReplicationCheckers';
import { formatDuration } from '../duration';
import '../kafkaReplicationNarration';
import '../kafkaReplicationProbes';
import { parseProbe, readProbe, type ProbeRef } from '../probes';
import { comparisonProblems, describeComparison, satisfies } from '../comparison';
import { defineStep } from '../Step';
import type { World } from '../World';
import { StepFailure } from './kafkaSteps';

const BROKER_FIELD = { type: 'integer', required: true, min: 1, description: 'broker id' } as const;
const AS_FIELD = { type: 'string', description: 'save the result under this name for expectations' } as const;

function requireBroker(world: World, id: number) {
  const broker = world.kafka.brokers.get(id);
  if (broker === undefined) throw new StepFailure(`there is no broker ${id} (brokers: ${world.kafka.brokerIds.join(', ')})`);
  return broker;
}

// ---- brokers ------------------------------------------------------------------------

export const brokerCrashStep = defineStep<{ broker: number }>({
  kind: 'broker-crash',
  summary: "kill a broker's process (kill -9): its page cache, and so every write it made, survives",
  shorthand: 'broker',
  fields: { broker: BROKER_FIELD },
  describe: (a) => `Crash broker ${a.broker} (kill -9)`,
  run: (world, a) => {
    if (!requireBroker(world, a.broker).crash()) throw new StepFailure(`broker ${a.broker} is ${world.kafka.broker(a.broker).state}: there is no process to kill`);
  },
});

export const brokerPowerLossStep = defineStep<{ broker: number }>({
  kind: 'broker-power-loss',
  summary: "cut a broker host's power: the process dies and every write not yet durable on its disk is lost",
  shorthand: 'broker',
  fields: { broker: BROKER_FIELD },
  describe: (a) => `Cut the power of broker ${a.broker}`,
  run: (world, a) => {
    if (!requireBroker(world, a.broker).powerLoss()) throw new StepFailure(`broker ${a.broker} has no power already`);
  },
});

export const brokerRestartStep = defineStep<{ broker: number }>({
  kind: 'broker-restart',
  summary: 'start a crashed, powered-off or stopped broker: log recovery, then registration with the controller',
  shorthand: 'broker',
  fields: { broker: BROKER_FIELD },
  describe: (a) => `Start broker ${a.broker} again`,
  run: (world, a) => {
    if (!requireBroker(world, a.broker).start()) throw new StepFailure(`broker ${a.broker} is ${world.kafka.broker(a.broker).state}; only a stopped, crashed or powered-off broker can start`);
  },
});

export const brokerShutdownStep = defineStep<{ broker: number }>({
  kind: 'broker-shutdown',
  summary: 'controlled shutdown: the controller moves leadership away, then the broker flushes its logs and stops cleanly',
  shorthand: 'broker',
  fields: { broker: BROKER_FIELD },
  describe: (a) => `Shut broker ${a.broker} down (controlled shutdown)`,
  run: (world, a) => {
    if (!requireBroker(world, a.broker).shutdown()) throw new StepFailure(`broker ${a.broker} is ${world.kafka.broker(a.broker).state}, not running`);
  },
});

export const brokerFlushStep = defineStep<{ broker?: number; topic?: string }>({
  kind: 'broker-flush',
  summary: "fsync logs now, on one broker or all (what flush.messages / flush.ms would do), making their records durable",
  fields: {
    broker: { type: 'integer', min: 1, description: 'only this broker (default: every running broker)' },
    topic: { type: 'string', description: 'only this topic (default: every topic)' },
  },
  describe: (a) => `Flush ${a.topic === undefined ? 'every log' : `the logs of ${a.topic}`} on ${a.broker === undefined ? 'every running broker' : `broker ${a.broker}`}`,
  run: (world, a) => {
    const ids = a.broker === undefined ? world.kafka.brokerIds : [requireBroker(world, a.broker).id];
    for (const id of ids) {
      const broker = world.kafka.broker(id);
      if (broker.server === null) {
        if (a.broker !== undefined) throw new StepFailure(`broker ${id} is not running`);
        continue;
      }
      for (const log of broker.allLogs()) if (a.topic === undefined || log.topicPartition.topic === a.topic) log.flush();
    }
  },
});

// ---- the network ------------------------------------------------------------------------

export const networkStep = defineStep<Record<string, unknown>>({
  kind: 'network',
  summary: "a network fault between the cluster's endpoints (broker-N, controller, producer names): partition, heal, drop, delay",
  fields: {
    kind: { type: 'string', required: true, choices: ['partition', 'heal', 'drop', 'delay'], description: 'the fault' },
    between: { type: 'any', description: 'partition/heal: one side (an endpoint or a list)' },
    and: { type: 'any', description: 'partition/heal: the other side (default: everyone else)' },
    oneWay: { type: 'boolean', description: 'partition: cut only between → and' },
    from: { type: 'any', description: 'drop/delay: sending endpoints' },
    to: { type: 'any', description: 'drop/delay: receiving endpoints' },
    probability: { type: 'number', min: 0, max: 1, description: 'drop: chance each message is lost (0 restores)' },
    latencyMs: { type: 'number', min: 0, description: 'delay: one-way latency in ms' },
    jitterMs: { type: 'number', min: 0, description: 'delay: jitter in ms' },
  },
  check: (a) => {
    try {
      parseNetworkFault(a);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  },
  describe: (a) => describeNetworkStep(parseNetworkFault(a)),
  run: (world, a) => {
    const fault = parseNetworkFault(a);
    const known = new Set(world.kafka.network.endpointNames());
    for (const name of endpointsOf(fault)) {
      if (!known.has(name)) throw new StepFailure(`network: no endpoint '${name}' (endpoints: ${[...known].join(', ')})`);
    }
    // Without 'and', the other side is everyone else: someone must be left there.
    if ((fault.kind === 'partition' || fault.kind === 'heal') && fault.between !== undefined && fault.and === undefined) {
      const side = new Set(endpointsOf(fault));
      if ([...known].every((name) => side.has(name))) throw new StepFailure(`network: no one is left on the other side of ${[...side].join(', ')} (endpoints: ${[...known].join(', ')})`);
    }
    world.kafka.applyNetworkFault(fault);
  },
});

function endpointsOf(fault: NetworkFault): string[] {
  const out: string[] = [];
  const add = (e: unknown): void => {
    if (typeof e === 'string') out.push(e);
    else if (Array.isArray(e)) for (const x of e) out.push(String(x));
  };
  if (fault.kind === 'partition' || fault.kind === 'heal') {
    add(fault.between);
    add(fault.and);
  } else {
    add(fault.from);
    add(fault.to);
  }
  return out;
}

function describeNetworkStep(fault: NetworkFault): string {
  const g = (e: unknown): string => (Array.isArray(e) ? e.join(', ') : String(e));
  switch (fault.kind) {
    case 'partition':
      return `Cut the network between ${g(fault.between)} and ${fault.and === undefined ? 'everyone else' : g(fault.and)}${fault.oneWay ? ' (one way)' : ''}`;
    case 'heal':
      return fault.between === undefined ? 'Heal the network' : `Heal the network between ${g(fault.between)} and ${fault.and === undefined ? 'everyone else' : g(fault.and)}`;
    case 'drop':
      return `Lose messages from ${g(fault.from)} to ${g(fault.to)} with probability ${fault.probability}`;
    case 'delay':
      return `Delay messages from ${g(fault.from)} to ${g(fault.to)} by ${fault.latencyMs}ms`;
  }
}

// ---- waiting and looking ------------------------------------------------------------------

interface WaitUntilArgs {
  that: string;
  equals?: TraceValue;
  'at-least'?: number;
  'at-most'?: number;
  within: number;
  because?: string;
}

export const waitUntilStep = defineStep<WaitUntilArgs>({
  kind: 'wait-until',
  summary: "let time pass until a probe reaches a value ('leader events-0' equals 2), at most 'within'; not reaching it fails like an expectation",
  fields: {
    that: { type: 'string', required: true, description: 'a probe phrase, e.g. leader events-0' },
    equals: { type: 'scalar', description: 'wait until it equals this' },
    'at-least': { type: 'number', description: 'wait until it is at least this' },
    'at-most': { type: 'number', description: 'wait until it is at most this' },
    within: { type: 'duration', required: true, description: 'give up after this long' },
    because: { type: 'string', description: 'why it should happen, for the reader' },
  },
  check: (a) => {
    const problems: string[] = [];
    const ref = parseProbe(a.that);
    if ('error' in ref) problems.push(ref.error);
    else if (ref.kind !== 'probe') problems.push(`wait-until needs a probe, not a saved result ('${a.that}')`);
    problems.push(...comparisonProblems(a));
    return problems;
  },
  describe: (a) => `Wait until ${a.that} ${describeComparison(a)} (at most ${formatDuration(a.within)})`,
  run: (world, a) => {
    const ref = parseProbe(a.that) as ProbeRef;
    const startMs = world.nowMs;
    const deadline = startMs + a.within;
    const holds = (): boolean => {
      const { value } = readProbe(world, ref);
      return value !== undefined && satisfies(value, a);
    };
    const sim = world.sim;
    let reached = holds();
    let done = false;
    const stop = sim.at(deadline, 'wait-until deadline', () => {
      done = true;
    });
    sim.runWhile(() => {
      if (!reached) reached = holds();
      return !reached && !done;
    });
    sim.cancel(stop);
    if (reached) {
      world.say('detail', `after ${formatDuration(world.nowMs - startMs)}`);
      return;
    }
    sim.runUntil(deadline);
    const { value, error } = readProbe(world, ref);
    const actual = error ?? JSON.stringify(value ?? null);
    world.expectations.push({
      step: world.currentStep,
      description: `${a.that} ${describeComparison(a)} within ${formatDuration(a.within)}`,
      passed: false,
      expected: `${describeComparison(a)} within ${formatDuration(a.within)}`,
      actual,
      because: a.because ?? null,
      location: null,
    });
    world.sim.trace.emit('expect', { that: a.that, expected: describeComparison(a), actual, passed: false });
    world.say('expect', `FAIL ${a.that} did not reach ${describeComparison(a)} within ${formatDuration(a.within)}; it is ${actual}${a.because ? ` (${a.because})` : ''}`);
  },
});

export const inspectLogStep = defineStep<{ topic: string; partition?: number; broker: number; as?: string }>({
  kind: 'inspect-log',
  summary: "print one replica's log: each offset's value and leader epoch, its high watermark and log end offset",
  fields: {
    topic: { type: 'string', required: true, description: 'topic name' },
    partition: { type: 'integer', min: 0, description: 'partition (default 0)' },
    broker: BROKER_FIELD,
    as: AS_FIELD,
  },
  describe: (a) => `Look at broker ${a.broker}'s log of ${a.topic}-${a.partition ?? 0}`,
  run: (world, a) => {
    const tp = { topic: a.topic, partition: a.partition ?? 0 };
    const view = world.kafka.partition(tp);
    if (view === undefined) throw new StepFailure(`no partition ${a.topic}-${tp.partition}`);
    if (!view.replicas.includes(a.broker)) throw new StepFailure(`broker ${a.broker} holds no replica of ${a.topic}-${tp.partition} (replicas: ${view.replicas.join(', ')})`);
    const log = view.replicaLog(a.broker);
    const records = log.readRecords(log.logStartOffset, log.logEndOffset);
    const list = 'error' in records ? [] : records;
    world.say(
      'detail',
      `broker ${a.broker}: ${list.length === 0 ? 'empty' : list.map((r) => `${r.offset}:${r.value ?? '∅'} (epoch ${r.leaderEpoch})`).join('  ')}; high watermark ${log.highWatermark}, log end ${log.logEndOffset}`,
    );
    world.saveResult(a.as, {
      values: list.map((r) => r.value ?? '').join(','),
      highWatermark: log.highWatermark,
      logEndOffset: log.logEndOffset,
      logStartOffset: log.logStartOffset,
      epochs: list.map((r) => r.leaderEpoch).join(','),
    });
  },
});

// ---- checkers ----------------------------------------------------------------------------------

/** What `check` already added to the summary counters, per cluster. */
const reportedByCluster = new WeakMap<object, { lost: number; duplicated: number }>();

export const checkStep = defineStep<{ checkers?: string[]; as?: string }>({
  kind: 'check',
  summary: `run the replication invariant checkers now (${CHECKER_NAMES.join(', ')}); also sets the summary's lost and duplicated counters`,
  fields: {
    checkers: { type: 'string-list', description: 'only report these checkers (default: every enabled one)' },
    as: AS_FIELD,
  },
  check: (a) => (a.checkers ?? []).filter((c) => !(CHECKER_NAMES as readonly string[]).includes(c)).map((c) => `unknown checker '${c}'; checkers: ${CHECKER_NAMES.join(', ')}`),
  describe: (a) => `Check the replication invariants${a.checkers === undefined ? '' : ` (${a.checkers.join(', ')})`}`,
  run: (world, a) => {
    const checkers = world.kafka.checkers;
    checkers.check();
    const wanted = (a.checkers ?? [...CHECKER_NAMES]) as CheckerName[];
    const violations = wanted.map((c) => checkers.violations.get(c)).filter((v) => v !== undefined);
    const lost = checkers.lostRecords();
    let duplicated = 0;
    for (const name of world.kafka.topicNames()) {
      // Internal topics (__consumer_offsets) hold coordinator records, not application data.
      if (name.startsWith('__')) continue;
      for (const view of world.kafka.topic(name)!.partitions) {
        const leader = world.kafka.leaderPartition(view.topicPartition);
        if ('error' in leader) continue;
        const records = leader.log.readRecords(leader.log.logStartOffset, leader.log.logEndOffset);
        if ('error' in records) continue;
        const seen = new Set<string>();
        for (const r of records) {
          if (r.value === null) continue;
          if (seen.has(r.value)) duplicated++;
          else seen.add(r.value);
        }
      }
    }
    // The summary counts what every cluster of the scenario lost: add what this
    // cluster lost since its last check (a scenario may compare several).
    const reported = reportedByCluster.get(world.kafka) ?? { lost: 0, duplicated: 0 };
    world.count('lost', Math.max(0, lost.length - reported.lost));
    world.count('duplicated', Math.max(0, duplicated - reported.duplicated));
    reportedByCluster.set(world.kafka, { lost: Math.max(lost.length, reported.lost), duplicated: Math.max(duplicated, reported.duplicated) });
    for (const v of violations) world.say('detail', `${v.checker}: ${v.message} (at +${formatDuration(v.atMs)}, trace record ${v.tracePosition})`);
    world.say('detail', violations.length === 0 ? `no violation; ${lost.length} acknowledged record(s) lost, ${duplicated} duplicated` : `${lost.length} acknowledged record(s) lost, ${duplicated} duplicated`);
    const result: { [key: string]: TraceValue } = { ok: violations.length === 0, violations: violations.length, lost: lost.length, duplicated };
    for (const c of wanted) result[c] = checkers.violations.has(c) ? 'violated' : 'ok';
    world.saveResult(a.as, result);
  },
});
