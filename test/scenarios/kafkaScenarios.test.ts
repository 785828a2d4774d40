/**
 * The Kafka replication scenarios: each fails when the rule it describes is
 * broken (its expectations can fail), and the Kafka steps validate.
 */
import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../../src/scenarios/builtin/index';
import { runScenario } from '../../src/scenarios/runScenario';
import type { ScenarioSpec } from '../../src/scenarios/Scenario';
import type { StepSpec } from '../../src/scenarios/Step';
import { validateScenario } from '../../src/scenarios/validate';

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
