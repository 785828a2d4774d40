/**
 * RDB snapshots: save points with serverCron's exact condition, SAVE,
 * BGSAVE through a forked child that sees the keyspace as of the fork,
 * the dump replaced atomically, failures and -MISCONF, FLUSHALL, SHUTDOWN.
 */
import { describe, expect, it } from 'vitest';
import { decodeRdb } from '../../../src/redis/format/rdbDecode';
import { MISCONF_RDB } from '../../../src/redis/persistence/RdbSnapshots';
import { hostHarness, noise, type HostHarness } from './hostHarness';

function dumpKeys(h: HostHarness): string[] | null {
  if (!h.host.disk.exists('var/lib/redis/dump.rdb')) return null;
  const r = decodeRdb(h.file('dump.rdb'), { nowMs: null });
  if (!r.ok) throw new Error(r.error.reason);
  return [...r.dbs[0]!.dict.keys()].sort();
}

describe('save points', () => {
  it('`save 5 2`: BGSAVE once dirty >= 2 and more than 5 s passed since the last save, on a cron tick', () => {
    const h = hostHarness({ config: { save: '5 2' } });
    h.run('SET', 'a', '1');
    h.sim.advance(10_000);
    expect(h.info('rdb_saves')).toBe('0'); // one change only
    h.run('SET', 'b', '2');
    // now - lastsave = 10 s > 5 s and dirty 2 >= 2: the next tick (within 100 ms) forks.
    h.sim.advance(100);
    expect(h.info('rdb_saves')).toBe('1');
    h.sim.advance(1000);
    expect(h.info('rdb_changes_since_last_save')).toBe('0');
    expect(dumpKeys(h)).toEqual(['a', 'b']);
  });

  it('the seconds must be exceeded, not reached (unixtime - lastsave > seconds)', () => {
    const h = hostHarness({ config: { save: '3 1' } });
    h.run('SET', 'a', '1');
    h.sim.advance(3900);
    expect(h.info('rdb_saves')).toBe('0');
    h.sim.advance(200); // 4 s > 3
    expect(h.info('rdb_saves')).toBe('1');
  });

  it('`save ""` disables snapshotting; the 7.0 default is 3600 1 300 100 60 10000', () => {
    const off = hostHarness({ config: { save: '' } });
    off.run('SET', 'a', '1');
    off.sim.advance(7200_000);
    expect(off.info('rdb_saves')).toBe('0');
    expect(off.host.disk.exists('var/lib/redis/dump.rdb')).toBe(false);

    const d = hostHarness();
    expect(d.run('CONFIG', 'GET', 'save')).toEqual(['save', '3600 1 300 100 60 10000']);
    d.run('SET', 'a', '1');
    d.sim.advance(3600_000);
    expect(d.info('rdb_saves')).toBe('0');
    d.sim.advance(1_000);
    expect(d.info('rdb_saves')).toBe('1');
  });

  it('after a failed BGSAVE, save points retry only after 5 s (CONFIG_BGSAVE_RETRY_DELAY)', () => {
    const h = hostHarness({ config: { save: '1 1' } });
    h.host.disk.failWrites = true;
    h.run('SET', 'a', '1');
    h.sim.advance(2_100);
    expect(h.info('rdb_last_bgsave_status')).toBe('err');
    const tries = Number(h.info('total_forks'));
    h.sim.advance(4_000);
    expect(Number(h.info('total_forks'))).toBe(tries);
    h.host.disk.failWrites = false;
    h.sim.advance(2_000);
    expect(Number(h.info('total_forks'))).toBe(tries + 1);
    expect(h.info('rdb_last_bgsave_status')).toBe('ok');
  });
});

describe('SAVE', () => {
  it('writes dump.rdb in the server process, blocking it for the save duration', () => {
    const h = hostHarness({ config: { save: '' }, model: { saveBytesPerSec: 100_000 }, disk: { fsyncLatencyMs: 20 } });
    h.run('SET', 'k', noise(50_000, 1));
    const t0 = h.sim.nowMs;
    expect(h.run('SAVE')).toBe('OK');
    expect(h.sim.nowMs - t0).toBeGreaterThanOrEqual(500 + 20);
    expect(h.info('rdb_changes_since_last_save')).toBe('0');
    expect(h.info('rdb_saves')).toBe('1');
    expect(h.run('LASTSAVE')).toBe(Math.floor(t0 / 1000));
    expect(dumpKeys(h)).toEqual(['k']);
    expect(h.durableLength('dump.rdb')).toBe(h.file('dump.rdb').length);
  });

  it('is refused inside MULTI and while a BGSAVE runs', () => {
    const h = hostHarness({ config: { save: '' }, model: { saveBytesPerSec: 1000 } });
    h.run('SET', 'k', noise(5000, 2));
    h.run('MULTI');
    expect(h.run('SAVE')).toEqual({ error: 'ERR Command not allowed inside a transaction' });
    h.run('DISCARD');
    expect(h.run('BGSAVE')).toBe('Background saving started');
    expect(h.run('SAVE')).toEqual({ error: 'ERR Background save already in progress' });
    expect(h.run('BGSAVE')).toEqual({ error: 'ERR Background save already in progress' });
  });
});

