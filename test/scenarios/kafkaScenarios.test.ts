/**
 * The Kafka replication scenarios: each fails when the rule it describes is
 * broken (its expectations can fail), and the Kafka steps validate.
 */
import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../../src/scenarios/builtin/index';
import { runScenario } from '../../src/scenarios/runScenario';
import type { ScenarioSpec } from '../../src/scenarios/Scenario';
import { loadScenarioFile } from '../../src/scenarios/scenarioFile';
import type { StepSpec } from '../../src/scenarios/Step';
import { validateScenario } from '../../src/scenarios/validate';
import { scenarioFileErrors } from '../support/scenarioFileErrors';

type Args = Record<string, unknown>;

/** The scenario with its `nth` step of `kind` (every one when nth is omitted) changed. */
function mutate(name: string, kind: string, change: (args: Args) => Args, nth?: number): ScenarioSpec {
  const spec = builtinScenario(name);
  if (spec === undefined) throw new Error(`no scenario ${name}`);
  let seen = 0;
  let changed = 0;
  const steps: StepSpec[] = spec.steps.map((step) => {
    if (step.kind !== kind) return step;
    const index = seen++;
    if (nth !== undefined && index !== nth) return step;
    changed++;
    return { ...step, args: change(structuredClone({ ...step.args })) };
  });
  if (changed === 0) throw new Error(`${name} has no ${kind} step #${nth ?? 'any'} to change`);
  return { ...spec, steps };
}

const withConfig = (extra: Args) => (args: Args) => ({ ...args, config: { ...(args.config as object), ...extra } });
const set = (extra: Args) => (args: Args) => ({ ...args, ...extra });

function failedExpectations(spec: ScenarioSpec): string[] {
  const result = runScenario(validateScenario(spec), { recordTrace: false });
  return result.expectations.filter((e) => !e.passed).map((e) => e.description);
}

describe('Kafka scenarios: each fails when its rule is broken', () => {
  const cases: [string, string, ScenarioSpec][] = [
    ['acks1-leader-failover-loses-acked-write', 'acks=all', mutate('acks1-leader-failover-loses-acked-write', 'producer', withConfig({ acks: 'all' }))],
    ['acks-all-min-isr-survives-leader-failover', 'acks=1', mutate('acks-all-min-isr-survives-leader-failover', 'producer', withConfig({ acks: 1 }))],
    ['kip101-hw-truncation-data-loss', 'high-watermark truncation in the second cluster too', mutate('kip101-hw-truncation-data-loss', 'kafka-cluster', set({ 'follower-truncation': 'high-watermark' }), 1)],
    ['kip101-hw-truncation-data-loss', 'leader-epoch truncation in the first cluster', mutate('kip101-hw-truncation-data-loss', 'kafka-cluster', set({ 'follower-truncation': 'leader-epoch' }), 0)],
    ['kip101-log-divergence', 'high-watermark truncation in the second cluster too', mutate('kip101-log-divergence', 'kafka-cluster', set({ 'follower-truncation': 'high-watermark' }), 1)],
    ['unclean-election-loses-committed-data', 'clean elections in the first cluster', mutate('unclean-election-loses-committed-data', 'create-topic', withConfig({ 'unclean.leader.election.enable': false }), 0)],
    ['min-isr-rejects-writes', 'min.insync.replicas=1', mutate('min-isr-rejects-writes', 'create-topic', withConfig({ 'min.insync.replicas': 1 }), 0)],
    ['min-isr-rejects-writes', 'a 4.0 cluster in place of 3.6', mutate('min-isr-rejects-writes', 'kafka-cluster', set({ version: '4.0' }), 1)],
    ['isr-shrink-on-slow-follower', 'a fast link to the follower', mutate('isr-shrink-on-slow-follower', 'network', set({ latencyMs: 100 }), 0)],
    ['retries-duplicate-without-idempotence', 'idempotence', mutate('retries-duplicate-without-idempotence', 'producer', withConfig({ 'enable.idempotence': true }))],
    ['idempotence-dedupes-retries', 'idempotence off', mutate('idempotence-dedupes-retries', 'producer', withConfig({ 'enable.idempotence': false, acks: 'all' }), 0)],
    ['idempotence-dedupes-retries', 'producer ids that outlive the retry', mutate('idempotence-dedupes-retries', 'kafka-cluster', withConfig({ 'producer.id.expiration.ms': 86_400_000 }), 1)],
    ['reordering-with-max-in-flight', 'one request in flight', mutate('reordering-with-max-in-flight', 'producer', withConfig({ 'max.in.flight.requests.per.connection': 1 }), 0)],
    ['all-replicas-power-loss-unflushed', 'flush.messages=1', mutate('all-replicas-power-loss-unflushed', 'create-topic', withConfig({ 'flush.messages': 1 }), 0)],
    ['all-replicas-power-loss-unflushed', 'no flush scheduler in the third cluster', mutate('all-replicas-power-loss-unflushed', 'kafka-cluster', (a) => ({ ...a, config: {} }), 2)],
    ['keyed-partitioning-changes-when-partitions-added', 'keys ignored by the partitioner', mutate('keyed-partitioning-changes-when-partitions-added', 'producer', withConfig({ 'partitioner.ignore.keys': true }))],
  ];
  for (const [name, broken, spec] of cases) {
    it(`${name}: with ${broken}, an expectation fails`, () => {
      expect(failedExpectations(builtinScenario(name)!)).toEqual([]);
      expect(failedExpectations(spec).length).toBeGreaterThan(0);
    });
  }
});

