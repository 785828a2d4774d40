/**
 * The Redis scenarios and steps: every built-in Redis scenario fails when
 * the rule it describes is broken (its expectations can fail), the steps
 * read and validate from YAML with file:line errors, and the probes read
 * without changing anything.
 */
import { describe, expect, it } from 'vitest';
import { builtinScenario } from '../../src/scenarios/builtin/index';
import { runScenario } from '../../src/scenarios/runScenario';
import type { ScenarioSpec } from '../../src/scenarios/Scenario';
import { parseProbe, readProbe, type ProbeRef } from '../../src/scenarios/probes';
import { loadScenarioFile } from '../../src/scenarios/scenarioFile';
import type { StepSpec } from '../../src/scenarios/Step';
import { validateScenario } from '../../src/scenarios/validate';
import { scenarioFileErrors } from '../support/scenarioFileErrors';

/** The scenario with the args of its steps of `kind` (on `host`) changed. */
function mutate(name: string, kind: string, change: (args: Record<string, unknown>) => Record<string, unknown>, host?: string): ScenarioSpec {
  const spec = builtinScenario(name);
  if (spec === undefined) throw new Error(`no scenario ${name}`);
  let changed = 0;
  const steps: StepSpec[] = spec.steps.map((step) => {
    if (step.kind !== kind || (host !== undefined && step.args.host !== host)) return step;
    changed++;
    return { ...step, args: change(structuredClone({ ...step.args })) };
  });
  if (changed === 0) throw new Error(`${name} has no ${kind} step to change`);
  return { ...spec, steps };
}

const withConfig = (extra: Record<string, string>) => (args: Record<string, unknown>) => ({ ...args, config: { ...(args.config as object), ...extra } });

/** The expectations that failed (a step may then fail too: the story no longer holds together). */
function failedExpectations(spec: ScenarioSpec): string[] {
  const result = runScenario(validateScenario(spec), { recordTrace: false });
  return result.expectations.filter((e) => !e.passed).map((e) => e.description);
}

describe('Redis scenarios: each fails when its rule is broken', () => {
  const cases: [string, string, ScenarioSpec][] = [
    ['everysec-power-loss-window', 'fsync on every write', mutate('everysec-power-loss-window', 'redis-server', withConfig({ appendfsync: 'always' }))],
    ['always-loses-nothing', 'fsync once a second', mutate('always-loses-nothing', 'redis-server', withConfig({ appendfsync: 'everysec' }))],
    ['appendfsync-no-loses-30s', 'fsync every second', mutate('appendfsync-no-loses-30s', 'redis-server', withConfig({ appendfsync: 'everysec' }))],
    ['process-crash-vs-power-loss', 'fsync on every write', mutate('process-crash-vs-power-loss', 'redis-server', withConfig({ appendfsync: 'always' }))],
    ['rdb-only-loses-since-last-save', 'an AOF', mutate('rdb-only-loses-since-last-save', 'redis-server', withConfig({ appendonly: 'yes' }))],
    ['bgsave-cow-memory-under-writes', 'enough RAM', mutate('bgsave-cow-memory-under-writes', 'redis-server', (a) => ({ ...a, memory: '100mb' }))],
    ['bgsave-failure-stops-writes', 'stop-writes-on-bgsave-error no', mutate('bgsave-failure-stops-writes', 'redis-server', withConfig({ 'stop-writes-on-bgsave-error': 'no' }))],
    ['aof-rewrite-crash-keeps-old-files', 'a fast child', mutate('aof-rewrite-crash-keeps-old-files', 'redis-server', (a) => ({ ...a, 'save-rate': '500mb' }))],
    ['truncated-aof-load-truncated-yes-vs-no', 'no torn writes', mutate('truncated-aof-load-truncated-yes-vs-no', 'redis-server', (a) => ({ ...a, 'torn-writes': 0 }))],
    ['flushall-recovered-by-editing-aof', 'no save points', mutate('flushall-recovered-by-editing-aof', 'redis-server', withConfig({ save: '' }))],
    ['aof-and-rdb-both-on-aof-wins', 'a restart that keeps the AOF off', mutate('aof-and-rdb-both-on-aof-wins', 'redis-restart', () => ({ host: 'cache' }), 'cache')],
    ['slow-disk-postpones-fsync', 'a fast disk', mutate('slow-disk-postpones-fsync', 'redis-server', (a) => ({ ...a, 'fsync-latency': '1ms' }))],
  ];
  for (const [name, broken, spec] of cases) {
    it(`${name}: with ${broken}, an expectation fails`, () => {
      expect(failedExpectations(builtinScenario(name)!)).toEqual([]);
      expect(failedExpectations(spec).length).toBeGreaterThan(0);
    });
  }
});