describe('BGSAVE', () => {
  it('the child sees the keyspace as of the fork; dirty drops by what was saved', () => {
    const h = hostHarness({ config: { save: '' }, model: { saveBytesPerSec: 10_000 } });
    h.run('SET', 'a', noise(20_000, 3));
    h.run('SET', 'b', '1');
    expect(h.run('BGSAVE')).toBe('Background saving started');
    expect(h.info('rdb_bgsave_in_progress')).toBe('1');
    h.run('DEL', 'b');
    h.run('SET', 'c', '1');
    h.run('SET', 'd', '1');
    h.sim.advance(5_000);
    expect(h.info('rdb_bgsave_in_progress')).toBe('0');
    expect(dumpKeys(h)).toEqual(['a', 'b']);
    // dirty was 2 at the fork, 5 when the child was reaped: 3 changes are not in the dump.
    expect(h.info('rdb_changes_since_last_save')).toBe('3');
    expect(h.info('rdb_last_bgsave_status')).toBe('ok');
    expect(h.log()).toEqual(expect.arrayContaining(['Background saving started by pid 1001', 'DB saved on disk', 'Background saving terminated with success']));
  });

  it('writes temp-<pid>.rdb, then renames it: dump.rdb is never incomplete, even on power loss mid-save', () => {
    const h = hostHarness({ config: { save: '' }, model: { saveBytesPerSec: 10_000 } });
    h.run('SET', 'old', '1');
    h.run('SAVE');
    const oldDump = h.file('dump.rdb');
    h.run('SET', 'big', noise(50_000, 4));
    h.run('BGSAVE');
    h.sim.advance(2_000);
    expect(h.host.disk.files()).toContain('var/lib/redis/temp-1001.rdb');
    expect(h.file('dump.rdb')).toEqual(oldDump);
    h.host.powerLoss();
    expect(h.file('dump.rdb')).toEqual(oldDump);
    h.restart();
    expect(h.run('GET', 'old')).toBe('1');
    expect(h.run('GET', 'big')).toBe(null);
  });

  it('a failed child: rdb_last_bgsave_status:err and writes refused with -MISCONF until a save succeeds', () => {
    const h = hostHarness({ config: { save: '3600 1' }, model: { saveBytesPerSec: 10_000 } });
    h.run('SET', 'a', noise(10_000, 5));
    h.host.disk.capacityBytes = h.host.disk.stats().usedBytes + 2_000;
    h.run('BGSAVE');
    h.sim.advance(3_000);
    expect(h.info('rdb_last_bgsave_status')).toBe('err');
    expect(h.log()).toContain('Write error saving DB on disk(rdbSaveRio): No space left on device');
    expect(h.log()).toContain('Background saving error');
    expect(h.run('SET', 'b', '1')).toEqual({ error: MISCONF_RDB });
    expect(h.run('PING')).toEqual({ error: MISCONF_RDB });
    expect(h.run('GET', 'a')).not.toEqual({ error: MISCONF_RDB });
    expect(h.host.disk.files()).not.toContain('var/lib/redis/temp-1001.rdb');
    h.host.disk.capacityBytes = Number.MAX_SAFE_INTEGER;
    h.run('BGSAVE');
    h.sim.advance(3_000);
    expect(h.run('SET', 'b', '1')).toBe('OK');
  });

  it('-MISCONF only with save points and stop-writes-on-bgsave-error yes', () => {
    for (const [config, denied] of [
      [{ save: '3600 1', 'stop-writes-on-bgsave-error': 'no' }, false],
      [{ save: '', 'stop-writes-on-bgsave-error': 'yes' }, false],
      [{ save: '3600 1', 'stop-writes-on-bgsave-error': 'yes' }, true],
    ] as const) {
      const h = hostHarness({ config });
      h.host.disk.failWrites = true;
      h.run('BGSAVE');
      h.sim.advance(1_000);
      h.host.disk.failWrites = false;
      expect(h.run('SET', 'x', '1')).toEqual(denied ? { error: MISCONF_RDB } : 'OK');
    }
  });

  it('a fork failure is reported as Redis does', () => {
    const h = hostHarness({ config: { save: '' } });
    h.host.forkFails = true;
    expect(h.run('BGSAVE')).toEqual({ error: 'ERR' });
    expect(h.log()).toContain("Can't save in background: fork: Cannot allocate memory");
    expect(h.info('rdb_last_bgsave_status')).toBe('err');
    expect(h.info('rdb_saves')).toBe('1');
  });

  it('BGSAVE SCHEDULE waits for a running AOF rewrite; plain BGSAVE is refused', () => {
    const h = hostHarness({ config: { save: '', appendonly: 'yes' }, model: { saveBytesPerSec: 10_000 } });
    h.run('SET', 'a', noise(20_000, 6));
    expect(h.run('BGREWRITEAOF')).toBe('Background append only file rewriting started');
    expect(h.run('BGSAVE')).toEqual({
      error: "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
    });
    expect(h.run('BGSAVE', 'SCHEDULE')).toBe('Background saving scheduled');
    expect(h.run('BGSAVE', 'NOW')).toEqual({ error: 'ERR syntax error' });
    h.sim.advance(10_000);
    // Only the scheduled BGSAVE, once it ran, counts (rdbSaveBackground increments rdb_saves).
    expect(h.info('rdb_saves')).toBe('1');
    expect(dumpKeys(h)).toEqual(['a']);
  });

  it('latest_fork_usec grows with the dataset; total_forks counts', () => {
    const small = hostHarness({ config: { save: '' } });
    small.run('BGSAVE');
    const big = hostHarness({ config: { save: '' } });
    for (let i = 0; i < 2000; i++) big.server.ks.add(0, `k${i}`, { type: 'string', value: noise(1000, i) });
    big.run('BGSAVE');
    expect(Number(big.info('latest_fork_usec'))).toBeGreaterThan(Number(small.info('latest_fork_usec')));
    expect(big.info('total_forks')).toBe('1');
  });
});

