import { describe, expect, it } from 'vitest';
import { activeExpireCycle, newActiveExpireState } from '../../src/redis/activeExpire';
import { Keyspace } from '../../src/redis/Keyspace';
import { RedisServer } from '../../src/redis/RedisServer';
import { Rng } from '../../src/sim/Rng';
import { DEFAULT_START_MS, Simulation } from '../../src/sim/Simulation';
import { harness } from './support/harness';

const NOW = DEFAULT_START_MS;

describe('redis expiry on the sim clock: lazy expiry on access', () => {
  it('a key lives through its last millisecond and is gone the next (keyIsExpired: now > when)', () => {
    const { sim, run } = harness();
    run('SET', 'k', 'v', 'PX', '150');
    sim.advance(150);
    expect(run('GET', 'k')).toBe('v');
    sim.advance(1);
    expect(run('GET', 'k')).toBe(null);
  });

  it('a read that finds an expired key deletes it, propagates DEL and traces a lazy expiry', () => {
    const { sim, server, run, propagated } = harness();
    run('SET', 'k', 'v', 'PX', '150');
    sim.advance(160); // the cron tick at 100 ms found nothing expired yet
    expect(run('EXISTS', 'k')).toBe(0);
    expect(propagated).toEqual([`0: SET k v PXAT ${NOW + 150}`, '0: DEL k']);
    expect(server.stats.expiredKeys).toBe(1);
    const expiries = sim.trace.records.filter((r) => r.type === 'redis.expire');
    expect(expiries).toEqual([{ t: NOW + 160, type: 'redis.expire', server: 'redis', db: 0, key: 'k', cause: 'lazy' }]);
  });

  it('a write over an expired key propagates the DEL and the write wrapped in MULTI/EXEC (7.0 call())', () => {
    const { sim, run, propagated } = harness();
    run('SET', 'k', 'old', 'PX', '150');
    sim.advance(160);
    propagated.length = 0;
    run('SET', 'k', 'new');
    expect(propagated).toEqual(['0: MULTI', '0: DEL k', '0: SET k new', '0: EXEC']);
  });

  it('lazy expiry is not a change in dirty, and UNLINK is propagated with lazyfree-lazy-expire', () => {
    const { sim, server, run, propagated } = harness({ config: { 'lazyfree-lazy-expire': 'yes' } });
    run('SET', 'k', 'v', 'PX', '150');
    const dirty = server.dirty;
    sim.advance(160);
    run('GET', 'k');
    expect(server.dirty).toBe(dirty);
    expect(propagated.at(-1)).toBe('0: UNLINK k');
  });

  it('KEYS hides an expired key without deleting it and DBSIZE still counts it, as db.c does', () => {
    const { sim, run } = harness();
    run('SET', 'k', 'v', 'PX', '150');
    run('SET', 'other', 'v');
    sim.advance(160);
    expect(run('KEYS', '*')).toEqual(['other']);
    expect(run('DBSIZE')).toBe(2);
  });

  it('TTL rounds to the nearest second, PTTL is exact, -1 without TTL, -2 without key', () => {
    const { sim, run } = harness();
    run('SET', 'k', 'v', 'PX', '1500');
    sim.advance(400);
    expect(run('PTTL', 'k')).toBe(1100);
    expect(run('TTL', 'k')).toBe(1);
    expect(run('PEXPIRETIME', 'k')).toBe(NOW + 1500);
    run('SET', 'p', 'v');
    expect(run('TTL', 'p')).toBe(-1);
    expect(run('TTL', 'nope')).toBe(-2);
  });
});

