import { describe, expect, it } from 'vitest';
import { harness } from './support/harness';

describe('redis sets: SADD, SREM, SMEMBERS, SISMEMBER, SCARD as t_set.c', () => {
  it('SADD counts new members only and dirty grows by that count', () => {
    const { run, server, propagated } = harness();
    expect(run('SADD', 's', 'a', 'b', 'a')).toBe(2);
    expect(run('SADD', 's', 'a')).toBe(0);
    expect(server.dirty).toBe(2);
    // A SADD that added nothing changed nothing: it is not propagated.
    expect(propagated).toEqual(['0: SADD s a b a']);
  });

  it('SREM removes members and the key with the last one', () => {
    const { run } = harness();
    run('SADD', 's', 'a', 'b');
    expect(run('SREM', 's', 'a', 'x')).toBe(1);
    expect(run('SISMEMBER', 's', 'b')).toBe(1);
    expect(run('SCARD', 's')).toBe(1);
    expect(run('SREM', 's', 'b')).toBe(1);
    expect(run('TYPE', 's')).toBe('none');
  });

  it('an all-integer set is an intset and SMEMBERS returns it in ascending numeric order', () => {
    const { run } = harness();
    run('SADD', 's', '10', '-3', '2', '9223372036854775807', '-9223372036854775808');
    expect(run('OBJECT', 'ENCODING', 's')).toBe('intset');
    expect(run('SMEMBERS', 's')).toEqual(['-9223372036854775808', '-3', '2', '10', '9223372036854775807']);
  });

  it('a non-integer member, or more than set-max-intset-entries, makes a hashtable for good', () => {
    const { run } = harness({ config: { 'set-max-intset-entries': '3' } });
    run('SADD', 's', '1', '2', '3');
    expect(run('OBJECT', 'ENCODING', 's')).toBe('intset');
    run('SADD', 's', '4');
    expect(run('OBJECT', 'ENCODING', 's')).toBe('hashtable');
    run('SADD', 't', '1', '01');
    expect(run('OBJECT', 'ENCODING', 't')).toBe('hashtable');
    run('SREM', 't', '01');
    expect(run('OBJECT', 'ENCODING', 't')).toBe('hashtable');
    run('SADD', 'u', 'a');
    expect(run('OBJECT', 'ENCODING', 'u')).toBe('hashtable');
  });

  it('SMEMBERS of a missing key is an empty array and of a list WRONGTYPE', () => {
    const { run } = harness();
    expect(run('SMEMBERS', 'nope')).toEqual([]);
    run('RPUSH', 'l', 'a');
    expect(run('SMEMBERS', 'l')).toEqual({ error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  });
});