const YAML = `name: failover-check
title: A leader failover with acks=all
teaches: |
  A paragraph.
steps:
  - kafka-cluster: { brokers: 3 }
  - create-topic: { name: events, replication-factor: 3, config: { min.insync.replicas: 2 } }
  - producer: { name: app, config: { acks: all, linger.ms: 0 } }
  - send: { producer: app, topic: events, value: 'm{n}', count: 3, as: sent }
  - expect: { that: sent.acked, equals: 3 }
  - broker-crash: 1
  - wait-until: { that: leader events-0, equals: 2, within: 15s }
  - send: { producer: app, topic: events, value: after, as: after }
  - expect: { that: after.records.0.offset, equals: 3 }
  - check: { as: audit }
  - expect: { that: audit.lost, equals: 0 }
  - expect: { that: committedValues events-0, equals: 'm1,m2,m3,after' }
  - expect: { that: isr events-0, equals: '2,3' }
`;

const errorsOf = (text: string): string[] => scenarioFileErrors(text);

describe('Kafka steps in YAML', () => {
  it('a scenario file runs a cluster, a producer, a crash and the checkers', () => {
    const result = runScenario(loadScenarioFile('s.yaml', YAML));
    expect(result.failure).toBeNull();
    expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
    const narration = result.narration.map((l) => l.text);
    expect(narration).toContain('controller: broker 2 elected leader of events-0 in epoch 1, ISR [2,3] (broker 1 fenced (session expired))');
    expect(narration).toContain('app: acknowledged 3 record(s) [m1, m2, m3] of events-0 at offsets 0..2 (acks=all)');
  });

  it('bad settings, producer configs, fault values, counts and checker names are errors with file:line, before anything runs', () => {
    const errors = errorsOf(
      YAML.replace('kafka-cluster: { brokers: 3 }', 'kafka-cluster: { brokers: 3, follower-truncation: epochs }')
        .replace('linger.ms: 0 }', 'linger.ms: 0, lingr.ms: 5 }')
        .replace("value: 'm{n}', count: 3", "value: 'm{n}', count: -3")
        .replace('broker-crash: 1', 'network: { kind: partition }')
        .replace('check: { as: audit }', 'check: { checkers: [no-data-loss], as: audit }'),
    );
    expect(errors).toEqual([
      "s.yaml:6:34: 'follower-truncation' must be one of leader-epoch, high-watermark; got 'epochs'",
      expect.stringMatching(/^s\.yaml:8:5: ConfigException: Unknown producer configuration 'lingr\.ms'\. Did you mean 'linger\.ms'\?/),
      "s.yaml:9:58: 'count' must be at least 1, got -3",
      "s.yaml:10:15: no earlier step saves a result named 'sent' (add 'as: sent' to the step that produces it)",
      "s.yaml:11:5: network fault 'partition': 'between' must be an endpoint name or a non-empty list of names",
      expect.stringMatching(/^s\.yaml:15:5: unknown checker 'no-data-loss'; checkers: no-acked-write-lost, /),
    ]);
  });
});
