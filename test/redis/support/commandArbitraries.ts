/**
 * fast-check generators of Redis commands for the differential test: string,
 * hash, list, set and keyspace commands over a small pool of keys (so types
 * collide and WRONGTYPE comes up), SELECT, MULTI/EXEC/DISCARD anywhere (so
 * nesting and stray EXECs come up), wrong arities, unknown commands, option
 * conflicts, integer edge cases and CONFIG SET of the encoding limits.
 *
 * Times: relative expiries are long (>= 100 s) or already past (<= 0, which
 * deletes at once), absolute ones far in the future or far in the past, so
 * no key expires while a case runs on either server; TTL replies are
 * compared with a tolerance by the test. `nowMs` fixes the absolute times.
 */
import fc from 'fast-check';

export type Argv = readonly string[];

const KEY = fc.constantFrom('k1', 'k2', 'k3', 'k\x00\xff');
const FIELD = fc.constantFrom('f1', 'f2', 'f3', '7', 'F'.repeat(70));
const VALUE = fc.constantFrom('v', '', '1', '-5', '42', '007', '9223372036854775807', '-9223372036854775808', '1.5', 'x'.repeat(70), '\x00\xe9\xff', 'abc');
const INT = fc.oneof(
  fc.constantFrom('0', '1', '-1', '10', '-10', 'abc', '', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '1e3', '+1', ' 1', '01', '-0'),
  fc.integer({ min: -1000, max: 1000 }).map(String),
);
const MEMBER = fc.constantFrom('1', '2', '3', '-7', 'a', 'b', '01', '9223372036854775807', '10', '100');
const PATTERN = fc.constantFrom('*', 'k*', 'k?', 'k[12]', '*\\*', '[^k]*', 'k[', 'k\\', '?', 'k[1-2]', 'k\x00*');
const SECONDS = fc.constantFrom('100', '3600', '0', '-1', 'abc', '9223372036854775807', '9223372036854775', '99999999999999');
const MILLIS = fc.constantFrom('100000', '3600000', '0', '-1', 'x', '9223372036854775807');
const LIST_INDEX = fc.constantFrom('0', '1', '-1', '-2', '2', '10', '-100', 'x', '9223372036854775807', '-9223372036854775808');

function variadic(name: string, head: fc.Arbitrary<string>[], rest: fc.Arbitrary<string>, min = 0): fc.Arbitrary<Argv> {
  return fc.tuple(fc.tuple(...head), fc.array(rest, { minLength: min, maxLength: 4 })).map(([h, r]) => [name, ...h, ...r]);
}

function fixed(name: string, ...args: fc.Arbitrary<string>[]): fc.Arbitrary<Argv> {
  return fc.tuple(...args).map((a) => [name, ...a]);
}

function setOptions(nowMs: number): fc.Arbitrary<string[]> {
  const future = fc.constantFrom(String(Math.floor(nowMs / 1000) + 7200), String(nowMs + 7_200_000));
  const option = fc.oneof(
    fc.constantFrom(['NX'], ['XX'], ['GET'], ['KEEPTTL'], ['get'], ['nx'], ['EX'], ['BOGUS']),
    SECONDS.map((s) => ['EX', s]),
    MILLIS.map((s) => ['PX', s]),
    future.map((s) => ['EXAT', s]),
    future.map((s) => ['PXAT', s]),
  );
  return fc.array(option, { maxLength: 3 }).map((opts) => opts.flat());
}

function strings(nowMs: number): fc.Arbitrary<Argv>[] {
  return [
    fc.tuple(KEY, VALUE, setOptions(nowMs)).map(([k, v, o]) => ['SET', k, v, ...o]),
    fixed('GET', KEY),
    fixed('SETNX', KEY, VALUE),
    fixed('SETEX', KEY, SECONDS, VALUE),
    fixed('PSETEX', KEY, MILLIS, VALUE),
    fixed('GETSET', KEY, VALUE),
    fixed('GETDEL', KEY),
    variadic('MGET', [KEY], KEY),
    variadic('MSET', [KEY, VALUE], fc.oneof(KEY, VALUE)),
    fixed('INCR', KEY),
    fixed('DECR', KEY),
    fixed('INCRBY', KEY, INT),
    fixed('DECRBY', KEY, INT),
    fixed('APPEND', KEY, VALUE),
    fixed('STRLEN', KEY),
  ];
}

