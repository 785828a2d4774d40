import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRdb, type RdbDecodeFailure } from '../../../src/redis/format/rdbDecode';
import { encodeRdb, writeRdb } from '../../../src/redis/format/rdbEncode';
import { rdbTypeFor, rdbTypeForObjectEncoding, DEFAULT_ENCODING_CONFIG } from '../../../src/redis/format/encodingConfig';
import { RDB_TYPE } from '../../../src/redis/format/rdbConstants';
import { DB_COUNT, emptyDb, type RedisDb, type RedisValue } from '../../../src/redis/RedisValue';
import { keyspace } from './arbitraries';
import { RdbBuilder } from './rdbBuilder';

const BASE = { nowMs: 1_700_000_000_000, usedMemBytes: 1_000_000 };

function dbsWith(entries: [string, RedisValue, number?][], db = 0): RedisDb[] {
  const dbs = Array.from({ length: DB_COUNT }, emptyDb);
  for (const [k, v, ttl] of entries) {
    dbs[db]!.dict.set(k, v);
    if (ttl !== undefined) dbs[db]!.expires.set(k, ttl);
  }
  return dbs;
}

const warnings = (f: { log: { level: string; message: string }[] }) => f.log.filter((l) => l.level === 'warning').map((l) => l.message);

function failure(bytes: Uint8Array, options: Parameters<typeof decodeRdb>[1] = { nowMs: null }): RdbDecodeFailure {
  const r = decodeRdb(bytes, options);
  if (r.ok) throw new Error('expected the decode to fail');
  return r;
}

describe('rdb round trip: decode(encode(keyspace)) equals the keyspace', () => {
  it('for arbitrary keyspaces of binary strings, lists, sets, hashes, sorted sets and TTLs', () => {
    fc.assert(
      fc.property(keyspace(), fc.boolean(), (dbs, rdbcompression) => {
        const bytes = encodeRdb(dbs, { ...BASE, rdbcompression });
        const decoded = decodeRdb(bytes, { nowMs: null });
        if (!decoded.ok) throw new Error(JSON.stringify(decoded.error));
        expect(decoded.dbs).toEqual(dbs);
        expect(decoded.endOffset).toBe(bytes.length);
        expect(decoded.checksum).toBe('ok');
      }),
      { numRuns: 300 },
    );
  });

  it('with tiny encoding thresholds, so every value takes its non-compact form', () => {
    const config = {
      'hash-max-listpack-entries': 1,
      'hash-max-listpack-value': 2,
      'set-max-intset-entries': 1,
      'zset-max-listpack-entries': 1,
      'zset-max-listpack-value': 2,
      'list-max-listpack-size': 1,
    };
    fc.assert(
      fc.property(keyspace(), (dbs) => {
        const decoded = decodeRdb(encodeRdb(dbs, { ...BASE, ...config }), { nowMs: null });
        expect(decoded.ok && decoded.dbs).toEqual(dbs);
      }),
      { numRuns: 100 },
    );
  });

  it('streams through any sink in chunks, with the same bytes', () => {
    fc.assert(
      fc.property(keyspace(), (dbs) => {
        const whole = encodeRdb(dbs, BASE);
        const chunks: Uint8Array[] = [];
        const stats = writeRdb(dbs, BASE, { write: (c) => chunks.push(c) });
        expect(Buffer.concat(chunks).equals(Buffer.from(whole))).toBe(true);
        expect(stats.bytes).toBe(whole.length);
      }),
      { numRuns: 50 },
    );
  });

  it('keeps -0 in a skiplist zset but stores it as 0 in a listpack zset, as Redis does', () => {
    const dbs = dbsWith([['z', { type: 'zset', value: new Map([['m', -0]]) }]]);
    const small = decodeRdb(encodeRdb(dbs, BASE), { nowMs: null });
    expect(small.ok && Object.is((small.dbs[0]!.dict.get('z')!.value as Map<string, number>).get('m'), 0)).toBe(true);
    const big = decodeRdb(encodeRdb(dbs, { ...BASE, 'zset-max-listpack-entries': 0 }), { nowMs: null });
    expect(big.ok && Object.is((big.dbs[0]!.dict.get('z')!.value as Map<string, number>).get('m'), -0)).toBe(true);
  });
});

