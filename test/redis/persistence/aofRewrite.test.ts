/**
 * BGREWRITEAOF as 7.0 does it: a new INCR file and the manifest persisted
 * before the fork, the child's new BASE installed by the parent, old files
 * turned HISTORY and deleted; crashes at any point leave a loadable
 * directory; automatic rewrites and their back-off after failures;
 * turning the AOF on and off at runtime.
 */
import { describe, expect, it } from 'vitest';
import { parseAofManifest } from '../../../src/redis/format/aofManifest';
import { hostHarness, noise, type HostHarness } from './hostHarness';

const MANIFEST = 'appendonlydir/appendonly.aof.manifest';

function manifest(h: HostHarness): string {
  return h.file(MANIFEST).toString('latin1');
}

function aofFiles(h: HostHarness): string[] {
  return h.host.disk.list('var/lib/redis/appendonlydir');
}

describe('BGREWRITEAOF', () => {
  it('opens a new INCR file and persists the manifest before forking', () => {
    const h = hostHarness({ config: { appendonly: 'yes', save: '' }, model: { saveBytesPerSec: 10_000 } });
    h.run('SET', 'a', noise(20_000, 1));
    expect(manifest(h)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    expect(h.run('BGREWRITEAOF')).toBe('Background append only file rewriting started');
    expect(manifest(h)).toBe(
      'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    // The manifest is durable already: a power loss now keeps it.
    expect(h.durableLength(MANIFEST)).toBe(h.file(MANIFEST).length);
    expect(h.run('BGREWRITEAOF')).toEqual({ error: 'ERR Background append only file rewriting already in progress' });
    h.run('SET', 'b', '1'); // goes to INCR 2
    h.sim.advance(5_000);
    expect(h.info('aof_rewrite_in_progress')).toBe('0');
    expect(manifest(h)).toBe('file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
    expect(aofFiles(h)).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    expect(h.info('aof_rewrites')).toBe('1');
    expect(h.info('aof_last_bgrewrite_status')).toBe('ok');
    expect(h.info('aof_base_size')).toBe(String(h.file('appendonlydir/appendonly.aof.2.base.rdb').length + h.file('appendonlydir/appendonly.aof.2.incr.aof').length));
    h.host.powerLoss();
    h.restart();
    expect(h.run('STRLEN', 'a')).toBe(20_000);
    expect(h.run('GET', 'b')).toBe('1');
  });

  it('a crash while the child writes keeps the old files: the restart loads BASE 1 + INCR 1 + INCR 2', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'always', save: '' }, model: { saveBytesPerSec: 10_000 } });
    h.run('SET', 'a', noise(20_000, 2));
    h.run('BGREWRITEAOF');
    h.run('SET', 'b', '1');
    h.sim.advance(500);
    h.host.crash();
    h.sim.advance(10_000); // the orphaned child finishes its temp file; nobody installs it
    expect(h.host.disk.list('var/lib/redis')).toContain('temp-rewriteaof-bg-1001.aof');
    h.restart();
    expect(h.run('STRLEN', 'a')).toBe(20_000);
    expect(h.run('GET', 'b')).toBe('1');
    expect(aofFiles(h)).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
  });

  it('aof-use-rdb-preamble no: the BASE is RESP commands (appendonly.aof.N.base.aof)', () => {
    const h = hostHarness({ config: { appendonly: 'yes', 'aof-use-rdb-preamble': 'no', save: '' } });
    h.run('HSET', 'h', 'f', 'v');
    h.run('SET', 't', '1', 'PXAT', '9999999999999');
    h.run('BGREWRITEAOF');
    h.sim.advance(1_000);
    expect(manifest(h)).toBe('file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
    expect(h.file('appendonlydir/appendonly.aof.2.base.aof').toString('latin1')).toBe(
      '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*4\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\nf\r\n$1\r\nv\r\n' +
        '*3\r\n$3\r\nSET\r\n$1\r\nt\r\n$1\r\n1\r\n*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nt\r\n$13\r\n9999999999999\r\n',
    );
  });

  it('with the AOF off, a rewrite writes a BASE and marks every INCR file as history', () => {
    const h = hostHarness({ config: { appendonly: 'no', save: '' } });
    h.run('SET', 'a', '1');
    expect(h.run('BGREWRITEAOF')).toBe('Background append only file rewriting started');
    h.sim.advance(1_000);
    expect(manifest(h)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\n');
  });

  it('a failing rewrite sets the status and counts consecutive failures; after 3, automatic rewrites back off 1, 2, 4 … minutes', () => {
    const h = hostHarness({ config: { appendonly: 'yes', save: '', 'auto-aof-rewrite-min-size': '1kb', 'auto-aof-rewrite-percentage': '100' } });
    h.run('SET', 'a', noise(5_000, 3)); // growth far over 100 %: rewrites start on their own
    // Room for manifests, not for a 5 KB base: each child fails with ENOSPC.
    h.host.disk.capacityBytes = h.host.disk.stats().usedBytes + 1_000;
    h.sim.advance(1_000);
    expect(h.info('aof_last_bgrewrite_status')).toBe('err');
    expect(h.info('aof_rewrites_consecutive_failures')).toBe('3');
    expect(h.log()).toContain('Write error writing append only file on disk: No space left on device');
    expect(h.log()).toContain('Background AOF rewrite terminated with error');
    expect(h.log()).toContain('Background AOF rewrite has repeatedly failed and triggered the limit, will retry in 1 minutes');
    const attempts = Number(h.info('aof_rewrites'));
    expect(attempts).toBe(3);
    h.sim.advance(58_000);
    expect(Number(h.info('aof_rewrites'))).toBe(attempts);
    h.sim.advance(2_000);
    expect(Number(h.info('aof_rewrites'))).toBe(attempts + 1);
    h.sim.advance(1_000);
    expect(h.log()).toContain('Background AOF rewrite has repeatedly failed and triggered the limit, will retry in 2 minutes');
    // Every attempt opened a new INCR file (the "many small INCR files" the limit is for).
    expect(manifest(h).split('\n').filter((l) => l.endsWith('type i')).length).toBe(attempts + 2);
    // BGREWRITEAOF by hand resets the count and runs at once.
    h.host.disk.capacityBytes = Number.MAX_SAFE_INTEGER;
    expect(h.run('BGREWRITEAOF')).toBe('Background append only file rewriting started');
    h.sim.advance(1_000);
    expect(h.info('aof_rewrites_consecutive_failures')).toBe('0');
    expect(h.info('aof_last_bgrewrite_status')).toBe('ok');
  });

  it('a fork failure is not a rewrite failure: it is not counted and does not back off (7.0)', () => {
    const h = hostHarness({ config: { appendonly: 'yes', save: '' } });
    h.host.forkFails = true;
    expect(h.run('BGREWRITEAOF')).toEqual({ error: "ERR Can't execute an AOF background rewriting. Please check the server logs for more information." });
    expect(h.log()).toContain("Can't rewrite append only file in background: fork: Cannot allocate memory");
    expect(h.info('aof_last_bgrewrite_status')).toBe('err');
    expect(h.info('aof_rewrites_consecutive_failures')).toBe('0');
  });

  it('automatic rewrite: aof_current_size > auto-aof-rewrite-min-size and growth >= auto-aof-rewrite-percentage', () => {
    const h = hostHarness({ config: { appendonly: 'yes', save: '', 'auto-aof-rewrite-min-size': '10kb', 'auto-aof-rewrite-percentage': '100' } });
    h.run('SET', 'k', noise(6_000, 4));
    h.sim.advance(1_000);
    expect(h.info('aof_rewrites')).toBe('0'); // 6 KB <= 10 KB
    h.run('SET', 'k', noise(6_000, 5));
    h.sim.advance(1_000);
    expect(h.info('aof_rewrites')).toBe('1');
    expect(h.log().some((l) => /^Starting automatic rewriting of AOF on \d+% growth$/.test(l))).toBe(true);
    const base = Number(h.info('aof_base_size'));
    h.run('SET', 'k', noise(6_000, 6)); // +6 KB on a ~6 KB base: growth ~100 %
    h.sim.advance(1_000);
    const growth = Math.trunc((Number(h.info('aof_current_size')) * 100) / base) - 100;
    expect(h.info('aof_rewrites')).toBe(growth >= 100 ? '2' : '1');
  });

  it('CONFIG SET appendonly yes rewrites the dataset into a new AOF (temp INCR while waiting), and a restart loads it', () => {
    const h = hostHarness({ config: { appendonly: 'no', save: '' }, model: { saveBytesPerSec: 10_000 } });
    h.run('SET', 'a', noise(10_000, 7));
    expect(h.run('CONFIG', 'SET', 'appendonly', 'yes')).toBe('OK');
    expect(h.info('aof_enabled')).toBe('1');
    h.run('SET', 'b', '1'); // while the rewrite runs: into temp-appendonly.aof.incr
    expect(aofFiles(h)).toContain('temp-appendonly.aof.incr');
    h.sim.advance(5_000);
    expect(manifest(h)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    h.run('SET', 'c', '1');
    h.host.crash();
    h.restart({ appendonly: 'yes' });
    expect(h.run('STRLEN', 'a')).toBe(10_000);
    expect(h.run('GET', 'b')).toBe('1');
    expect(h.run('GET', 'c')).toBe('1');
  });

  it('CONFIG SET appendonly no stops appending and fsyncs what was written', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'no', save: '' } });
    h.run('SET', 'a', '1');
    expect(h.run('CONFIG', 'SET', 'appendonly', 'no')).toBe('OK');
    const incr = 'appendonlydir/appendonly.aof.1.incr.aof';
    expect(h.durableLength(incr)).toBe(h.file(incr).length);
    const size = h.file(incr).length;
    h.run('SET', 'b', '1');
    expect(h.file(incr).length).toBe(size);
    expect(h.info('aof_enabled')).toBe('0');
  });
});

