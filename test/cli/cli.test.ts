/**
 * The command line as a user meets it: a real process, real exit codes,
 * real files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TSX = join('node_modules', '.bin', 'tsx');

function faultline(...args: string[]) {
  const result = spawnSync(TSX, ['src/cli/faultline.ts', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'faultline-cli-'));

describe('faultline CLI', () => {
  it('list: every built-in scenario with a one-line title', () => {
    const { code, stdout } = faultline('list');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^retention-deletes-under-stored-offset +Retention deletes/m);
    expect(stdout).toMatch(/^sparse-index-lookup +/m);
  });

  it('run: narrates the timeline with simulated time, exits 0 and writes the trace as JSON Lines', () => {
    const trace = join(dir, 'trace.jsonl');
    const { code, stdout } = faultline('run', 'retention-deletes-under-stored-offset', '--seed', '9', '--trace', trace);
    expect(code).toBe(0);
    expect(stdout).toContain('seed 9');
    expect(stdout).toMatch(/\+00:05:30\.000 .*retention deleted segment 00000000000000000000/);
    expect(stdout).toContain('expectations: 8 passed, 0 failed');
    const lines = readFileSync(trace, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'scenario.start', seed: '9' });
    expect(lines.every((l) => l.startsWith('{"t":'))).toBe(true);
  });

  it('run: a failed expectation exits 1 and says what was expected and what happened', () => {
    const file = join(dir, 'failing.yaml');
    writeFileSync(
      file,
      'name: failing\ntitle: t\nteaches: p\nsteps:\n  - create-topic: events\n  - produce: { topic: events, count: 3 }\n  - expect: { that: logEndOffset events-0, equals: 4, because: three records }\n',
    );
    const { code, stdout } = faultline('run', file, '--quiet');
    expect(code).toBe(1);
    expect(stdout).toContain(`FAILED logEndOffset events-0 equals 4 (${file}:7:5)`);
    expect(stdout).toContain('actual:   3');
  });

  it('run: a bad file exits 2 with file:line, runs nothing and writes no trace', () => {
    const file = join(dir, 'bad.yaml');
    const trace = join(dir, 'bad-trace.jsonl');
    writeFileSync(file, 'name: bad\ntitle: t\nteaches: p\nsteps:\n  - create-topic: { name: events, partitions: zero }\n');
    const { code, stdout, stderr } = faultline('run', file, '--trace', trace);
    expect(code).toBe(2);
    expect(stderr).toContain(`error: ${file}:5:35: 'partitions' must be an integer, got 'zero'`);
    expect(stdout).toBe('');
    expect(existsSync(trace)).toBe(false);
  });

  it('run: an unknown scenario or a bad option exits 2', () => {
    expect(faultline('run', 'no-such-scenario').code).toBe(2);
    expect(faultline('run', 'start-from-time', '--seed', 'a b').code).toBe(2);
    expect(faultline('frobnicate').code).toBe(2);
  });

  it('run: an output path that cannot be written exits 2 before anything runs', () => {
    const missing = faultline('run', 'sparse-index-lookup', '--trace', join(dir, 'no-such-dir', 't.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`error: --trace ${join(dir, 'no-such-dir', 't.jsonl')}: directory ${join(dir, 'no-such-dir')} does not exist`);
    expect(missing.stdout).toBe('');
    const directory = faultline('run', 'sparse-index-lookup', '--trace', dir);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain('is a directory; give a file name');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const exportToFile = faultline('run', 'everysec-power-loss-window', '--export-dir', file);
    expect(exportToFile.code).toBe(2);
    expect(exportToFile.stderr).toContain(`error: --export-dir ${file}: is a file, not a directory`);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('a step that Kafka refuses stops the run with exit 2 and the location', () => {
    const file = join(dir, 'refused.yaml');
    writeFileSync(file, 'name: refused\ntitle: t\nteaches: p\nsteps:\n  - create-topic: { name: events, replication-factor: 3 }\n');
    const { code, stderr } = faultline('run', file, '--quiet');
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${file}:5:5: InvalidReplicationFactorException: Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.`,
    );
  });
  it('run: config-file reads a redis.conf and a server.properties beside the scenario, narrates the ignored keys, and a bad or missing file exits 2 with file:line', () => {
    const incident = join(dir, 'incident');
    mkdirSync(join(incident, 'prod'), { recursive: true });
    writeFileSync(join(incident, 'prod', 'redis.conf'), '# production\nbind 0.0.0.0\nport 6379\nappendonly yes\nappendfsync always\nsave ""\n');
    writeFileSync(join(incident, 'server.properties'), 'process.roles=broker,controller\nlog.dirs=/var/lib/kafka\nlog.retention.check.interval.ms=1000\n');
    const scenario = join(incident, 'incident.yaml');
    writeFileSync(
      scenario,
      'name: incident\ntitle: t\nteaches: p\nsteps:\n' +
        '  - kafka-cluster: { config-file: server.properties }\n' +
        '  - redis-server: { host: cache, config-file: prod/redis.conf }\n' +
        "  - expect: { that: redisInfo cache aof_enabled, equals: 1 }\n",
    );
    // Run from elsewhere: the path is relative to the scenario file, not the working directory.
    const ok = faultline('run', scenario);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('prod/redis.conf: not modelled, ignored: bind, port');
    expect(ok.stdout).toContain('server.properties: not modelled, ignored: process.roles, log.dirs');

    writeFileSync(join(incident, 'prod', 'redis.conf'), '# production\nappendonly yes\nappendfsinc always\n');
    const bad = faultline('run', scenario);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: prod/redis.conf:3: Bad directive or wrong number of arguments (did you mean 'appendfsync'?)");
    expect(bad.stdout).toBe('');

    writeFileSync(scenario, readFileSync(scenario, 'utf8').replace('prod/redis.conf', 'prod/missing.conf'));
    const missing = faultline('run', scenario);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`error: ${scenario}:6:34: cannot read config file 'prod/missing.conf': no such file`);
  });
});
