/**
 * The Redis side of the command line, as a user meets it: a real process,
 * real files, real exit codes; and, where redis-check-aof is installed, the
 * same output as the real tool.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRedisBinaries } from '../support/realRedis';

const TSX = join('node_modules', '.bin', 'tsx');

function faultline(args: string[], input = '') {
  const result = spawnSync(TSX, ['src/cli/faultline.ts', ...args], { encoding: 'latin1', input });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'faultline-redis-cli-'));
const binaries = findRedisBinaries();

const exports = new Map<string, string>();

/** Runs a scenario with --export-dir once (again with `fresh`); the export's directory. */
function exported(scenario: string, fresh = false): string {
  const out = join(dir, scenario);
  if (!fresh && exports.has(scenario)) return out;
  exports.set(scenario, out);
  const { code, stdout } = faultline(['run', scenario, '--quiet', '--export-dir', out]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/export: \d+ durable file\(s\) of Redis host \S+ written to /);
  return out;
}

/** A copy of an AOF directory whose INCR file ends in the middle of a command. */
function cutCopy(from: string, name: string): string {
  const aofDir = join(dir, name);
  mkdirSync(aofDir, { recursive: true });
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(aofDir, f));
  const incr = join(aofDir, 'appendonly.aof.1.incr.aof');
  truncateSync(incr, statSync(incr).size - 5);
  return aofDir;
}

describe('faultline run --export-dir', () => {
  it("writes each Redis host's durable files under DIR/<host>/, replacing an earlier export", () => {
    const out = exported('aof-and-rdb-both-on-aof-wins');
    expect(readdirSync(out).sort()).toEqual(['cache', 'cache-b']);
    expect(existsSync(join(out, 'cache', 'var/lib/redis/dump.rdb'))).toBe(true);
    expect(existsSync(join(out, 'cache-b', 'var/lib/redis/appendonlydir/appendonly.aof.manifest'))).toBe(true);
    writeFileSync(join(out, 'cache', 'stale'), 'x');
    exported('aof-and-rdb-both-on-aof-wins', true);
    expect(existsSync(join(out, 'cache', 'stale'))).toBe(false);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

describe('faultline redis inspect', () => {
  it('prints the keyspace of an exported AOF directory as JSON (db ⇒ key ⇒ {type, value, expireAtMs})', () => {
    const out = exported('flushall-recovered-by-editing-aof');
    const { code, stdout } = faultline(['redis', 'inspect', join(out, 'cache', 'var/lib/redis/appendonlydir'), '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(['0']);
    expect(Object.keys(json['0'])).toHaveLength(100);
    expect(json['0']['customer:7']).toEqual({ type: 'string', value: 'profile', expireAtMs: null });
  });

  it('reads a dump.rdb as text; a missing path is bad input (2), a corrupt file a failure (1)', () => {
    const out = exported('aof-and-rdb-both-on-aof-wins');
    const dump = join(out, 'cache-b', 'var/lib/redis/dump.rdb');
    const text = faultline(['redis', 'inspect', dump]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^db0: 100 keys\n/);
    expect(faultline(['redis', 'inspect', join(dir, 'nothing-here.rdb')]).code).toBe(2);
    const notRedis = faultline(['redis', 'inspect', dir]);
    expect(notRedis.code).toBe(2);
    expect(notRedis.stderr).toContain(`error: ${dir}: a directory without appendonly.aof.manifest`);
    const corrupt = join(dir, 'corrupt.rdb');
    const bytes = readFileSync(dump);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(corrupt, bytes);
    const failed = faultline(['redis', 'inspect', corrupt]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Wrong RDB checksum');
  });

  it('notes where Redis would cut a torn AOF', () => {
    const out = exported('everysec-power-loss-window');
    const aofDir = cutCopy(join(out, 'cache', 'var/lib/redis/appendonlydir'), 'inspect-cut');
    const r = faultline(['redis', 'inspect', aofDir, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: appendonly\.aof\.1\.incr\.aof ends in a partial command; Redis \(aof-load-truncated yes\) would truncate it at offset \d+/);
  });
});

describe('faultline redis check-aof', () => {
  it('a valid directory: exit 0 and redis-check-aof\'s report', () => {
    const out = exported('everysec-power-loss-window');
    const manifest = join(out, 'cache', 'var/lib/redis/appendonlydir/appendonly.aof.manifest');
    const r = faultline(['redis', 'check-aof', manifest]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('All AOF files and manifest are valid');
  });

  it('--fix asks, and truncates only when answered y', () => {
    const out = exported('everysec-power-loss-window');
    const source = join(out, 'cache', 'var/lib/redis/appendonlydir');
    const refused = cutCopy(source, 'fix-no');
    const no = faultline(['redis', 'check-aof', '--fix', join(refused, 'appendonly.aof.manifest')], 'n\n');
    expect(no.code).toBe(1);
    expect(no.stdout).toMatch(/Continue\? \[y\/N\]: Aborting\.\.\.\n$/);
    const fixed = cutCopy(source, 'fix-yes');
    const incr = join(fixed, 'appendonly.aof.1.incr.aof');
    const before = statSync(incr).size;
    const yes = faultline(['redis', 'check-aof', '--fix', join(fixed, 'appendonly.aof.manifest')], 'y\n');
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain('Successfully truncated AOF appendonly.aof.1.incr.aof');
    expect(statSync(incr).size).toBeLessThan(before);
    expect(faultline(['redis', 'check-aof', join(fixed, 'appendonly.aof.manifest')]).code).toBe(0);
  });

  it.runIf(binaries !== null)('prints what redis-check-aof 7.0 prints, and exits as it does, with and without --fix', () => {
    const out = exported('everysec-power-loss-window');
    const source = join(out, 'cache', 'var/lib/redis/appendonlydir');
    for (const fix of [false, true]) {
      const ours = cutCopy(source, `ours-${fix}`);
      const theirs = cutCopy(source, `theirs-${fix}`);
      const args = fix ? ['--fix'] : [];
      const mine = faultline(['redis', 'check-aof', ...args, join(ours, 'appendonly.aof.manifest')], 'y\n');
      const real = spawnSync(binaries!.checkAof, [...args, join(theirs, 'appendonly.aof.manifest')], { encoding: 'latin1', input: 'y\n' });
      expect(mine.stdout.split(ours).join('<dir>')).toBe(real.stdout.split(theirs).join('<dir>'));
      expect(mine.code).toBe(real.status);
      expect(statSync(join(ours, 'appendonly.aof.1.incr.aof')).size).toBe(statSync(join(theirs, 'appendonly.aof.1.incr.aof')).size);
    }
  });
});