describe('redis expiry commands: EXPIRE family, options, PERSIST', () => {
  it('EXPIRE/PEXPIRE/EXPIREAT propagate as PEXPIREAT with the absolute time; PEXPIREAT as sent', () => {
    const { run, propagated } = harness();
    run('MSET', 'a', '1', 'b', '1', 'c', '1', 'd', '1');
    run('EXPIRE', 'a', '10');
    run('PEXPIRE', 'b', '2500', 'NX');
    run('EXPIREAT', 'c', String(NOW / 1000 + 60));
    run('pexpireat', 'd', String(NOW + 70_000));
    expect(propagated.slice(1)).toEqual([
      `0: PEXPIREAT a ${NOW + 10_000}`,
      `0: PEXPIREAT b ${NOW + 2500} NX`,
      `0: PEXPIREAT c ${NOW + 60_000}`,
      `0: pexpireat d ${NOW + 70_000}`,
    ]);
  });

  it('an expire time already past deletes the key at once and propagates DEL', () => {
    const { run, propagated } = harness();
    run('SET', 'k', 'v');
    expect(run('EXPIRE', 'k', '-1')).toBe(1);
    expect(run('EXISTS', 'k')).toBe(0);
    expect(propagated).toEqual(['0: SET k v', '0: DEL k']);
    expect(run('EXPIRE', 'k', '10')).toBe(0);
  });

  it('NX, XX, GT and LT gate the change as expireGenericCommand does, and conflicts are errors', () => {
    const { run } = harness();
    run('SET', 'k', 'v');
    expect(run('EXPIRE', 'k', '100', 'XX')).toBe(0);
    expect(run('EXPIRE', 'k', '100', 'GT')).toBe(0); // no TTL counts as infinite
    expect(run('EXPIRE', 'k', '100', 'LT')).toBe(1);
    expect(run('EXPIRE', 'k', '50', 'NX')).toBe(0);
    expect(run('EXPIRE', 'k', '200', 'GT')).toBe(1);
    expect(run('EXPIRE', 'k', '300', 'LT')).toBe(0);
    expect(run('TTL', 'k')).toBe(200);
    expect(run('EXPIRE', 'k', '1', 'NX', 'XX')).toEqual({ error: 'ERR NX and XX, GT or LT options at the same time are not compatible' });
    expect(run('EXPIRE', 'k', '1', 'GT', 'LT')).toEqual({ error: 'ERR GT and LT options at the same time are not compatible' });
    expect(run('EXPIRE', 'k', '1', 'SOON')).toEqual({ error: 'ERR Unsupported option SOON' });
    expect(run('EXPIRE', 'k', '9223372036854775807')).toEqual({ error: "ERR invalid expire time in 'expire' command" });
  });

  it('PERSIST removes a TTL once and counts as a change only then', () => {
    const { run, server } = harness();
    run('SET', 'k', 'v', 'EX', '100');
    const dirty = server.dirty;
    expect(run('PERSIST', 'k')).toBe(1);
    expect(run('PERSIST', 'k')).toBe(0);
    expect(server.dirty - dirty).toBe(1);
    expect(run('TTL', 'k')).toBe(-1);
  });
});

