/**
 * The stream-job scenarios teach a rule each; break the rule and their
 * expectations must fail. That is what keeps them honest: the outcomes come
 * out of the models, so changing the model's input changes the outcome.
 */
import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../../src/scenarios/builtin/index';
import { runScenario } from '../../src/scenarios/runScenario';
import type { ScenarioSpec } from '../../src/scenarios/Scenario';
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

const withSemantics = (semantics: string) => (step: StepSpec) => (step.kind === 'stream-job' ? { ...step, args: { ...step.args, semantics } } : step);

describe('stream-job scenarios fail when the rule they teach is broken', () => {
  it('commit-before-process-loses: with one MULTI/EXEC nothing is lost', () => {
    expect(failedExpectations(variant('commit-before-process-loses', withSemantics('exactly-once')))).toContain('delivery.lost equals 20');
  });

  it('process-then-commit-duplicates: with one MULTI/EXEC nothing is counted twice', () => {
    expect(failedExpectations(variant('process-then-commit-duplicates', withSemantics('exactly-once')))).toContain('delivery.duplicated equals 20');
  });

  it('exactly-once-with-multi-exec: with separate writes a crash duplicates', () => {
    expect(failedExpectations(variant('exactly-once-with-multi-exec', withSemantics('at-least-once')))).toContain('delivery.duplicated equals 0');
  });

  it('redis-everysec-power-loss-replays-offsets: with appendfsync always Redis forgets nothing to replay', () => {
    const failed = failedExpectations(
      variant('redis-everysec-power-loss-replays-offsets', (step) =>
        step.kind === 'redis-server' ? { ...step, args: { ...step.args, config: { appendonly: 'yes', appendfsync: 'always' } } } : step,
      ),
    );
    expect(failed).toContain('replay.replayed is at least 1');
    expect(failed).toContain('carriesOn.lost is at least 1');
  });

  it('torn-aof-splits-multi-exec: with appendfsync always nothing acknowledged is left to tear', () => {
    const failed = failedExpectations(
      variant('torn-aof-splits-multi-exec', (step) =>
        step.kind === 'redis-server' && step.args.host === 'cache' ? { ...step, args: { ...step.args, config: { appendonly: 'yes', appendfsync: 'always' } } } : step,
      ),
    );
    expect(failed).toContain('delivery.duplicated is at least 1');
  });

  it('zombie-consumer-duplicates-despite-multi-exec: a pause shorter than max.poll.interval.ms keeps the partition', () => {
    const failed = failedExpectations(
      variant('zombie-consumer-duplicates-despite-multi-exec', (step) => (step.kind === 'consumer-stall' ? { ...step, args: { ...step.args, for: '5s' } } : step)),
    );
    expect(failed).toContain('delivery.duplicated equals 10');
  });

  it('offset-store-in-redis: with a long retention the stored offset stays valid', () => {
    const failed = failedExpectations(
      variant('offset-store-in-redis', (step) => (step.kind === 'kafka-cluster' ? { ...step, args: { ...step.args, config: { 'log.retention.minutes': 600 } } } : step)),
    );
    expect(failed).toContain('case1.topic01-0.action equals "reset-to-earliest"');
  });
});
