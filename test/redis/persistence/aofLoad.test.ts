/**
 * What a restarted server makes of the AOF it finds: a torn or cut last
 * command (aof-load-truncated yes: cut and start; no: refuse), an
 * unfinished MULTI at the tail (reverted), garbage in the middle (refuse
 * whatever the setting), a manifest naming a missing file; and the
 * check-and-fix an operator runs then.
 */
import { describe, expect, it } from 'vitest';
import { checkAofOnHost } from '../../../src/redis/persistence/checkAofOnHost';
import { hostHarness, type HostHarness } from './hostHarness';

const INCR = 'var/lib/redis/appendonlydir/appendonly.aof.1.incr.aof';

function withCommands(h: HostHarness, n: number): void {
  for (let i = 0; i < n; i++) h.run('SET', `k${i}`, `v${i}`);
}

function cutIncr(h: HostHarness, dropBytes: number): number {
  const disk = h.host.disk;
  const handle = disk.open(INCR);
  const size = disk.length(handle) - dropBytes;
  disk.truncate(handle, size);
  return size;
}

describe('start-up with a damaged AOF', () => {
  it('aof-load-truncated yes: the short last command is dropped, the file cut, with Redis\'s log lines', () => {
    const h = hostHarness({ config: { appendonly: 'yes' } });
    withCommands(h, 5);
    h.host.crash();
    const size = cutIncr(h, 3);
    const lastCommandStart = size - ('*3\r\n$3\r\nSET\r\n$2\r\nk4\r\n$2\r\nv4\r\n'.length - 3);
    h.restart();
    expect(h.run('DBSIZE')).toBe(4);
    expect(h.log()).toEqual(
      expect.arrayContaining([
        '!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!',
        `!!! Truncating the AOF appendonly.aof.1.incr.aof at offset ${lastCommandStart} !!!`,
        'AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled',
      ]),
    );
    expect(h.host.disk.size(INCR)).toBe(lastCommandStart);
  });

  it('aof-load-truncated no: the server refuses to start, and says what to do', () => {
    const h = hostHarness({ config: { appendonly: 'yes', 'aof-load-truncated': 'no' } });
    withCommands(h, 5);
    h.host.crash();
    cutIncr(h, 3);
    const r = h.host.restart();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.exitCode).toBe(1);
    expect(h.host.isRunning).toBe(false);
    expect(h.log()).toContain(
      "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
    );
    // redis-check-aof --fix cuts the file; then the server starts.
    const check = checkAofOnHost(h.host, { fix: true, nowMs: h.sim.nowMs });
    expect(check.exitCode).toBe(0);
    expect(check.output).toContain('Successfully truncated AOF appendonly.aof.1.incr.aof');
    h.restart();
    expect(h.run('DBSIZE')).toBe(4);
  });

  it('an unfinished MULTI at the tail is reverted', () => {
    const h = hostHarness({ config: { appendonly: 'yes' } });
    withCommands(h, 2);
    h.client.pipeline([['MULTI'], ['SET', 'm1', '1'], ['SET', 'm2', '2'], ['EXEC']]);
    h.host.crash();
    cutIncr(h, '*1\r\n$4\r\nEXEC\r\n'.length);
    h.restart();
    expect(h.run('DBSIZE')).toBe(2);
    expect(h.log()).toContain('Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof');
  });

  it('garbage in the middle refuses to start whatever aof-load-truncated says; check-aof says where', () => {
    for (const setting of ['yes', 'no']) {
      const h = hostHarness({ config: { appendonly: 'yes', 'aof-load-truncated': setting } });
      withCommands(h, 5);
      h.host.crash();
      const disk = h.host.disk;
      const handle = disk.open(INCR);
      // SELECT 0 is 23 bytes, each SET 29: byte 52 is the '*' of the second SET.
      disk.pwrite(handle, 52, Buffer.from('!'));
      expect(h.host.restart().ok).toBe(false);
      expect(h.log()).toContain(
        'Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>',
      );
      const check = checkAofOnHost(h.host, { fix: false, nowMs: h.sim.nowMs });
      expect(check.exitCode).toBe(1);
      expect(check.output).toContain('AOF appendonly.aof.1.incr.aof is not valid. Use the --fix option to try fixing it.');
    }
  });

  it('a file the manifest names but the disk lacks is fatal', () => {
    const h = hostHarness({ config: { appendonly: 'yes' } });
    withCommands(h, 1);
    h.host.crash();
    h.host.disk.unlink(INCR);
    expect(h.host.restart().ok).toBe(false);
    expect(h.log()).toContain('Unable to obtain the AOF file appendonly.aof.1.incr.aof length. stat: No such file or directory');
  });

  it('a corrupt manifest is fatal, with the manifest error', () => {
    const h = hostHarness({ config: { appendonly: 'yes' } });
    h.host.crash();
    const disk = h.host.disk;
    disk.append(disk.open('var/lib/redis/appendonlydir/appendonly.aof.manifest'), Buffer.from('file x seq 0 type i\n'));
    expect(h.host.restart().ok).toBe(false);
    expect(h.log()).toContain('Invalid AOF manifest file format');
  });

  it('a power loss can tear the last command; the restart cuts it', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'no' }, disk: { tornWriteProbability: 1 }, seed: 'torn-3' });
    for (let i = 0; i < 40; i++) h.run('SET', `k${i}`, 'x'.repeat(100));
    const { tornFiles } = h.host.powerLoss();
    expect(tornFiles).toEqual([INCR]);
    h.restart();
    const kept = h.run('DBSIZE') as number;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(40);
    expect(h.log().some((l) => l.startsWith('!!! Truncating the AOF appendonly.aof.1.incr.aof at offset'))).toBe(true);
  });
});
