/**
 * When AOF bytes reach the page cache and the disk, per appendfsync policy,
 * and the loss windows that follow from it (never coded: they come out of
 * the disk model and of when Redis writes and fsyncs).
 */
import { describe, expect, it } from 'vitest';
import { hostHarness } from './hostHarness';

const INCR = 'appendonlydir/appendonly.aof.1.incr.aof';

describe('AOF: the buffer is written before replies go out', () => {
  it('after a reply the command is in the INCR file (page cache), with SELECT where the db changes', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'no' } });
    h.run('SET', 'a', '1');
    h.run('SELECT', '3');
    h.run('SET', 'b', '2');
    h.run('GET', 'b');
    expect(h.file(INCR).toString('latin1')).toBe(
      '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n' + '*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n',
    );
    expect(h.info('aof_buffer_length')).toBe('0');
  });

  it('a pipeline is written once, after all its commands (one event-loop iteration)', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'no' } });
    const before = h.file(INCR).length;
    h.client.pipeline([['SET', 'a', '1'], ['MULTI'], ['INCR', 'n'], ['INCR', 'n'], ['EXEC']]);
    const text = h.file(INCR).subarray(before).toString('latin1');
    expect(text).toContain('*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*1\r\n$4\r\nEXEC\r\n');
  });

  it('a process crash loses nothing that was acknowledged: the page cache survives', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'no' } });
    for (let i = 0; i < 50; i++) h.run('INCR', 'n');
    h.host.crash();
    h.restart();
    expect(h.run('GET', 'n')).toBe('50');
  });
});

describe('appendfsync always', () => {
  it('every acknowledged write is durable when its reply goes out', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'always' } });
    for (let i = 0; i < 20; i++) {
      h.run('INCR', 'n');
      expect(h.durableLength(INCR)).toBe(h.file(INCR).length);
    }
    h.host.powerLoss();
    h.restart();
    expect(h.run('GET', 'n')).toBe('20');
  });

  it('the fsync blocks the event loop for the disk latency', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'always' }, disk: { fsyncLatencyMs: 8 } });
    const t0 = h.sim.nowMs;
    h.run('SET', 'a', '1');
    expect(h.sim.nowMs - t0).toBe(8);
  });
});

describe('appendfsync everysec', () => {
  it('fsyncs in the background about once a second: a power loss loses at most the current second', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'everysec' } });
    // Writes every 100 ms from t=0 to t=4.95 s; power lost at 4.95 s.
    for (let i = 0; i < 50; i++) {
      h.run('INCR', 'n');
      h.sim.advance(i === 49 ? 0 : 100);
    }
    h.sim.advance(50);
    h.run('INCR', 'n');
    h.host.powerLoss();
    h.restart();
    const survived = Number(h.run('GET', 'n'));
    // serverCron's tick at 4.0 s (before the write of 4.0 s) started the fsync of the 40 writes before
    // it; everything after was in the page cache only.
    expect(survived).toBe(40);
  });

  it('a write while the background fsync still runs is postponed up to 2 s, then done anyway and counted', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'everysec' }, disk: { fsyncLatencyMs: 5000 } });
    h.sim.advance(1000);
    h.run('SET', 'a', '1'); // second 1 > 0: a bio fsync starts and runs 5 s
    expect(h.info('aof_pending_bio_fsync')).toBe('1');
    h.sim.advance(100);
    h.run('SET', 'b', '2'); // postponed
    expect(Number(h.info('aof_buffer_length'))).toBeGreaterThan(0);
    expect(h.file(INCR).toString('latin1')).not.toContain('$1\r\nb\r\n');
    h.sim.advance(1000);
    expect(h.file(INCR).toString('latin1')).not.toContain('$1\r\nb\r\n');
    h.sim.advance(1000); // 2 s after the first postponement: written anyway
    expect(h.file(INCR).toString('latin1')).toContain('$1\r\nb\r\n');
    expect(h.info('aof_delayed_fsync')).toBe('1');
    expect(h.log()).toContain(
      'Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.',
    );
  });

  it('while a write is postponed, even a process crash loses acknowledged writes', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'everysec' }, disk: { fsyncLatencyMs: 5000 } });
    h.sim.advance(1000);
    h.run('SET', 'a', '1');
    h.sim.advance(100);
    expect(h.run('SET', 'b', '2')).toBe('OK');
    h.host.crash();
    h.restart();
    expect(h.run('GET', 'a')).toBe('1');
    expect(h.run('GET', 'b')).toBe(null);
  });

  it('an idle server still fsyncs what it wrote, within the next second', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'everysec' } });
    h.sim.advance(300);
    h.run('SET', 'a', '1');
    expect(h.durableLength(INCR)).toBe(0);
    h.sim.advance(800);
    expect(h.durableLength(INCR)).toBe(h.file(INCR).length);
  });
});

describe('appendfsync no', () => {
  it('only the kernel writes back: dirty for 30 s, on a 5 s flusher tick', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'no' } });
    h.run('SET', 'a', '1');
    h.sim.advance(29_000);
    expect(h.durableLength(INCR)).toBe(0);
    h.sim.advance(1_000);
    expect(h.durableLength(INCR)).toBe(h.file(INCR).length);
  });

  it('a power loss can lose the last ~30 s of acknowledged writes', () => {
    const h = hostHarness({ config: { appendonly: 'yes', appendfsync: 'no' } });
    for (let i = 0; i < 59; i++) {
      h.run('INCR', 'n');
      h.sim.advance(1000);
    }
    h.host.powerLoss();
    h.restart();
    // Written back at the 30 s tick (the 30 writes before it), dirty again from the write at 30 s, next
    // writeback due at 60 s: the 29 writes of the last 29 seconds are gone.
    expect(h.run('GET', 'n')).toBe('30');
  });
});

describe('no-appendfsync-on-rewrite', () => {
  it('yes: no fsync while a child runs', () => {
    const h = hostHarness({
      config: { appendonly: 'yes', appendfsync: 'always', 'no-appendfsync-on-rewrite': 'yes', save: '' },
      model: { saveBytesPerSec: 1000 },
    });
    h.run('SET', 'big', 'x'.repeat(5000));
    h.run('BGSAVE');
    h.run('SET', 'a', '1');
    expect(h.durableLength(INCR)).toBeLessThan(h.file(INCR).length);
    h.sim.advance(10_000);
    h.run('SET', 'b', '2');
    expect(h.durableLength(INCR)).toBe(h.file(INCR).length);
  });
});
