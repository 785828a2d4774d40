/**
 * Scenarios the step-robustness property (stepRobustness.property.test.ts)
 * found crashing faultline with a stack trace, kept as named regressions:
 * each is now refused when the file is checked, stops at its step with a
 * sentence (file:line), or runs.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type RunResult } from '../../src/scenarios/runScenario';
import { loadScenarioFile } from '../../src/scenarios/scenarioFile';
import { ScenarioErrors } from '../../src/scenarios/ScenarioError';

function file(steps: string): string {
  return `name: regression\ntitle: A regression\nteaches: |\n  A paragraph.\nsteps:\n${steps}`;
}

/** The errors of a file refused when checked. */
function refused(steps: string): string[] {
  try {
    loadScenarioFile('s.yaml', file(steps));
  } catch (error) {
    if (error instanceof ScenarioErrors) return error.errors.map((e) => e.format());
    throw error;
  }
  throw new Error('the file was accepted');
}

function run(steps: string): RunResult {
  return runScenario(loadScenarioFile('s.yaml', file(steps)), { recordTrace: false });
}

/** The sentence a run stopped with, with its location. */
function stoppedWith(steps: string): string {
  const result = run(steps);
  expect(result.failure).not.toBeNull();
  return result.failure!.format();
}

describe('step robustness regressions: bad input gets a sentence, never a stack trace', () => {
  it('delete-topic with a replica on a broker that lost power (its log directory was not durable yet)', () => {
    const result = run(`  - kafka-cluster: { brokers: 1 }
  - create-topic: { name: events }
  - broker-power-loss: 1
  - delete-topic: events
  - broker-restart: 1
  - wait: 30s
  - create-topic: { name: events }
  - produce: { topic: events, count: 2 }
  - wait: 10s
  - expect: { that: logEndOffset events-0, equals: 2 }
`);
    expect(result.failure).toBeNull();
    expect(result.passed).toBe(true);
  });

});
