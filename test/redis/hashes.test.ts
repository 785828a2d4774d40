import { describe, expect, it } from 'vitest';
import { harness } from './support/harness';

const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };

describe('redis hashes: HSET and friends as t_hash.c', () => {
  it('HSET returns the number of new fields while dirty counts every pair given', () => {
    const { run, server } = harness();
    expect(run('HSET', 'offsets', 'p0', '10', 'p1', '20')).toBe(2);
    expect(run('HSET', 'offsets', 'p0', '11', 'p2', '30')).toBe(1);
    expect(server.dirty).toBe(4);
    expect(run('HGETALL', 'offsets')).toEqual(['p0', '11', 'p1', '20', 'p2', '30']);
  });

  it('HMSET answers +OK where HSET answers a count; an odd pair count is an arity error from the command', () => {
    const { run } = harness();
    expect(run('HMSET', 'h', 'a', '1')).toBe('OK');
    expect(run('HSET', 'h', 'a', '1', 'b')).toEqual({ error: "ERR wrong number of arguments for 'hset' command" });
    expect(run('HSET', 'h', 'a')).toEqual({ error: "ERR wrong number of arguments for 'hset' command" });
  });

  it('HGET, HMGET, HEXISTS, HLEN, HSTRLEN read fields; a missing key reads as an empty hash', () => {
    const { run } = harness();
    run('HSET', 'h', 'a', 'xyz', 'b', '2');
    expect(run('HGET', 'h', 'a')).toBe('xyz');
    expect(run('HGET', 'h', 'zz')).toBe(null);
    expect(run('HMGET', 'h', 'a', 'zz', 'b')).toEqual(['xyz', null, '2']);
    expect(run('HMGET', 'nope', 'a')).toEqual([null]);
    expect(run('HEXISTS', 'h', 'b')).toBe(1);
    expect(run('HLEN', 'h')).toBe(2);
    expect(run('HSTRLEN', 'h', 'a')).toBe(3);
    expect(run('HKEYS', 'nope')).toEqual([]);
  });

  it('HDEL removes fields, deletes the key with its last field, and adds the deleted count to dirty', () => {
    const { run, server } = harness();
    run('HSET', 'h', 'a', '1', 'b', '2');
    const before = server.dirty;
    expect(run('HDEL', 'h', 'a', 'zz')).toBe(1);
    expect(run('HDEL', 'h', 'b', 'a')).toBe(1);
    expect(run('EXISTS', 'h')).toBe(0);
    expect(server.dirty - before).toBe(2);
  });

  it('HINCRBY creates at the increment, refuses non-integer fields and 64-bit overflow', () => {
    const { run } = harness();
    expect(run('HINCRBY', 'h', 'n', '5')).toBe(5);
    expect(run('HINCRBY', 'h', 'n', '-7')).toBe(-2);
    run('HSET', 'h', 's', 'abc', 'big', '9223372036854775800');
    expect(run('HINCRBY', 'h', 's', '1')).toEqual({ error: 'ERR hash value is not an integer' });
    expect(run('HINCRBY', 'h', 'big', '100')).toEqual({ error: 'ERR increment or decrement would overflow' });
    expect(run('HINCRBY', 'h', 'n', 'x')).toEqual({ error: 'ERR value is not an integer or out of range' });
  });

  it('every hash command on a string is WRONGTYPE', () => {
    const { run } = harness();
    run('SET', 's', 'v');
    for (const argv of [['HSET', 's', 'f', 'v'], ['HGET', 's', 'f'], ['HGETALL', 's'], ['HDEL', 's', 'f'], ['HLEN', 's'], ['HMGET', 's', 'f']]) {
      expect(run(...argv), argv.join(' ')).toEqual(WRONGTYPE);
    }
  });

  it('a hash converts to hashtable past hash-max-listpack-entries or -value and stays converted', () => {
    const { run } = harness({ config: { 'hash-max-listpack-entries': '2', 'hash-max-listpack-value': '8' } });
    run('HSET', 'h', 'a', '1', 'b', '2');
    expect(run('OBJECT', 'ENCODING', 'h')).toBe('listpack');
    run('HSET', 'h', 'c', '3');
    expect(run('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    run('HDEL', 'h', 'a', 'b');
    expect(run('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    run('HSET', 'g', 'f', '123456789');
    expect(run('OBJECT', 'ENCODING', 'g')).toBe('hashtable');
  });
});
