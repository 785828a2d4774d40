/**
 * Golden fixtures written by a real redis-server 7.0.15 (SAVE after the
 * commands listed in each test). Decoding them must give the keyspace the
 * commands built; re-encoding that keyspace in the file's key order with the
 * file's aux values must give the very same bytes, CRC included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRdb, type RdbDecoded } from '../../../src/redis/format/rdbDecode';
import { encodeRdb } from '../../../src/redis/format/rdbEncode';
import type { RedisValue } from '../../../src/redis/RedisValue';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

function decodeOk(bytes: Uint8Array): RdbDecoded {
  const result = decodeRdb(bytes, { nowMs: null });
  if (!result.ok) throw new Error(`decode failed: ${JSON.stringify(result.error)}`);
  return result;
}

function reencode(d: RdbDecoded): Buffer {
  const aux = new Map(d.aux);
  return Buffer.from(
    encodeRdb(d.dbs, {
      nowMs: Number(aux.get('ctime')) * 1000,
      usedMemBytes: Number(aux.get('used-mem')),
      aofBase: aux.get('aof-base') === '1',
    }),
  );
}

describe('rdb golden: redis-7.0.15-mixed.rdb (every 7.0 encoding of strings, lists, sets, zsets, hashes)', () => {
  const bytes = fixture('redis-7.0.15-mixed.rdb');
  const d = decodeOk(bytes);
  const db0 = d.dbs[0]!.dict;
  const get = (key: string): RedisValue => db0.get(key)!;

  it('reads the aux fields of 7.0.15 in their order', () => {
    expect(d.rdbVersion).toBe(10);
    expect(d.aux.map(([k]) => k)).toEqual(['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'aof-base']);
    expect(d.aux[0]).toEqual(['redis-ver', '7.0.15']);
    expect(d.checksum).toBe('ok');
    expect(d.endOffset).toBe(bytes.length);
  });

  it('reads integer-encoded, raw and LZF strings', () => {
    expect(get('str')).toEqual({ type: 'string', value: 'hello' });
    expect(get('int8')).toEqual({ type: 'string', value: '-100' });
    expect(get('int16')).toEqual({ type: 'string', value: '30000' });
    expect(get('int32')).toEqual({ type: 'string', value: '-2000000000' });
    expect(get('int64')).toEqual({ type: 'string', value: '9223372036854775807' });
    expect(get('notint')).toEqual({ type: 'string', value: '007' });
    expect(get('empty')).toEqual({ type: 'string', value: '' });
    expect(get('long')).toEqual({ type: 'string', value: 'abc'.repeat(54) });
  });

  it('reads listpack and hashtable hashes', () => {
    expect(get('hsmall')).toEqual({ type: 'hash', value: new Map([['f1', 'v1'], ['f2', '2'], ['f3', '-3'], ['f4', 'x'.repeat(64)]]) });
    const hbig = get('hbig');
    expect(hbig.type === 'hash' && hbig.value.size).toBe(130);
    expect(get('hwide')).toEqual({ type: 'hash', value: new Map([['f', 'y'.repeat(65)]]) });
  });

  it('reads intsets and hashtable sets', () => {
    expect(get('sint')).toEqual({ type: 'set', value: new Set(['-3', '1', '5', '70000', '100000']) });
    expect(get('sint64')).toEqual({ type: 'set', value: new Set(['1', '9000000000']) });
    expect(get('sstr')).toEqual({ type: 'set', value: new Set(['a', 'b', 'c', '1']) });
  });

  it('reads listpack and skiplist sorted sets, infinities included', () => {
    expect(get('zsmall')).toEqual({
      type: 'zset',
      value: new Map([['f', -Infinity], ['c', -3], ['g', 0], ['a', 1], ['b', 2.5], ['d', 1e20], ['e', Infinity]]),
    });
    const zbig = get('zbig');
    expect(zbig.type === 'zset' && zbig.value.get('m7')).toBe(7.5);
    expect(zbig.type === 'zset' && zbig.value.size).toBe(130);
  });

  it('reads single- and multi-node quicklists', () => {
    expect(get('lsmall')).toEqual({ type: 'list', value: ['a', 'b', 'c', '1', '2', '3', '-70000', ''] });
    const lbig = get('lbig');
    expect(lbig.type === 'list' && lbig.value).toEqual(Array.from({ length: 3000 }, (_, i) => `element-number-${i + 1}`));
  });

  it('reads expiries and other databases', () => {
    expect(d.dbs[0]!.expires).toEqual(new Map([['ttl1', 4102444800000], ['ttl2', 4102444800123]]));
    expect(d.dbs[3]!.dict.get('db3key')).toEqual({ type: 'string', value: 'db3value' });
    expect(d.dbs[15]!.dict.get('db15list')).toEqual({ type: 'list', value: ['x'] });
    expect(d.keysLoaded).toBe(24);
  });

  it('re-encodes to the identical bytes', () => {
    expect(reencode(d).equals(bytes)).toBe(true);
  });
});
