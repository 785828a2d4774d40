import { describe, expect, it } from 'vitest';
import { harness } from './support/harness';

describe('redis lists: push, pop and range as t_list.c', () => {
  it('LPUSH prepends each element in turn, RPUSH appends, both return the new length', () => {
    const { run } = harness();
    expect(run('LPUSH', 'l', 'a', 'b')).toBe(2);
    expect(run('RPUSH', 'l', 'c')).toBe(3);
    expect(run('LRANGE', 'l', '0', '-1')).toEqual(['b', 'a', 'c']);
    expect(run('LLEN', 'l')).toBe(3);
  });

  it('LRANGE clamps indexes the way addListRangeReply does', () => {
    const { run } = harness();
    run('RPUSH', 'l', 'a', 'b', 'c', 'd');
    expect(run('LRANGE', 'l', '-2', '100')).toEqual(['c', 'd']);
    expect(run('LRANGE', 'l', '-100', '1')).toEqual(['a', 'b']);
    expect(run('LRANGE', 'l', '3', '1')).toEqual([]);
    expect(run('LRANGE', 'l', '9223372036854775807', '-9223372036854775808')).toEqual([]);
    expect(run('LRANGE', 'l', 'x', '1')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(run('LRANGE', 'nope', '0', '-1')).toEqual([]);
  });

  it('LPOP and RPOP without count reply a bulk or null, with count an array or a null array', () => {
    const { client, run } = harness();
    run('RPUSH', 'l', 'a', 'b', 'c');
    expect(run('LPOP', 'l')).toBe('a');
    expect(run('RPOP', 'l', '5')).toEqual(['c', 'b']);
    expect(run('EXISTS', 'l')).toBe(0);
    expect(client.call('LPOP', 'l')).toEqual({ kind: 'nullBulk' });
    expect(client.call('LPOP', 'l', '2')).toEqual({ kind: 'nullArray' });
    run('RPUSH', 'l', 'a');
    expect(run('LPOP', 'l', '0')).toEqual([]);
  });

  it('a pop count must be positive: a negative or non-integer count gets the range message', () => {
    const { run } = harness();
    run('RPUSH', 'l', 'a');
    expect(run('LPOP', 'l', '-1')).toEqual({ error: 'ERR value is out of range, must be positive' });
    expect(run('LPOP', 'l', 'x')).toEqual({ error: 'ERR value is out of range, must be positive' });
    expect(run('LPOP', 'l', '1', '2')).toEqual({ error: "ERR wrong number of arguments for 'lpop' command" });
  });

  it('dirty counts elements pushed and popped, and pops propagate as sent', () => {
    const { run, server, propagated } = harness();
    run('RPUSH', 'l', 'a', 'b', 'c');
    run('RPOP', 'l', '2');
    expect(server.dirty).toBe(5);
    expect(propagated).toEqual(['0: RPUSH l a b c', '0: RPOP l 2']);
    expect(run('OBJECT', 'ENCODING', 'l')).toBe('quicklist');
  });
});