const YAML = `name: offsets-in-redis
title: Offsets in a hash
teaches: |
  A paragraph.
steps:
  - redis-server: { host: store, config: { appendonly: yes, appendfsync: always, save: '' } }
  - redis: { host: store, command: 'HSET offsets "events 0" 42', as: stored }
  - redis: { host: store, pipeline: [MULTI, [HINCRBY, offsets, "events 0", 1], EXEC] }
  - redis-power-loss: store
  - redis-restart: store
  - expect: { that: stored.reply, equals: 1 }
  - redis: { host: store, command: [HGET, offsets, "events 0"], as: read }
  - expect: { that: read.reply, equals: '43' }
  - expect: { that: redisKeys store, equals: 1 }
  - expect: { that: redisInfo store aof_enabled, equals: 1 }
  - expect: { that: redisRunning store, equals: true }
`;

const errorsOf = (text: string): string[] => scenarioFileErrors(text);

describe('Redis steps in YAML', () => {
  it('a scenario file starts a server, sends commands and pipelines, survives a power loss with appendfsync always', () => {
    const result = runScenario(loadScenarioFile('s.yaml', YAML));
    expect(result.failure).toBeNull();
    expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
    expect(result.narration.map((l) => l.text)).toContain('store> HSET offsets "events 0" 42');
  });

  it('unknown settings, bad values and bad commands are errors with file:line, before anything runs', () => {
    const errors = errorsOf(
      YAML.replace('appendfsync: always', 'appendfsync: sometimes')
        .replace("command: 'HSET offsets \"events 0\" 42'", "command: 'HSET \"unbalanced'")
        .replace('- redis-restart: store', '- redis-restart: { host: store, config: { appendfsinc: no } }'),
    );
    expect(errors).toEqual([
      "s.yaml:6:5: bad Redis setting: appendfsync \"sometimes\": argument(s) must be one of the following: everysec, always, no",
      "s.yaml:7:5: unbalanced quotes in command 'HSET \"unbalanced'",
      expect.stringMatching(/^s\.yaml:10:5: unknown Redis setting 'appendfsinc' \(did you mean 'appendfsync'\?\); faultline models: .*appendfsync/),
    ]);
  });

  it('a command to a host that is down fails the run, unless its outcome is saved', () => {
    const down = runScenario(loadScenarioFile('s.yaml', YAML.replace('  - redis-restart: store\n', '').replace(', as: read }', ' }').replace("  - expect: { that: read.reply, equals: '43' }\n", '')));
    expect(down.failure?.message).toBe('store: Could not connect to Redis: Connection refused');
    const saved = runScenario(
      loadScenarioFile(
        's.yaml',
        YAML.replace('  - redis-restart: store\n', '  - redis: { host: store, command: PING, as: ping }\n  - expect: { that: ping.error, equals: "Could not connect to Redis: Connection refused" }\n').replace(
          /  - expect: \{ that: stored.reply[\s\S]*$/,
          '',
        ),
      ),
    );
    expect(saved.failure).toBeNull();
    expect(saved.passed).toBe(true);
  });

  it('probes read without side effects: an expired key reads as missing and stays in the keyspace', () => {
    const text = "name: probe-check\ntitle: t\nteaches: p\nsteps:\n  - redis-server: { host: r, config: { save: '' } }\n  - redis: { host: r, command: 'SET k v PX 100' }\n";
    const result = runScenario(loadScenarioFile('p.yaml', text));
    const world = result.world;
    const server = world.redisHosts.get('r')!.server!;
    server.activeExpireEnabled = false;
    world.sim.advance(1_000);
    const read = (phrase: string) => readProbe(world, parseProbe(phrase) as ProbeRef).value;
    const misses = server.ks.misses;
    expect(read('redisGet r k')).toBe(null);
    expect(read('redisKeys r')).toBe(0);
    expect(server.ks.keyCount(0)).toBe(1); // not expired by reading
    expect(server.ks.misses).toBe(misses);
    expect(read('redisFiles r')).toBe('');
    expect(read('redisDumpKeys r')).toBe(null);
    expect(read('redisInfo r rdb_changes_since_last_save')).toBe(1);
  });
});