describe('redis expiry on the sim clock: active expiry in serverCron', () => {
  it('an idle server schedules nothing; a TTL starts serverCron, which stops once no key has one', () => {
    const { sim, server, run } = harness();
    run('SET', 'plain', 'v');
    expect(sim.pendingEvents).toBe(0);
    run('SET', 'k', 'v', 'PX', '250');
    expect(server.cronScheduled).toBe(true);
    sim.advance(1000);
    expect(server.cronScheduled).toBe(false);
    expect(sim.pendingEvents).toBe(0);
    expect(run('DBSIZE')).toBe(1);
    const expiry = sim.trace.records.find((r) => r.type === 'redis.expire');
    // Cron ticks at 100 ms multiples since start: the key (gone after 250) goes at 300.
    expect(expiry).toMatchObject({ t: NOW + 300, key: 'k', cause: 'active' });
  });

  it('keys nobody reads are reclaimed by the cron within a few ticks, across databases', () => {
    const { sim, server, client } = harness();
    const batch: string[][] = [];
    for (let db = 0; db < 3; db++) {
      batch.push(['SELECT', String(db)]);
      for (let i = 0; i < 500; i++) batch.push(['SET', `k${i}`, 'v', 'PX', String(100 + i)]);
    }
    client.pipeline(batch);
    sim.advance(700);
    const left = [0, 1, 2].map((db) => server.ks.keyCount(db));
    expect(left.every((n) => n === 0)).toBe(true);
    expect(server.stats.expiredKeys).toBe(1500);
  });

  it('a tick is proportionate: keys far from expiry cost one sample loop per database', () => {
    const ks = new Keyspace({ nowMs: NOW });
    for (let i = 0; i < 10_000; i++) {
      ks.add(0, `k${i}`, { type: 'string', value: 'v' });
      ks.setExpire(0, `k${i}`, NOW + 3_600_000);
    }
    const result = activeExpireCycle(ks, new Rng('t'), newActiveExpireState(), 'slow', { nowMs: NOW, hz: 10, effort: 1 });
    expect(result).toEqual({ sampled: 20, expired: 0, timelimitExit: false });
  });

  it('a tick facing a mass expiry stops at its modelled time limit and the next one resumes', () => {
    const clock = { nowMs: NOW };
    const ks = new Keyspace(clock);
    for (let i = 0; i < 100_000; i++) {
      ks.add(0, `k${i}`, { type: 'string', value: 'v' });
      ks.setExpire(0, `k${i}`, NOW + 10);
    }
    clock.nowMs = NOW + 20;
    const state = newActiveExpireState();
    const first = activeExpireCycle(ks, new Rng('t'), state, 'slow', { nowMs: clock.nowMs, hz: 10, effort: 1 });
    expect(first.timelimitExit).toBe(true);
    // 25 % of a 100 ms period at 1 µs per sampled key, checked every 16 loops of 20.
    expect(first.sampled).toBeGreaterThan(24_000);
    expect(first.sampled).toBeLessThan(26_000);
    expect(ks.keyCount(0)).toBe(100_000 - first.expired);
    expect(state.timeCapReachedCount).toBe(1);
  });

  it('active expiry is deterministic for a seed: same seed, same trace; the RNG decides the order', () => {
    const traceFor = (seed: string): string => {
      const sim = new Simulation({ seed });
      const server = new RedisServer({ sim });
      const client = server.connect();
      const batch: string[][] = [];
      for (let i = 0; i < 2000; i++) batch.push(['SET', `k${i}`, 'v', 'PX', String(50 + (i % 7))]);
      client.pipeline(batch);
      sim.advance(2000);
      return sim.trace.toJsonl();
    };
    const a = traceFor('seed-a');
    expect(traceFor('seed-a')).toBe(a);
    expect(traceFor('seed-b')).not.toBe(a);
    expect(a.split('\n').filter((l) => l.includes('"cause":"active"'))).toHaveLength(2000);
  });

  it('INFO keyspace reports keys, expires and the running avg_ttl estimate of the cron', () => {
    const { sim, run } = harness();
    run('SET', 'a', 'v', 'EX', '100');
    run('SET', 'b', 'v');
    sim.advance(100);
    const info = run('INFO', 'keyspace') as string;
    expect(info).toBe('# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=99900\r\n');
  });
});

describe('redis loading: replaying an AOF through the server as loadSingleAppendOnlyFile', () => {
  it('while loading nothing expires, past EXPIREs keep their TTL, nothing is propagated, clients get -LOADING', () => {
    const { sim, server, run, propagated } = harness();
    const aof = server.createLoadingClient();
    server.loading = true;
    expect(server.replayCommand(aof, ['SET', 'k', 'v', 'PXAT', String(NOW - 1000)])).toBe('ok');
    expect(server.replayCommand(aof, ['SELECT', '2'])).toBe('ok');
    expect(server.replayCommand(aof, ['SET', 'j', 'v'])).toBe('ok');
    expect(server.replayCommand(aof, ['PEXPIREAT', 'j', String(NOW - 5)])).toBe('ok');
    expect(server.replayCommand(aof, ['MULTI'])).toBe('ok');
    expect(server.replayCommand(aof, ['INCR', 'n'])).toBe('ok');
    expect(server.replayCommand(aof, ['INCR', 'n'])).toBe('ok');
    expect(server.replayCommand(aof, ['EXEC'])).toBe('ok');
    expect(server.replayCommand(aof, ['NOSUCH', 'x'])).toBe('unknown-command');
    expect(server.ks.peek(0, 'k')).toEqual({ type: 'string', value: 'v' });
    expect(server.ks.getExpire(2, 'j')).toBe(NOW - 5);
    expect(server.ks.peek(2, 'n')).toEqual({ type: 'string', value: '2' });
    expect(run('GET', 'k')).toEqual({ error: 'LOADING Redis is loading the dataset in memory' });
    expect(run('PING')).toEqual({ error: 'LOADING Redis is loading the dataset in memory' });
    expect(propagated).toEqual([]);
    server.loading = false;
    expect(run('GET', 'k')).toBe(null);
    sim.advance(1000);
    expect(server.ks.keyCount(2)).toBe(1);
  });
});
