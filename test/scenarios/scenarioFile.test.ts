import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenarios/scenarioFile';
import { runScenario } from '../../src/scenarios/runScenario';
import { scenarioFileErrors } from '../support/scenarioFileErrors';

const GOOD = `name: retention-check
title: Retention moves the log start
teaches: |
  A short paragraph.
seed: 3
steps:
  - create-topic: { name: events, config: { retention.ms: 60000 } }
  - produce: { topic: events, count: 5 }
  - wait: 10m
  - expect: { that: logStartOffset events-0, equals: 5 }
`;

const errorsOf = (text: string): string[] => scenarioFileErrors(text);

describe('scenario files (YAML)', () => {
  it('loads and runs a valid file with the same steps as the builder', () => {
    const scenario = loadScenarioFile('s.yaml', GOOD);
    const result = runScenario(scenario);
    expect(result.seed).toBe('3');
    expect(result.passed).toBe(true);
  });

  it('an expectation that does not hold fails the run', () => {
    const result = runScenario(loadScenarioFile('s.yaml', GOOD.replace('equals: 5', 'equals: 4')));
    expect(result.passed).toBe(false);
    expect(result.expectations[0]).toMatchObject({ passed: false, actual: '5', location: 's.yaml:10:5' });
  });

  it('names an unknown step with its line and the valid choices', () => {
    const errors = errorsOf(GOOD.replace('  - wait: 10m', '  - sleep: 10m'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^s\.yaml:9:5: unknown step 'sleep'; valid steps: .*create-topic.*wait/);
  });

  it('checks topic configs before running anything, in Kafka words', () => {
    expect(errorsOf(GOOD.replace('retention.ms: 60000', 'retention.msec: 60000'))).toEqual([
      "s.yaml:7:5: Unknown topic config name: retention.msec (did you mean 'retention.ms'?)",
    ]);
    expect(errorsOf(GOOD.replace('retention.ms: 60000', 'retention.ms: 1m'))).toEqual(['s.yaml:7:5: Invalid value 1m for configuration retention.ms: Not a number of type LONG']);
  });

  it("a step whose shorthand field takes a list accepts one: - redis: [SET, k, v]", () => {
    const scenario = loadScenarioFile(
      's.yaml',
      `name: shorthand-list
title: t
teaches: p
steps:
  - redis-server: { host: redis }
  - redis: [SET, k, 'a value']
  - redis: { command: [GET, k], as: got }
  - expect: { that: got.reply, equals: a value }
`,
    );
    expect(scenario.steps[1]!.args.command).toEqual(['SET', 'k', 'a value']);
    expect(runScenario(scenario).passed).toBe(true);
  });

  it('suggests the step or field that was meant', () => {
    expect(errorsOf(GOOD.replace('  - wait: 10m', '  - wiat: 10m'))[0]).toMatch(/^s\.yaml:9:5: unknown step 'wiat' \(did you mean 'wait'\?\); valid steps: /);
    expect(errorsOf(GOOD.replace('equals: 5 }', 'equal: 5 }'))[0]).toMatch(/^s\.yaml:10:\d+: unknown field 'equal' for step 'expect' \(did you mean 'equals'\?\); valid fields: /);
  });

  it('names a wrong type at the field, a missing field at the step, and an unknown field with the valid ones', () => {
    const errors = errorsOf(
      GOOD.replace('count: 5', "count: 'five'")
        .replace('  - wait: 10m', '  - wait: 10 minutes')
        .replace('{ that: logStartOffset events-0, equals: 5 }', '{ equals: 5, colour: red }'),
    );
    expect(errors).toEqual([
      "s.yaml:8:31: 'count' must be an integer, got 'five'",
      "s.yaml:9:11: 'for' must be a duration such as '500ms', '30s', '3m', '2h', '7d' or a number of milliseconds, got '10 minutes'",
      "s.yaml:10:26: unknown field 'colour' for step 'expect'; valid fields: that, equals, at-least, at-most, because",
      "s.yaml:10:5: step 'expect' needs 'that' (what to check: a probe phrase or result.path)",
    ]);
  });

  it('checks choices and references to results before running anything', () => {
    const errors = errorsOf(
      GOOD.replace("  - wait: 10m", "  - consume: { topic: events, group: g, auto.offset.reset: oldest }").replace(
        'that: logStartOffset events-0',
        'that: restart.error',
      ),
    );
    expect(errors[0]).toBe("s.yaml:9:41: 'auto.offset.reset' must be one of earliest, latest, none; got 'oldest'");
    expect(errors[1]).toMatch(/^s\.yaml:10:15: no earlier step saves a result named 'restart'/);
  });

  it('reports YAML syntax errors and unknown top-level keys with their position', () => {
    expect(errorsOf('name: x\nsteps: [\n')[0]).toMatch(/^s\.yaml:\d+:\d+: YAML syntax/);
    expect(errorsOf(GOOD.replace('seed: 3', 'sede: 3'))[0]).toBe("s.yaml:5:1: unknown top-level key 'sede'; valid keys: name, title, teaches, fix, seed, start, steps");
  });
});

describe('the README', () => {
  it('documents a scenario file that loads, runs and meets its expectations', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync('README.md', 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toBeDefined();
    const result = runScenario(loadScenarioFile('README.md', yaml!));
    expect(result.failure).toBeNull();
    expect(result.expectations.length).toBeGreaterThan(0);
    expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
  });

  it('lists every built-in scenario', async () => {
    const { readFileSync } = await import('node:fs');
    const { BUILTIN_SCENARIOS } = await import('../../src/scenarios/builtin/index');
    const readme = readFileSync('README.md', 'utf8');
    expect(BUILTIN_SCENARIOS.filter((s) => !readme.includes(`| \`${s.name}\` |`)).map((s) => s.name)).toEqual([]);
  });
});