describe('start-up with appendonly yes', () => {
  it('only the AOF is loaded: turning appendonly on in redis.conf over an RDB-only dataset starts empty', () => {
    const h = hostHarness({ config: { appendonly: 'no', save: '' } });
    h.run('SET', 'a', '1');
    h.run('SAVE');
    h.run('SHUTDOWN');
    h.restart({ appendonly: 'yes' });
    expect(h.run('DBSIZE')).toBe(0);
    expect(h.log()).toContain('Creating AOF base file appendonly.aof.1.base.rdb on server start');
  });

  it('an old-style appendonly.aof is migrated into the AOF directory', () => {
    const h = hostHarness({ config: { appendonly: 'no', save: '' } });
    const disk = h.host.disk;
    const f = disk.open('var/lib/redis/appendonly.aof', { create: true });
    disk.append(f, Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n7\r\n', 'latin1'));
    h.host.crash();
    h.restart({ appendonly: 'yes' });
    expect(h.run('GET', 'x')).toBe('7');
    expect(h.log()).toContain('Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).');
    expect(manifest(h)).toBe('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  });

  it('history files left by a crash after the manifest was persisted are deleted at start', () => {
    const h = hostHarness({ config: { appendonly: 'yes', save: '' } });
    const disk = h.host.disk;
    const m = disk.open('var/lib/redis/appendonlydir/appendonly.aof.manifest', { truncate: true });
    disk.append(m, Buffer.from('file appendonly.aof.1.base.rdb seq 1 type b\nfile old.aof seq 1 type h\nfile appendonly.aof.1.incr.aof seq 1 type i\n'));
    disk.open('var/lib/redis/appendonlydir/old.aof', { create: true });
    h.host.crash();
    h.restart();
    expect(aofFiles(h)).not.toContain('old.aof');
    const parsed = parseAofManifest(manifest(h));
    expect(parsed.ok && parsed.manifest.historyList).toEqual([]);
  });
});
