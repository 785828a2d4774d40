import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayKey, keyspaceToJson, keyspaceToText, loadKeyspaceFromFiles } from '../../../src/redis/format/inspect';
import { encodeRdb } from '../../../src/redis/format/rdbEncode';
import { respCommand } from '../../../src/redis/format/resp';
import { DB_COUNT, emptyDb, fromUtf8 } from '../../../src/redis/RedisValue';

const FIXTURES = join(import.meta.dirname, 'fixtures');

function sample() {
  const dbs = Array.from({ length: DB_COUNT }, emptyDb);
  dbs[0]!.dict.set('s', { type: 'string', value: fromUtf8('héllo') });
  dbs[0]!.dict.set('l', { type: 'list', value: ['b', 'a'] });
  dbs[0]!.dict.set('set', { type: 'set', value: new Set(['b', 'a', '10']) });
  dbs[0]!.dict.set('h', { type: 'hash', value: new Map([['f', 'v']]) });
  dbs[0]!.dict.set('z', { type: 'zset', value: new Map([['x', 2], ['y', -Infinity], ['w', 2]]) });
  dbs[0]!.expires.set('s', 4102444800000);
  dbs[2]!.dict.set('\xff\xfe', { type: 'string', value: '\xff' });
  return dbs;
}

describe('inspect: the JSON of faultline redis inspect --json', () => {
  it('gives an object per non-empty db, key => {type, value, expireAtMs}', () => {
    expect(keyspaceToJson(sample())).toEqual({
      '0': {
        h: { type: 'hash', value: { f: 'v' }, expireAtMs: null },
        l: { type: 'list', value: ['b', 'a'], expireAtMs: null },
        s: { type: 'string', value: 'héllo', expireAtMs: 4102444800000 },
        set: { type: 'set', value: ['10', 'a', 'b'], expireAtMs: null },
        z: { type: 'zset', value: [['y', '-inf'], ['w', 2], ['x', 2]], expireAtMs: null },
      },
      '2': { '\\xff\\xfe': { type: 'string', value: '\ufffd', expireAtMs: null } },
    });
  });

  it('escapes keys that are not UTF-8, so distinct keys stay distinct', () => {
    expect(displayKey('\xff')).not.toBe(displayKey('\xfe'));
    expect(displayKey(fromUtf8('ключ'))).toBe('ключ');
  });

  it('prints a readable listing', () => {
    const text = keyspaceToText(sample());
    expect(text).toContain('db0: 5 keys, 1 with an expiry');
    expect(text).toContain('  "s" string "héllo"  (expires 2100-01-01T00:00:00.000Z)');
    expect(keyspaceToText(Array.from({ length: DB_COUNT }, emptyDb))).toBe('(empty keyspace)\n');
  });
});

describe('inspect: loading from a path', () => {
  it('reads an RDB file, keeping keys whatever their expiry', () => {
    const files: Record<string, Uint8Array> = { '/d/dump.rdb': encodeRdb(sample(), { nowMs: 0, usedMemBytes: 0 }) };
    const r = loadKeyspaceFromFiles('/d/dump.rdb', (p) => files[p] ?? null, { nowMs: 0 });
    expect(r.ok && r.source).toBe('rdb');
    expect(r.ok && r.dbs).toEqual(sample());
  });

  it('reads an appendonlydir given as a directory, a manifest path, or one old-style AOF', () => {
    const dir = join(FIXTURES, 'aof-preamble-yes');
    const read = (p: string) => {
      try {
        return readFileSync(p);
      } catch {
        return null;
      }
    };
    const fromDir = loadKeyspaceFromFiles(dir, read, { nowMs: 0 });
    const fromManifest = loadKeyspaceFromFiles(join(dir, 'appendonly.aof.manifest'), read, { nowMs: 0 });
    expect(fromDir.ok && fromDir.source).toBe('aof-multi-part');
    expect(fromDir.ok && fromManifest.ok && fromDir.dbs).toEqual(fromManifest.ok && fromManifest.dbs);
    expect(fromDir.ok && keyspaceToJson(fromDir.dbs)['7']).toEqual({ db7: { type: 'string', value: 'seven!', expireAtMs: null } });

    // Old style: an RDB preamble followed by commands, in one file.
    const oldStyle = Buffer.concat([encodeRdb(sample(), { nowMs: 0, usedMemBytes: 0, aofBase: true }), Buffer.from(respCommand(['SET', 'extra', '1']))]);
    const r = loadKeyspaceFromFiles('/x/appendonly.aof', (p) => (p === '/x/appendonly.aof' ? oldStyle : null), { nowMs: 0 });
    expect(r.ok && r.source).toBe('aof');
    expect(r.ok && r.dbs[0]!.dict.get('extra')).toEqual({ type: 'string', value: '1' });
    expect(r.log.map((l) => l.message)).toContain('Reading RDB preamble from AOF file...');
  });

  it('reports a truncated tail without changing anything, and fails on what Redis refuses', () => {
    const files: Record<string, Uint8Array> = { '/a.aof': Buffer.from(respCommand(['SET', 'a', '1']) + '*3\r\n$3\r\nSET') };
    const r = loadKeyspaceFromFiles('/a.aof', (p) => files[p] ?? null, { nowMs: 0 });
    expect(r.ok && r.truncatedTails).toEqual([{ fileName: 'a.aof', atBytes: 27 }]);
    const bad = loadKeyspaceFromFiles('/b', (p) => (p === '/b' ? Buffer.from('REDIS0010\xfe') : null), { nowMs: 0 });
    expect(bad.ok).toBe(false);
    expect(loadKeyspaceFromFiles('/nothing', () => null, { nowMs: 0 }).ok).toBe(false);
  });
});
