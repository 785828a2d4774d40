import { describe, expect, it } from 'vitest';
import { applyAofCommand, lookupAofCommand, type AofApplyContext } from '../../../src/redis/format/aofApply';
import { DB_COUNT, emptyDb } from '../../../src/redis/RedisValue';

function run(...commands: string[][]): AofApplyContext {
  const ctx: AofApplyContext = { dbs: Array.from({ length: DB_COUNT }, emptyDb), db: 0, nowMs: 1_000_000 };
  for (const c of commands) expect(applyAofCommand(ctx, c)).toBe('ok');
  return ctx;
}

describe('aof apply: the built-in replay of what 7.0 writes to an AOF', () => {
  it('SET with PXAT and KEEPTTL, as 7.0 propagates SET EX and INCRBYFLOAT', () => {
    const ctx = run(['SET', 'k', 'v', 'PXAT', '5000'], ['SET', 'k', 'w', 'KEEPTTL'], ['SET', 'j', '1', 'PXAT', '9'], ['SET', 'j', '2']);
    expect(ctx.dbs[0]!.dict.get('k')).toEqual({ type: 'string', value: 'w' });
    expect(ctx.dbs[0]!.expires.get('k')).toBe(5000);
    expect(ctx.dbs[0]!.expires.has('j')).toBe(false);
  });

  it('expiry in absolute and relative forms; no key expires while loading', () => {
    const ctx = run(['SET', 'a', '1'], ['PEXPIREAT', 'a', '5'], ['SET', 'b', '1'], ['EXPIRE', 'b', '10'], ['SETEX', 'c', '2', 'x'], ['PERSIST', 'a']);
    expect(ctx.dbs[0]!.expires.has('a')).toBe(false);
    expect(ctx.dbs[0]!.expires.get('b')).toBe(1_010_000);
    expect(ctx.dbs[0]!.expires.get('c')).toBe(1_002_000);
    const past = run(['SET', 'a', '1'], ['PEXPIREAT', 'a', '1']);
    expect(past.dbs[0]!.dict.has('a')).toBe(true);
  });

  it('lists, sets, hashes and sorted sets, deleting keys that become empty', () => {
    const ctx = run(
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LPUSH', 'l', 'z'],
      ['LPOP', 'l'],
      ['RPOP', 'l', '2'],
      ['SADD', 's', 'x', 'y'],
      ['SREM', 's', 'x', 'y'],
      ['HSET', 'h', 'f', '1', 'g', '2'],
      ['HDEL', 'h', 'g'],
      ['HINCRBY', 'h', 'f', '5'],
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['ZINCRBY', 'z', '10', 'a'],
      ['ZPOPMIN', 'z'],
      ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
    );
    const db = ctx.dbs[0]!;
    expect(db.dict.has('l')).toBe(false);
    expect(db.dict.get('l2')).toEqual({ type: 'list', value: ['a'] });
    expect(db.dict.has('s')).toBe(false);
    expect(db.dict.get('h')).toEqual({ type: 'hash', value: new Map([['f', '6']]) });
    expect(db.dict.get('z')).toEqual({ type: 'zset', value: new Map([['a', 11]]) });
  });

  it('SELECT, FLUSHDB, FLUSHALL, DEL, RENAME keep to their dbs', () => {
    const ctx = run(['SET', 'a', '1'], ['SELECT', '3'], ['SET', 'b', '1'], ['RENAME', 'b', 'c'], ['FLUSHDB']);
    expect(ctx.db).toBe(3);
    expect(ctx.dbs[3]!.dict.size).toBe(0);
    expect(ctx.dbs[0]!.dict.size).toBe(1);
    run(['FLUSHALL']);
  });

  it('ignores what would have been an error reply, as the AOF client does', () => {
    const ctx = run(['SET', 'a', 'notanumber'], ['INCR', 'a'], ['RPUSH', 'a', 'x'], ['HSET', 'h', 'odd']);
    expect(ctx.dbs[0]!.dict.get('a')).toEqual({ type: 'string', value: 'notanumber' });
    expect(ctx.dbs[0]!.dict.has('h')).toBe(false);
  });

  it('says which commands it does not model', () => {
    expect(lookupAofCommand(['XADD', 's', '*'])).toBe('unsupported');
    expect(lookupAofCommand(['__proto__'])).toBe('unsupported');
    expect(lookupAofCommand(['multi'])).toBe('ok');
    expect(lookupAofCommand(['hset'])).toBe('ok');
  });
});