describe('rdb encode: byte layout of rdb.c rdbSaveRio', () => {
  it('writes the header, the 7.0.15 aux fields, SELECTDB, RESIZEDB, EXPIRETIME_MS, EOF and CRC', () => {
    const dbs = dbsWith([['k', { type: 'string', value: 'v' }, 1_700_000_123_456]], 2);
    const hex = Buffer.from(encodeRdb(dbs, BASE)).toString('hex');
    const aux = (k: string, v: string) => 'fa' + Buffer.from([k.length]).toString('hex') + Buffer.from(k).toString('hex') + v;
    const expected =
      Buffer.from('REDIS0010').toString('hex') +
      aux('redis-ver', '06' + Buffer.from('7.0.15').toString('hex')) +
      aux('redis-bits', 'c040') +
      aux('ctime', 'c2' + Buffer.from(Uint32Array.of(1_700_000_000).buffer).toString('hex')) +
      aux('used-mem', 'c2' + Buffer.from(Uint32Array.of(1_000_000).buffer).toString('hex')) +
      aux('aof-base', 'c000') +
      'fe02' + 'fb0101' + 'fc' + Buffer.from(BigInt64Array.of(1_700_000_123_456n).buffer).toString('hex') + '00016b0176' + 'ff';
    expect(hex.slice(0, -16)).toBe(expected);
  });

  it('writes zeros for the checksum with rdbchecksum no, and aof-base 1 for an AOF base', () => {
    const bytes = encodeRdb(dbsWith([['k', { type: 'string', value: 'v' }]]), { ...BASE, rdbchecksum: false, aofBase: true });
    expect(Buffer.from(bytes.subarray(-8)).toString('hex')).toBe('0000000000000000');
    const decoded = decodeRdb(bytes, { nowMs: null });
    expect(decoded.ok && decoded.checksum).toBe('disabled');
    expect(decoded.ok && decoded.aux.find(([k]) => k === 'aof-base')![1]).toBe('1');
    expect(decoded.log.map((l) => l.message)).toContain('RDB file was saved with checksum disabled: no check performed.');
    expect(decoded.log.map((l) => l.message)).toContain('RDB is base AOF');
  });

  it('adds the replication aux fields only when given, between used-mem and aof-base', () => {
    const bytes = encodeRdb(dbsWith([]), { ...BASE, replication: { replStreamDb: 0, replId: 'a'.repeat(40), replOffset: 12345 } });
    const decoded = decodeRdb(bytes, { nowMs: null });
    expect(decoded.ok && decoded.aux.map(([k]) => k)).toEqual(['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'repl-stream-db', 'repl-id', 'repl-offset', 'aof-base']);
  });

  it('integer-encodes only canonical integers in int32 range, and LZF-compresses only strings over 20 bytes that shrink by 4', () => {
    const valueBytes = (value: string, rdbcompression = true) => {
      const bytes = Buffer.from(encodeRdb(dbsWith([['k', { type: 'string', value }]]), { ...BASE, rdbcompression }));
      const at = bytes.indexOf(Buffer.from('00016b', 'hex')) + 3;
      return bytes.subarray(at, bytes.length - 9).toString('hex');
    };
    expect(valueBytes('-128')).toBe('c080');
    expect(valueBytes('127')).toBe('c07f');
    expect(valueBytes('128')).toBe('c18000');
    expect(valueBytes('-32769')).toBe('c2ff7fffff');
    expect(valueBytes('2147483648')).toBe('0a' + Buffer.from('2147483648').toString('hex'));
    expect(valueBytes('01')).toBe('02' + '3031');
    expect(valueBytes('-0')).toBe('02' + '2d30');
    expect(valueBytes('a'.repeat(20))).toBe('14' + '61'.repeat(20));
    expect(valueBytes('a'.repeat(21)).slice(0, 2)).toBe('c3');
    expect(valueBytes('a'.repeat(21), false)).toBe('15' + '61'.repeat(21));
    expect(valueBytes('abcdefghijklmnopqrstuvwxyz')).toBe('1a' + Buffer.from('abcdefghijklmnopqrstuvwxyz').toString('hex'));
  });

  it('chooses encodings by the 7.0 thresholds', () => {
    const hash = (n: number, len = 1): RedisValue => ({ type: 'hash', value: new Map(Array.from({ length: n }, (_, i) => [`f${i}`, 'v'.repeat(len)])) });
    expect(rdbTypeFor(hash(512))).toBe(RDB_TYPE.HASH_LISTPACK);
    expect(rdbTypeFor(hash(513))).toBe(RDB_TYPE.HASH);
    expect(rdbTypeFor(hash(1, 64))).toBe(RDB_TYPE.HASH_LISTPACK);
    expect(rdbTypeFor(hash(1, 65))).toBe(RDB_TYPE.HASH);
    const set = (members: string[]): RedisValue => ({ type: 'set', value: new Set(members) });
    expect(rdbTypeFor(set(Array.from({ length: 512 }, (_, i) => String(i))))).toBe(RDB_TYPE.SET_INTSET);
    expect(rdbTypeFor(set(Array.from({ length: 513 }, (_, i) => String(i))))).toBe(RDB_TYPE.SET);
    expect(rdbTypeFor(set(['1', 'a']))).toBe(RDB_TYPE.SET);
    const zset = (n: number, len = 1): RedisValue => ({ type: 'zset', value: new Map(Array.from({ length: n }, (_, i) => [`${'m'.repeat(len)}${i}`, i])) });
    expect(rdbTypeFor(zset(128))).toBe(RDB_TYPE.ZSET_LISTPACK);
    expect(rdbTypeFor(zset(129))).toBe(RDB_TYPE.ZSET_2);
    expect(rdbTypeFor(zset(1, 65))).toBe(RDB_TYPE.ZSET_2);
    expect(rdbTypeFor({ type: 'list', value: ['a'] })).toBe(RDB_TYPE.LIST_QUICKLIST_2);
    expect(DEFAULT_ENCODING_CONFIG['hash-max-listpack-entries']).toBe(512);
    expect(rdbTypeForObjectEncoding('hash', 'hashtable')).toBe(RDB_TYPE.HASH);
    expect(rdbTypeForObjectEncoding('set', 'intset')).toBe(RDB_TYPE.SET_INTSET);
    expect(rdbTypeForObjectEncoding('zset', 'skiplist')).toBe(RDB_TYPE.ZSET_2);
    expect(rdbTypeForObjectEncoding('string', 'int')).toBe(RDB_TYPE.STRING);
  });

  it('lets a server model impose the encoding it tracked (Redis never converts back)', () => {
    const dbs = dbsWith([['h', { type: 'hash', value: new Map([['a', 'b']]) }]]);
    const bytes = Buffer.from(encodeRdb(dbs, { ...BASE, encodingOf: () => RDB_TYPE.HASH }));
    expect(bytes.includes(Buffer.from('040168' + '01' + '0161' + '0162', 'hex'))).toBe(true);
    const decoded = decodeRdb(bytes, { nowMs: null });
    expect(decoded.ok && decoded.dbs).toEqual(dbs);
  });
});

describe('rdb decode: refusing bad files with Redis 7.0 messages', () => {
  const good = encodeRdb(dbsWith([['a', { type: 'string', value: 'x'.repeat(100) }], ['b', { type: 'list', value: ['1', '2'] }]]), BASE);

  it('reports a short read for every truncation, with the log lines of rdbLoadRio', () => {
    for (let cut = 0; cut < good.length; cut++) {
      const f = failure(good.subarray(0, cut));
      expect(f.error.kind).toBe('short-read');
      expect(f.error.offset).toBeLessThanOrEqual(cut);
      expect(warnings(f)).toEqual([
        'Short read or OOM loading DB. Unrecoverable error, aborting now.',
        'Internal error in RDB reading offset 0, function at rdb.c:3240 -> Unexpected EOF reading RDB file',
      ]);
    }
  });

  it('never accepts a file with one flipped bit past the header', () => {
    fc.assert(
      fc.property(fc.integer({ min: 9, max: good.length - 1 }), fc.integer({ min: 0, max: 7 }), (at, bit) => {
        const bad = good.slice();
        bad[at] ^= 1 << bit;
        expect(decodeRdb(bad, { nowMs: null }).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a wrong checksum with the expected and stored values in hex', () => {
    const bad = good.slice();
    bad[bad.length - 1] ^= 0xff;
    const f = failure(bad);
    expect(f.error).toMatchObject({ kind: 'checksum', reason: 'RDB CRC error', rdbLine: 3216 });
    expect(warnings(f)[0]).toMatch(/^Wrong RDB checksum expected: \([0-9a-f]+\) but got \([0-9a-f]+\)\. Aborting now\.$/);
    expect(warnings(f)[1]).toBe('Internal error in RDB reading offset 0, function at rdb.c:3216 -> RDB CRC error');
    // rdbchecksum no on the loading side skips the check.
    expect(decodeRdb(bad, { nowMs: null, rdbchecksum: false }).ok).toBe(true);
  });

  it('refuses a wrong signature and an unknown version', () => {
    const sig = failure(Buffer.from('RADIS0010\xff', 'latin1'));
    expect(sig.error).toMatchObject({ kind: 'signature', reason: 'Wrong signature trying to load DB from file' });
    const ver = failure(new RdbBuilder('0011').finish());
    expect(ver.error).toMatchObject({ kind: 'version', reason: "Can't handle RDB format version 11" });
  });

  it('refuses an unknown object type after reading its key (rdb.c:2672)', () => {
    const f = failure(new RdbBuilder().byte(20).str('k').finish());
    expect(f.error).toMatchObject({ kind: 'corrupt', reason: 'Unknown RDB encoding type 20', rdbLine: 2672 });
    expect(warnings(f)[0]).toBe('Internal error in RDB reading offset 0, function at rdb.c:2672 -> Unknown RDB encoding type 20');
  });

  it('refuses duplicate keys, duplicate members and out-of-range databases', () => {
    const dup = failure(new RdbBuilder().stringKey('k', '1').stringKey('k', '2').finish());
    expect(dup.error.kind).toBe('duplicate-key');
    expect(warnings(dup)[0]).toBe("RDB has duplicated key 'k' in DB 0");
    const dupSet = failure(new RdbBuilder().byte(2).str('s').len(2).str('a').str('a').finish());
    expect(dupSet.error.reason).toBe('Duplicate set members detected');
    const db = failure(new RdbBuilder().selectDb(16).finish());
    expect(db.error.kind).toBe('too-many-dbs');
  });

  it('refuses corrupt listpacks and intsets with the per-type integrity messages', () => {
    const lp = failure(new RdbBuilder().byte(16).str('h').blob(Uint8Array.of(7, 0, 0, 0, 1, 0, 0xff)).finish());
    expect(lp.error.reason).toBe('Hash listpack integrity check failed.');
    const is = failure(new RdbBuilder().byte(11).str('s').blob(Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0)).finish());
    expect(is.error.reason).toBe('Intset integrity check failed.');
    const ql = failure(new RdbBuilder().byte(18).str('l').len(1).len(3).finish());
    expect(ql.error.reason).toBe('Quicklist integrity check failed.');
  });

  it('skips empty aggregates with a warning, as 7.0 does since #8453', () => {
    const r = decodeRdb(new RdbBuilder().byte(2).str('s').len(0).stringKey('k', 'v').finish(), { nowMs: null });
    expect(r.ok && r.emptyKeysSkipped).toBe(1);
    expect(r.log.map((l) => l.message)).toContain('rdbLoadObject skipping empty key: s');
    expect(r.log.at(-1)!.message).toBe('Done loading RDB, keys loaded: 1, keys expired: 0, empty keys skipped: 1.');
  });
});

describe('rdb decode: expiry, AOF preambles and older formats', () => {
  const dbs = dbsWith([
    ['gone', { type: 'string', value: '1' }, 1_000],
    ['kept', { type: 'string', value: '2' }, 5_000],
    ['forever', { type: 'string', value: '3' }],
  ]);
  const bytes = encodeRdb(dbs, BASE);

  it('drops keys already expired at nowMs, as a master loading an RDB does', () => {
    const r = decodeRdb(bytes, { nowMs: 2_000 });
    expect(r.ok && [...r.dbs[0]!.dict.keys()]).toEqual(['kept', 'forever']);
    expect(r.ok && r.keysExpired).toBe(1);
    expect(r.log.at(-1)!.message).toBe('Done loading RDB, keys loaded: 2, keys expired: 1.');
  });

  it('keeps them for an AOF base (RDBFLAGS_AOF_PREAMBLE) or with nowMs null', () => {
    expect(decodeRdb(bytes, { nowMs: 2_000, aofPreamble: true }).ok && 3).toBe(3);
    const r = decodeRdb(bytes, { nowMs: 2_000, aofPreamble: true });
    expect(r.ok && r.dbs[0]!.dict.size).toBe(3);
  });

  it('stops after the checksum and reports where, so an AOF tail can follow', () => {
    const tail = Buffer.from('*1\r\n$4\r\nPING\r\n');
    const withTail = Buffer.concat([Buffer.from('junk'), bytes, tail]);
    const r = decodeRdb(withTail, { nowMs: null, start: 4 });
    expect(r.ok && r.endOffset).toBe(4 + bytes.length);
  });

  it('reads RDB 9-era types: linked list (1), string-double zset (3), seconds expiry, LRU/LFU opcodes', () => {
    const old = new RdbBuilder('0006')
      .aux('redis-ver', '3.0.0')
      .selectDb(0)
      .byte(248).len(5) // IDLE
      .byte(1).str('l').len(2).str('a').str('b')
      .byte(249).byte(3) // FREQ
      .expireSeconds(2_000_000_000)
      .byte(3).str('z').len(3).str('a').byte(3).raw(Buffer.from('1.5')).str('b').byte(255).str('c').byte(254)
      .finish();
    const r = decodeRdb(old, { nowMs: null });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.dbs[0]!.dict.get('l')).toEqual({ type: 'list', value: ['a', 'b'] });
    expect(r.dbs[0]!.dict.get('z')).toEqual({ type: 'zset', value: new Map([['a', 1.5], ['b', -Infinity], ['c', Infinity]]) });
    expect(r.dbs[0]!.expires.get('z')).toBe(2_000_000_000_000);
  });

  it('reads versions before 5 without a checksum trailer', () => {
    const r = decodeRdb(new RdbBuilder('0004').stringKey('k', 'v').finish({ crc: 'none' }), { nowMs: null });
    expect(r.ok && r.checksum).toBe('skipped');
    expect(r.ok && r.dbs[0]!.dict.get('k')).toEqual({ type: 'string', value: 'v' });
  });
});

describe('rdb encode: invariants the value model must keep', () => {
  it('refuses empty aggregates and NaN scores instead of writing a file Redis would reject', () => {
    const encode = (v: RedisValue) => () => encodeRdb(dbsWith([['k', v]]), BASE);
    expect(encode({ type: 'list', value: [] })).toThrow(/empty list/);
    expect(encode({ type: 'set', value: new Set() })).toThrow(/empty set/);
    expect(encode({ type: 'hash', value: new Map() })).toThrow(/empty hash/);
    expect(encode({ type: 'zset', value: new Map([['m', NaN]]) })).toThrow(/NaN/);
  });
});
