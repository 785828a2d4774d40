import { describe, expect, it } from 'vitest';
import { harness } from './support/harness';

describe('redis keyspace: DEL, EXISTS, TYPE, KEYS, DBSIZE, SELECT, FLUSHDB, FLUSHALL', () => {
  it('DEL and UNLINK count the keys they removed; EXISTS counts repeated keys each time', () => {
    const { run } = harness();
    run('MSET', 'a', '1', 'b', '2');
    expect(run('EXISTS', 'a', 'a', 'nope')).toBe(2);
    expect(run('DEL', 'a', 'nope')).toBe(1);
    expect(run('UNLINK', 'b', 'b')).toBe(1);
    expect(run('DBSIZE')).toBe(0);
  });

  it('TYPE names each type as a status reply, none for a missing key', () => {
    const { run, client } = harness();
    run('SET', 's', 'v');
    run('HSET', 'h', 'f', 'v');
    run('RPUSH', 'l', 'x');
    run('SADD', 'z', 'm');
    expect(['s', 'h', 'l', 'z', 'q'].map((k) => run('TYPE', k))).toEqual(['string', 'hash', 'list', 'set', 'none']);
    expect(client.call('TYPE', 's').kind).toBe('simple');
  });

  it('KEYS matches globs as stringmatchlen: ?, *, classes, ranges, negation and escapes', () => {
    const { run } = harness();
    run('MSET', 'k1', 'x', 'k2', 'x', 'k10', 'x', 'a*b', 'x', 'other', 'x');
    const keys = (pattern: string) => (run('KEYS', pattern) as string[]).slice().sort();
    expect(keys('k?')).toEqual(['k1', 'k2']);
    expect(keys('k*')).toEqual(['k1', 'k10', 'k2']);
    expect(keys('k[1-1]*')).toEqual(['k1', 'k10']);
    expect(keys('[^k]*')).toEqual(['a*b', 'other']);
    expect(keys('a\\*b')).toEqual(['a*b']);
    expect(keys('*')).toHaveLength(5);
  });

  it('SELECT switches among 16 databases and refuses others with 7.0 texts', () => {
    const { run, propagated } = harness();
    run('SET', 'k', 'zero');
    expect(run('SELECT', '15')).toBe('OK');
    expect(run('GET', 'k')).toBe(null);
    run('SET', 'k', 'fifteen');
    expect(run('SELECT', '16')).toEqual({ error: 'ERR DB index is out of range' });
    expect(run('SELECT', '-1')).toEqual({ error: 'ERR DB index is out of range' });
    expect(run('SELECT', '2147483648')).toEqual({ error: 'ERR value is out of range, value must between -2147483648 and 2147483647' });
    expect(run('SELECT', 'x')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(run('GET', 'k')).toBe('fifteen');
    // SELECT itself is never propagated: the AOF writer adds one when the db changes.
    expect(propagated).toEqual(['0: SET k zero', '15: SET k fifteen']);
  });

  it('FLUSHDB empties one database, FLUSHALL all; both add the keys removed to dirty and always propagate', () => {
    const { run, server, propagated } = harness();
    run('MSET', 'a', '1', 'b', '2');
    run('SELECT', '1');
    run('SET', 'c', '3');
    const before = server.dirty;
    expect(run('FLUSHDB')).toBe('OK');
    expect(server.dirty - before).toBe(1);
    expect(run('FLUSHDB')).toBe('OK');
    run('SELECT', '0');
    expect(run('DBSIZE')).toBe(2);
    expect(run('FLUSHALL', 'ASYNC')).toBe('OK');
    expect(run('DBSIZE')).toBe(0);
    expect(run('FLUSHALL', 'LATER')).toEqual({ error: 'ERR syntax error' });
    expect(propagated.slice(-3)).toEqual(['1: FLUSHDB', '1: FLUSHDB', '0: FLUSHALL ASYNC']);
  });

  it('unknown commands and wrong arities get server.c texts, arguments truncated and CR/LF mapped to spaces', () => {
    const { run } = harness();
    expect(run('foo', 'a', 'b')).toEqual({ error: "ERR unknown command 'foo', with args beginning with: 'a' 'b' " });
    expect(run('x\r\ny')).toEqual({ error: "ERR unknown command 'x  y', with args beginning with: " });
    const long = run('nope', 'a'.repeat(200), 'b') as { error: string };
    expect(long.error).toBe(`ERR unknown command 'nope', with args beginning with: '${'a'.repeat(128)}' `);
    expect(run('GET')).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
    expect(run('CONFIG', 'GET')).toEqual({ error: "ERR wrong number of arguments for 'config|get' command" });
    expect(run('CONFIG')).toEqual({ error: "ERR wrong number of arguments for 'config' command" });
    expect(run('config', 'frob')).toEqual({ error: "ERR unknown subcommand 'frob'. Try CONFIG HELP." });
  });

  it('PING and ECHO answer as pingCommand and echoCommand', () => {
    const { client } = harness();
    expect(client.call('PING')).toEqual({ kind: 'simple', value: 'PONG' });
    expect(client.call('PING', 'x')).toEqual({ kind: 'bulk', value: 'x' });
    expect(client.call('PING', 'a', 'b')).toEqual({ kind: 'error', message: "ERR wrong number of arguments for 'ping' command" });
    expect(client.call('ECHO', '\x00')).toEqual({ kind: 'bulk', value: '\x00' });
  });
});
