import { describe, expect, it } from 'vitest';
import { DEFAULT_START_MS } from '../../src/sim/Simulation';
import { harness } from './support/harness';

const NOW = DEFAULT_START_MS;

describe('redis strings: SET options as setGenericCommand parses them', () => {
  it('SET then GET returns the value as a bulk string, SET itself a +OK status', () => {
    const { client } = harness();
    expect(client.call('SET', 'k', 'v')).toEqual({ kind: 'simple', value: 'OK' });
    expect(client.call('GET', 'k')).toEqual({ kind: 'bulk', value: 'v' });
    expect(client.call('GET', 'missing')).toEqual({ kind: 'nullBulk' });
  });

  it('SET NX only creates, SET XX only replaces, and both abort with a null bulk', () => {
    const { run } = harness();
    expect(run('SET', 'k', 'v', 'XX')).toBe(null);
    expect(run('SET', 'k', 'v', 'NX')).toBe('OK');
    expect(run('SET', 'k', 'w', 'NX')).toBe(null);
    expect(run('SET', 'k', 'w', 'XX')).toBe('OK');
    expect(run('GET', 'k')).toBe('w');
  });

  it('SET with conflicting options is a syntax error (NX with XX, EX with PX, KEEPTTL with EX)', () => {
    const { run } = harness();
    for (const options of [['NX', 'XX'], ['EX', '10', 'PX', '10'], ['KEEPTTL', 'EX', '10'], ['EX'], ['BOGUS']]) {
      expect(run('SET', 'k', 'v', ...options)).toEqual({ error: 'ERR syntax error' });
    }
  });

  it('SET EX with a non-integer, zero or overflowing time gives 7.0 error texts naming the command', () => {
    const { run } = harness();
    expect(run('SET', 'k', 'v', 'EX', 'ten')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(run('SET', 'k', 'v', 'EX', '0')).toEqual({ error: "ERR invalid expire time in 'set' command" });
    expect(run('SET', 'k', 'v', 'PX', '-5')).toEqual({ error: "ERR invalid expire time in 'set' command" });
    expect(run('SET', 'k', 'v', 'EX', '9223372036854775')).toEqual({ error: "ERR invalid expire time in 'set' command" });
    expect(run('SETEX', 'k', '0', 'v')).toEqual({ error: "ERR invalid expire time in 'setex' command" });
    expect(run('EXISTS', 'k')).toBe(0);
  });

  it('SET with EX is propagated as SET key value PXAT <absolute ms>, keeping the TTL exact on replay', () => {
    const { run, propagated } = harness();
    run('SET', 'k', 'v', 'EX', '10');
    run('SET', 'k2', 'v', 'PX', '1500', 'NX');
    run('SETEX', 'k3', '5', 'v');
    expect(propagated).toEqual([`0: SET k v PXAT ${NOW + 10_000}`, `0: SET k2 v PXAT ${NOW + 1500}`, `0: SET k3 v PXAT ${NOW + 5000}`]);
    expect(run('PTTL', 'k')).toBe(10_000);
  });

  it('SET GET returns the old value, refuses a non-string, and propagates without GET', () => {
    const { run, propagated } = harness();
    expect(run('SET', 'k', 'a', 'GET')).toBe(null);
    expect(run('SET', 'k', 'b', 'get', 'XX')).toBe('a');
    run('HSET', 'h', 'f', 'v');
    expect(run('SET', 'h', 'x', 'GET')).toEqual({ error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    expect(propagated).toEqual(['0: SET k a', '0: SET k b XX', '0: HSET h f v']);
  });

  it('SET without KEEPTTL clears the TTL, with KEEPTTL keeps it', () => {
    const { run } = harness();
    run('SET', 'k', 'v', 'EX', '100');
    run('SET', 'k', 'w', 'KEEPTTL');
    expect(run('TTL', 'k')).toBe(100);
    run('SET', 'k', 'x');
    expect(run('TTL', 'k')).toBe(-1);
  });
});

describe('redis strings: counters as incrDecrCommand', () => {
  it('INCR creates at 1, INCRBY/DECRBY/DECR move by their argument', () => {
    const { run } = harness();
    expect(run('INCR', 'n')).toBe(1);
    expect(run('INCRBY', 'n', '41')).toBe(42);
    expect(run('DECRBY', 'n', '50')).toBe(-8);
    expect(run('DECR', 'n')).toBe(-9);
    expect(run('GET', 'n')).toBe('-9');
  });

  it('INCR refuses values string2ll refuses: spaces, leading zeros, "+", floats, 21 digits', () => {
    const { run } = harness();
    for (const value of [' 1', '01', '+1', '1.5', '', '-0', '123456789012345678901']) {
      run('SET', 'n', value);
      expect(run('INCR', 'n'), value).toEqual({ error: 'ERR value is not an integer or out of range' });
    }
  });

  it('INCRBY stays exact across the 64-bit range and refuses to overflow', () => {
    const { run } = harness();
    run('SET', 'n', '9223372036854775806');
    expect(run('INCR', 'n')).toBe(9223372036854775807n);
    expect(run('INCR', 'n')).toEqual({ error: 'ERR increment or decrement would overflow' });
    expect(run('GET', 'n')).toBe('9223372036854775807');
    expect(run('DECRBY', 'n', '-9223372036854775808')).toEqual({ error: 'ERR decrement would overflow' });
    run('SET', 'm', '-9223372036854775808');
    expect(run('DECR', 'm')).toEqual({ error: 'ERR increment or decrement would overflow' });
  });

  it('INCR on a hash is WRONGTYPE and a non-integer increment is refused before the lookup', () => {
    const { run } = harness();
    run('HSET', 'h', 'f', '1');
    expect(run('INCR', 'h')).toEqual({ error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    expect(run('INCRBY', 'h', 'x')).toEqual({ error: 'ERR value is not an integer or out of range' });
  });
});

describe('redis strings: APPEND, STRLEN, MGET, MSET, GETSET, GETDEL', () => {
  it('APPEND creates or extends and returns the new length; STRLEN counts bytes', () => {
    const { run } = harness();
    expect(run('APPEND', 'k', 'ab')).toBe(2);
    expect(run('APPEND', 'k', '\x00\xff')).toBe(4);
    expect(run('STRLEN', 'k')).toBe(4);
    expect(run('STRLEN', 'missing')).toBe(0);
  });

  it('MSET with a dangling key is an arity error from the command; MGET answers null for non-strings', () => {
    const { run, server } = harness();
    expect(run('MSET', 'a', '1', 'b')).toEqual({ error: "ERR wrong number of arguments for 'mset' command" });
    expect(run('MSET', 'a', '1', 'b', '2')).toBe('OK');
    expect(server.dirty).toBe(2);
    run('SADD', 's', 'x');
    expect(run('MGET', 'a', 's', 'nope', 'b')).toEqual(['1', null, null, '2']);
  });

  it('GETSET propagates as SET and GETDEL as DEL', () => {
    const { run, propagated } = harness();
    expect(run('GETSET', 'k', 'v')).toBe(null);
    expect(run('GETDEL', 'k')).toBe('v');
    expect(run('GETDEL', 'k')).toBe(null);
    expect(propagated).toEqual(['0: SET k v', '0: DEL k']);
  });
});
