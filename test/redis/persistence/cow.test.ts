/**
 * Fork and copy-on-write: the fork's latency grows with memory; while a
 * child runs, parent writes copy 4 KiB pages, so the extra memory grows
 * with the write rate (and is bounded by the dataset); the accounting costs
 * what the writes touch, not what the dataset holds; a host that runs out
 * of memory kills redis-server.
 */
import { describe, expect, it } from 'vitest';
import { CowTracker, PAGE_BYTES } from '../../../src/redis/persistence/CowTracker';
import { EncodingTracker } from '../../../src/redis/encoding';
import { forkLatencyUsec, DEFAULT_HOST_MODEL } from '../../../src/redis/persistence/hostModel';
import { hostHarness, noise } from './hostHarness';

function populated(keys: number, valueBytes: number, options: { memoryBytes?: number } = {}) {
  const h = hostHarness({ config: { save: '', rdbcompression: 'no' }, model: { saveBytesPerSec: 2_000_000, memoryBytes: options.memoryBytes ?? Infinity } });
  const value = noise(valueBytes, 9);
  for (let i = 0; i < keys; i++) h.server.ks.add(0, `key:${i}`, { type: 'string', value: value + i });
  return h;
}

/** `rate` SETs per 100 ms to distinct existing keys while a BGSAVE runs; the peak copy-on-write. */
function cowUnderWrites(rate: number): { peak: number; last: number } {
  const h = populated(4000, 1000);
  h.run('BGSAVE');
  let k = 0;
  let peak = 0;
  for (let t = 0; t < 25 && h.info('rdb_bgsave_in_progress') === '1'; t++) {
    for (let j = 0; j < rate; j++) h.run('SET', `key:${k++ % 4000}`, 'v');
    h.sim.advance(100);
    peak = Math.max(peak, Number(h.info('current_cow_peak')));
  }
  h.sim.advance(10_000);
  return { peak, last: Number(h.info('rdb_last_cow_size')) };
}

describe('fork latency', () => {
  it('grows with used memory (13 ms per GB by default)', () => {
    expect(forkLatencyUsec(DEFAULT_HOST_MODEL, 0)).toBe(250);
    expect(forkLatencyUsec(DEFAULT_HOST_MODEL, 1024 ** 3)).toBe(13_250);
    expect(forkLatencyUsec({ ...DEFAULT_HOST_MODEL, forkUsecPerGb: 240_000 }, 1.5 * 1024 ** 3)).toBe(360_250);
  });
});

describe('copy-on-write while a child runs', () => {
  it('grows with the write rate', () => {
    const slow = cowUnderWrites(5);
    const fast = cowUnderWrites(100);
    expect(slow.last).toBeGreaterThan(0);
    expect(fast.last).toBeGreaterThan(slow.last * 5);
    expect(fast.peak).toBeGreaterThan(0);
    expect(fast.peak).toBeLessThanOrEqual(fast.last);
  });

  it('never exceeds the dataset: a page is copied once', () => {
    const h = populated(500, 1000);
    h.run('BGSAVE');
    for (let round = 0; round < 3; round++) for (let i = 0; i < 500; i++) h.run('SET', `key:${i}`, 'v');
    h.sim.advance(10_000);
    const used = Math.ceil(h.host.persistence!.usedMemoryAtFork / PAGE_BYTES) * PAGE_BYTES;
    expect(Number(h.info('rdb_last_cow_size'))).toBeLessThanOrEqual(used);
  });

  it('keys created after the fork live in new memory: their values copy nothing', () => {
    const tracker = new CowTracker(1_000_000, new EncodingTracker());
    for (let i = 0; i < 100; i++) tracker.touch(0, `new:${i}`, undefined);
    expect(tracker.copiedPages).toBeLessThanOrEqual(100);
    tracker.touch(0, 'old', { type: 'string', value: noise(40_000, 1) });
    expect(tracker.copiedPages).toBeGreaterThanOrEqual(10);
  });

  it('costs what the writes touch, not the dataset size', () => {
    const encodings = new EncodingTracker();
    const small = new CowTracker(1 << 20, encodings);
    const huge = new CowTracker(1.5 * 1024 ** 4, encodings); // 1.5 TB of pages, none allocated
    const value = { type: 'string' as const, value: 'x'.repeat(100) };
    for (let i = 0; i < 1000; i++) {
      small.touch(0, `k${i}`, value);
      huge.touch(0, `k${i}`, value);
    }
    expect(huge.copiedPages).toBe(2000);
    expect(small.copiedPages).toBeLessThanOrEqual(256);
  });

  it('INFO reports the child\'s progress and copy-on-write about once a second', () => {
    const h = populated(4000, 1000);
    h.run('BGSAVE');
    expect(h.info('current_save_keys_total')).toBe('4000');
    for (let t = 0; t < 15; t++) {
      for (let j = 0; j < 50; j++) h.run('SET', `key:${t * 50 + j}`, 'v');
      h.sim.advance(100);
    }
    expect(Number(h.info('current_cow_size'))).toBeGreaterThan(0);
    expect(Number(h.info('current_fork_perc'))).toBeGreaterThan(0);
    expect(Number(h.info('current_save_keys_processed'))).toBeGreaterThan(0);
    expect(Number(h.info('rdb_current_bgsave_time_sec'))).toBeGreaterThanOrEqual(1);
    h.sim.advance(10_000);
    expect(h.info('current_cow_size')).toBe('0');
    expect(h.info('current_save_keys_total')).toBe('0');
  });

  it('the host runs out of memory: the OOM killer kills redis-server, the child finishes the dump', () => {
    const h = populated(4000, 1000, { memoryBytes: 6_000_000 });
    h.run('BGSAVE');
    let i = 0;
    while (h.host.isRunning && i < 4000) h.run('SET', `key:${i++}`, 'v');
    expect(h.host.processState).toBe('oom-killed');
    h.sim.advance(10_000);
    h.restart();
    expect(h.run('DBSIZE')).toBe(4000);
    expect(h.run('STRLEN', 'key:0')).toBe(1001); // the dump is the keyspace at fork time
  });
});