describe('FLUSHALL, SHUTDOWN, LASTSAVE', () => {
  it('FLUSHALL kills a running BGSAVE child and, with save points, saves the empty dataset (dirty 0, as 7.0)', () => {
    const h = hostHarness({ config: { save: '3600 1' }, model: { saveBytesPerSec: 10_000 } });
    h.run('SET', 'a', noise(30_000, 7));
    h.run('SAVE');
    h.run('BGSAVE');
    expect(h.run('FLUSHALL')).toBe('OK');
    expect(dumpKeys(h)).toEqual([]);
    expect(h.info('rdb_changes_since_last_save')).toBe('0');
    h.sim.advance(5_000);
    expect(h.log()).toContain('Background saving terminated by signal 10');
    expect(h.info('rdb_last_bgsave_status')).toBe('ok');
    expect(dumpKeys(h)).toEqual([]);
    expect(h.host.disk.files().filter((f) => f.includes('temp-'))).toEqual([]);
  });

  it('FLUSHALL without save points saves nothing', () => {
    const h = hostHarness({ config: { save: '' } });
    h.run('SET', 'a', '1');
    h.run('FLUSHALL');
    expect(h.host.disk.exists('var/lib/redis/dump.rdb')).toBe(false);
  });

  it('SHUTDOWN saves when save points exist; NOSAVE does not; SAVE always does', () => {
    for (const [save, args, saved] of [
      ['3600 1', [], true],
      ['3600 1', ['NOSAVE'], false],
      ['', [], false],
      ['', ['SAVE'], true],
    ] as const) {
      const h = hostHarness({ config: { save } });
      h.run('SET', 'a', '1');
      expect(h.run('SHUTDOWN', ...args)).toBe('OK');
      expect(h.host.isRunning).toBe(false);
      expect(dumpKeys(h)).toEqual(saved ? ['a'] : null);
    }
  });

  it('SHUTDOWN with a bad combination is a syntax error; ABORT has nothing to abort', () => {
    const h = hostHarness();
    expect(h.run('SHUTDOWN', 'SAVE', 'NOSAVE')).toEqual({ error: 'ERR syntax error' });
    expect(h.run('SHUTDOWN', 'ABORT')).toEqual({ error: 'ERR No shutdown in progress.' });
    expect(h.host.isRunning).toBe(true);
  });

  it('SHUTDOWN refuses to exit when the final save fails (without FORCE)', () => {
    const h = hostHarness({ config: { save: '3600 1' } });
    h.run('SET', 'a', '1');
    h.host.disk.failWrites = true;
    expect(h.run('SHUTDOWN')).toEqual({ error: 'ERR Errors trying to SHUTDOWN. Check logs.' });
    expect(h.host.isRunning).toBe(true);
    expect(h.run('SHUTDOWN', 'FORCE')).toBe('OK');
    expect(h.host.isRunning).toBe(false);
  });

  it('a crash loses everything since the last save; restart loads dump.rdb', () => {
    const h = hostHarness({ config: { save: '' } });
    h.run('SET', 'a', '1');
    h.run('SAVE');
    h.run('SET', 'b', '2');
    h.host.crash();
    h.restart();
    expect(h.run('GET', 'a')).toBe('1');
    expect(h.run('GET', 'b')).toBe(null);
    expect(h.info('rdb_last_load_keys_loaded')).toBe('1');
  });

  it('keys whose TTL passed while the server was down are not loaded (rdb_last_load_keys_expired)', () => {
    const h = hostHarness({ config: { save: '' } });
    h.run('SET', 'a', '1', 'PX', '500');
    h.run('SET', 'b', '1');
    h.run('SAVE');
    h.host.crash();
    h.sim.advance(1_000);
    h.restart();
    expect(h.info('rdb_last_load_keys_loaded')).toBe('1');
    expect(h.info('rdb_last_load_keys_expired')).toBe('1');
  });
});
