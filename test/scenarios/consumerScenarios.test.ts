/**
 * The consumer-group scenarios teach a rule each; break the rule and their
 * expectations must fail. Plus the consumer steps written as a YAML file.
 */
import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../../src/scenarios/builtin/index';
import { runScenario } from '../../src/scenarios/runScenario';
import type { ScenarioSpec } from '../../src/scenarios/Scenario';
import { loadScenarioFile } from '../../src/scenarios/scenarioFile';
import type { StepSpec } from '../../src/scenarios/Step';
import { validateScenario } from '../../src/scenarios/validate';

function variant(name: string, change: (step: StepSpec) => StepSpec): ScenarioSpec {
  const spec = builtinScenario(name);
  if (spec === undefined) throw new Error(`no scenario ${name}`);
  return { ...spec, steps: spec.steps.map(change) };
}

function failedExpectations(spec: ScenarioSpec): string[] {
  const result = runScenario(validateScenario(spec));
  expect(result.failure).toBeNull();
  return result.expectations.filter((e) => !e.passed).map((e) => e.description);
}

const app = (change: (args: Record<string, unknown>) => Record<string, unknown>) => (step: StepSpec) =>
  step.kind === 'consumer-app' ? { ...step, args: change({ ...step.args }) } : step;

describe('consumer-group scenarios fail when the rule they teach is broken', () => {
  it('auto-commit-loses-on-crash: processing in the poll loop, auto-commit loses nothing', () => {
    const failed = failedExpectations(variant('auto-commit-loses-on-crash', app((a) => ({ ...a, processing: 'in-loop' }))));
    expect(failed).toContain('delivery.lost equals 26');
  });

  it('auto-commit-loses-on-crash: committing after processing (commit sync) loses nothing', () => {
    const failed = failedExpectations(variant('auto-commit-loses-on-crash', app((a) => ({ ...a, commit: 'sync', processing: 'in-loop' }))));
    expect(failed).toContain('delivery.lost equals 26');
  });

  it('rebalance-on-partition-add: with a leader refreshing its metadata every hour, the new partitions stay unassigned', () => {
    const failed = failedExpectations(
      variant('rebalance-on-partition-add', app((a) => ({ ...a, config: { ...(a.config as object), 'metadata.max.age.ms': 3_600_000 } }))),
    );
    expect(failed).toContain('groupGeneration readers equals 2 within 2m');
  });

  it('rebalance-on-partition-add: with metadata.max.age.ms=30000 the group notices within the first four minutes', () => {
    const failed = failedExpectations(
      variant('rebalance-on-partition-add', app((a) => ({ ...a, config: { ...(a.config as object), 'metadata.max.age.ms': 30_000 } }))),
    );
    expect(failed).toContain('groupGeneration readers equals 1');
  });

  it('latest-reset-misses-new-partition-data: with auto.offset.reset=earliest nothing is skipped', () => {
    const failed = failedExpectations(
      variant('latest-reset-misses-new-partition-data', app((a) => ({ ...a, config: { 'auto.offset.reset': 'earliest' } }))),
    );
    expect(failed).toContain('delivery.lost equals 30');
  });
});

describe('consumer steps in a scenario file', () => {
  it('a YAML scenario drives a bare consumer: poll, commit-sync, seek, describe-group', () => {
    const yaml = `name: consumer-steps
title: Consumer steps from a file
teaches: A consumer in a group reads, commits and seeks, and the group is described as kafka-consumer-groups prints it.
steps:
  - create-topic: { name: events, partitions: 1 }
  - produce: { topic: events, count: 10, value: 'e{n}' }
  - consumer: { name: c1, config: { group.id: g, auto.offset.reset: earliest, enable.auto.commit: false, max.poll.records: 4 }, subscribe: [events] }
  - poll: { consumer: c1, timeout: 10s, as: first }
  - expect: { that: first.records, equals: 4 }
  - expect: { that: first.values, equals: 'e0,e1,e2,e3' }
  - commit-sync: { consumer: c1, as: commit }
  - expect: { that: commit.ok, equals: true }
  - expect: { that: committed g events-0, equals: 4 }
  - seek: { consumer: c1, partition: events-0, offset: 8 }
  - poll: { consumer: c1, as: second }
  - expect: { that: second.values, equals: 'e8,e9' }
  - describe-group: { group: g, as: described }
  - expect: { that: described.state, equals: Stable }
  - expect: { that: described.events-0.lag, equals: 6 }
  - consumer-close: c1
  - expect: { that: groupState g, equals: Empty }
`;
    const result = runScenario(loadScenarioFile('consumer-steps.yaml', yaml));
    expect(result.failure).toBeNull();
    expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
    expect(result.narration.some((l) => l.text.startsWith('GROUP           TOPIC'))).toBe(true);
  });

  it("a bad consumer config is refused before anything runs, with Kafka's message", () => {
    const yaml = `name: bad-consumer
title: Bad consumer config
teaches: A typo in a consumer config is refused before the scenario runs.
steps:
  - consumer: { name: c1, config: { group.id: g, auto.offset.reset: smallest } }
`;
    expect(() => loadScenarioFile('bad.yaml', yaml)).toThrow(/Invalid value smallest for configuration auto.offset.reset: String must be one of: latest, earliest, none/);
  });
});