const HASHES: fc.Arbitrary<Argv>[] = [
  variadic('HSET', [KEY, FIELD, VALUE], fc.oneof(FIELD, VALUE)),
  variadic('HMSET', [KEY, FIELD, VALUE], fc.oneof(FIELD, VALUE)),
  fixed('HSETNX', KEY, FIELD, VALUE),
  fixed('HGET', KEY, FIELD),
  variadic('HMGET', [KEY, FIELD], FIELD),
  fixed('HGETALL', KEY),
  fixed('HKEYS', KEY),
  fixed('HVALS', KEY),
  variadic('HDEL', [KEY, FIELD], FIELD),
  fixed('HEXISTS', KEY, FIELD),
  fixed('HLEN', KEY),
  fixed('HSTRLEN', KEY, FIELD),
  fixed('HINCRBY', KEY, FIELD, INT),
];

const LISTS: fc.Arbitrary<Argv>[] = [
  variadic('LPUSH', [KEY, VALUE], VALUE),
  variadic('RPUSH', [KEY, VALUE], VALUE),
  fixed('LPOP', KEY),
  fixed('RPOP', KEY),
  fixed('LPOP', KEY, fc.constantFrom('0', '1', '2', '10', '-1', 'x')),
  fixed('RPOP', KEY, fc.constantFrom('0', '1', '3', '-1', 'x')),
  fixed('LRANGE', KEY, LIST_INDEX, LIST_INDEX),
  fixed('LLEN', KEY),
];

const SETS: fc.Arbitrary<Argv>[] = [
  variadic('SADD', [KEY, MEMBER], MEMBER),
  variadic('SREM', [KEY, MEMBER], MEMBER),
  fixed('SMEMBERS', KEY),
  fixed('SISMEMBER', KEY, MEMBER),
  fixed('SCARD', KEY),
];

function keyspace(nowMs: number): fc.Arbitrary<Argv>[] {
  const expireFlag = fc.array(fc.constantFrom('NX', 'XX', 'GT', 'LT', 'nx', 'BAD'), { maxLength: 2 });
  const nowSec = Math.floor(nowMs / 1000);
  const absSeconds = fc.constantFrom(String(nowSec + 7200), String(nowSec - 7200), '1', 'x');
  const absMillis = fc.constantFrom(String(nowMs + 7_200_000), String(nowMs - 7_200_000), '1', 'x');
  return [
    variadic('DEL', [KEY], KEY),
    variadic('UNLINK', [KEY], KEY),
    variadic('EXISTS', [KEY], KEY),
    fixed('TYPE', KEY),
    fixed('KEYS', PATTERN),
    fc.constant(['DBSIZE']),
    fixed('SELECT', fc.constantFrom('0', '1', '15', '16', '-1', 'x', '2147483648')),
    fc.tuple(KEY, SECONDS, expireFlag).map(([k, s, f]) => ['EXPIRE', k, s, ...f]),
    fc.tuple(KEY, MILLIS, expireFlag).map(([k, s, f]) => ['PEXPIRE', k, s, ...f]),
    fc.tuple(KEY, absSeconds, expireFlag).map(([k, s, f]) => ['EXPIREAT', k, s, ...f]),
    fc.tuple(KEY, absMillis, expireFlag).map(([k, s, f]) => ['PEXPIREAT', k, s, ...f]),
    fixed('TTL', KEY),
    fixed('PTTL', KEY),
    fixed('EXPIRETIME', KEY),
    fixed('PEXPIRETIME', KEY),
    fixed('PERSIST', KEY),
    fixed('OBJECT', fc.constantFrom('ENCODING', 'encoding'), KEY),
  ];
}

