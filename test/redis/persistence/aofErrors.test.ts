/**
 * AOF write and fsync errors: a full disk or an I/O error denies writes with
 * -MISCONF (the errno's text) until a write succeeds; with appendfsync
 * always the server exits; a failed background fsync denies writes until
 * one succeeds.
 */
import { describe, expect, it } from 'vitest';
import { hostHarness } from './hostHarness';

describe('AOF write errors', () => {
  it('disk full: the short write is removed, writes get -MISCONF, and resume once the disk has room', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'everysec', save: '' } });
    h.run('SET', 'a', '1');
    const incr = 'appendonlydir/appendonly.aof.1.incr.aof';
    const before = h.file(incr).length;
    h.host.disk.capacityBytes = h.host.disk.stats().usedBytes + 10;
    expect(h.run('SET', 'b', 'x'.repeat(100))).toBe('OK'); // executed; its AOF write fails after
    expect(h.file(incr).length).toBe(before); // ftruncate removed the partial write
    expect(h.info('aof_last_write_status')).toBe('err');
    expect(h.log()).toContain('Short write while writing to the AOF file: (nwritten=10, expected=128)');
    expect(h.run('SET', 'c', '1')).toEqual({ error: 'MISCONF Errors writing to the AOF file: No space left on device' });
    expect(h.run('GET', 'a')).toBe('1');
    h.host.disk.capacityBytes = Number.MAX_SAFE_INTEGER;
    h.sim.advance(1_000); // serverCron retries every second
    expect(h.info('aof_last_write_status')).toBe('ok');
    expect(h.log()).toContain('AOF write error looks solved, Redis can write again.');
    expect(h.run('SET', 'c', '1')).toBe('OK');
    h.host.crash();
    h.restart();
    expect(h.run('STRLEN', 'b')).toBe(100); // the buffered write reached the file in the end
  });

  it('an I/O error gives -MISCONF with its errno text', () => {
    const h = hostHarness({ config: { appendonly: 'yes', save: '' } });
    h.host.disk.failWrites = true;
    h.run('SET', 'a', '1');
    expect(h.run('SET', 'b', '1')).toEqual({ error: 'MISCONF Errors writing to the AOF file: Input/output error' });
    expect(h.log()).toContain('Error writing to the AOF file: Input/output error');
  });

  it('appendfsync always: a write error is fatal (exit 1): the client never gets its reply acknowledged by a live server', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'always', save: '' } });
    h.host.disk.failWrites = true;
    h.client.call('SET', 'a', '1');
    expect(h.host.isRunning).toBe(false);
    expect(h.host.lastExit?.code).toBe(1);
    expect(h.log()).toContain("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
  });

  it('a failed background fsync (everysec) denies writes until a later fsync succeeds, which needs something to write', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'everysec', save: '' }, disk: { fsyncLatencyMs: 10 } });
    const disk = h.host.disk;
    h.sim.advance(1_000);
    h.run('SET', 't', '1', 'PX', '3000'); // written; a bio fsync starts and takes 10 ms
    disk.failWrites = true; // and fails
    h.sim.advance(10);
    disk.failWrites = false;
    expect(h.log()).toContain('Fail to fsync the AOF file: Input/output error');
    expect(h.info('aof_last_write_status')).toBe('err');
    expect(h.run('SET', 'b', '1')).toEqual({ error: 'MISCONF Errors writing to the AOF file: Input/output error' });
    // Only a successful bio fsync clears the error (bio.c); with writes refused nothing new is written...
    h.sim.advance(1_500);
    expect(h.info('aof_last_write_status')).toBe('err');
    // ... until the key expires: its DEL is appended and fsynced the next second.
    h.sim.advance(2_000);
    expect(h.info('aof_last_write_status')).toBe('ok');
    expect(h.run('SET', 'b', '1')).toBe('OK');
  });
});