const SERVER: fc.Arbitrary<Argv>[] = [
  fc.constantFrom(['PING'], ['PING', 'hello'], ['ECHO', 'hi\x00'], ['FLUSHDB'], ['FLUSHALL', 'ASYNC'], ['FLUSHDB', 'bad'], ['FLUSHALL', 'SYNC', 'x']),
  fc.constantFrom(
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '0'],
    ['CONFIG', 'SET', 'hash-max-ziplist-entries', '512'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '4'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '1kb'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '-1'],
    ['CONFIG', 'SET', 'set-max-intset-entries', '2'],
    ['CONFIG', 'SET', 'set-max-intset-entries', 'x'],
    ['CONFIG', 'SET', 'appendfsync', 'bogus'],
    ['CONFIG', 'SET', 'hz', '0'],
    ['CONFIG', 'SET', 'hz', '600'],
    ['CONFIG', 'SET', 'save', '3600 1 300 100'],
    ['CONFIG', 'SET', 'save', '1 2 3'],
    ['CONFIG', 'SET', 'save', '0 1'],
    ['CONFIG', 'SET', 'rdbchecksum', 'no'],
    ['CONFIG', 'SET', 'appenddirname', 'x'],
    ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
    ['CONFIG', 'SET', 'no-such-config', '1'],
    ['CONFIG', 'SET', 'hz', '5', 'hz', '6'],
    ['CONFIG', 'SET', 'rdbcompression', 'maybe'],
    ['CONFIG', 'SET', 'auto-aof-rewrite-min-size', '64mb'],
    ['CONFIG', 'SET', 'hz', '5', 'list-max-listpack-size'],
    ['CONFIG', 'GET', 'hash-max-*'],
    ['CONFIG', 'GET', 'hz'],
    ['CONFIG', 'GET', 'save', 'APPENDFSYNC', '*fsync*'],
    ['CONFIG', 'GET', 'set-max-intset-entries', 'no-such-config'],
    ['CONFIG', 'GET', 'auto-aof-rewrite-*'],
  ),
];

const TRANSACTIONS: fc.Arbitrary<Argv> = fc.constantFrom(['MULTI'], ['EXEC'], ['DISCARD'], ['multi'], ['exec']);

const MISUSE: fc.Arbitrary<Argv> = fc.constantFrom(
  ['GET'],
  ['GET', 'a', 'b'],
  ['SET', 'a'],
  ['HGET', 'k1'],
  ['HSET', 'k1', 'f'],
  ['LLEN'],
  ['SELECT'],
  ['TTL', 'a', 'b'],
  ['MULTI', 'x'],
  ['EXEC', 'x'],
  ['DISCARD', 'x'],
  ['PING', 'a', 'b'],
  ['LPOP', 'k1', '1', '2'],
  ['MSET', 'a'],
  ['CONFIG'],
  ['CONFIG', 'GET'],
  ['CONFIG', 'FOO'],
  ['config', 'set', 'hz'],
  ['OBJECT'],
  ['OBJECT', 'ENCODING'],
  ['OBJECT', 'FOO', 'k1'],
  ['FOO', 'a', 'b'],
  ['foo'],
  ['NOTACOMMAND', 'x'.repeat(150), 'y'],
  ['BAD\r\nCMD', 'a\nb'],
  ['EXPIRE', 'k1'],
  ['DBSIZE', 'x'],
);

export function commandArbitrary(nowMs: number): fc.Arbitrary<Argv> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.oneof(...strings(nowMs)) },
    { weight: 5, arbitrary: fc.oneof(...HASHES) },
    { weight: 3, arbitrary: fc.oneof(...LISTS) },
    { weight: 3, arbitrary: fc.oneof(...SETS) },
    { weight: 4, arbitrary: fc.oneof(...keyspace(nowMs)) },
    { weight: 1, arbitrary: fc.oneof(...SERVER) },
    { weight: 2, arbitrary: TRANSACTIONS },
    { weight: 2, arbitrary: MISUSE },
  );
}
