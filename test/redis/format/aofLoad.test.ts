import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadAofFiles, loadSingleAof, type AofLoadOptions } from '../../../src/redis/format/aofLoad';
import { parseAofManifest, type AofManifest } from '../../../src/redis/format/aofManifest';
import { encodeAofRewrite } from '../../../src/redis/format/aofRewrite';
import { encodeRdb } from '../../../src/redis/format/rdbEncode';
import { respCommand } from '../../../src/redis/format/resp';
import type { RedisLogLine } from '../../../src/redis/format/rdbDecode';
import { DB_COUNT, emptyDb, type RedisDb } from '../../../src/redis/RedisValue';
import { keyspace } from './arbitraries';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const text = (cmds: string[][]) => Buffer.from(cmds.map(respCommand).join(''), 'latin1');
const freshDbs = () => Array.from({ length: DB_COUNT }, emptyDb);

function loadOne(bytes: Uint8Array, options: Partial<AofLoadOptions> = {}) {
  const dbs = freshDbs();
  const log: RedisLogLine[] = [];
  const r = loadSingleAof('appendonly.aof.1.incr.aof', bytes, dbs, { nowMs: 0, ...options }, log);
  return { ...r, dbs, warnings: log.filter((l) => l.level === 'warning').map((l) => l.message) };
}

const MANIFEST: AofManifest = {
  base: { fileName: 'b.rdb', fileSeq: 1, fileType: 'b' },
  incrList: [
    { fileName: 'i1.aof', fileSeq: 1, fileType: 'i' },
    { fileName: 'i2.aof', fileSeq: 2, fileType: 'i' },
  ],
  historyList: [],
  currBaseFileSeq: 1,
  currIncrFileSeq: 2,
};

describe('aof load: real appendonlydirs written by redis-server 7.0.15', () => {
  for (const preamble of ['yes', 'no']) {
    it(`replays base and incr (aof-use-rdb-preamble ${preamble})`, () => {
      const dir = join(FIXTURES, `aof-preamble-${preamble}`);
      const manifest = parseAofManifest(readFileSync(join(dir, 'appendonly.aof.manifest'), 'latin1'));
      if (!manifest.ok) throw new Error(manifest.error);
      const r = loadAofFiles(manifest.manifest, (n) => readFileSync(join(dir, n)), { nowMs: 0 });
      expect(r.status).toBe('ok');
      const db0 = r.dbs[0]!;
      expect(db0.dict.get('str')).toEqual({ type: 'string', value: 'hello' });
      expect(db0.expires.get('str')).toBe(4102444800123);
      expect(db0.dict.get('bin\x00\xff')).toEqual({ type: 'string', value: '\x00\x01\x02\xfe\xff' });
      expect(db0.dict.get('list')).toEqual({ type: 'list', value: ['z', 'a', 'b', '3', 'd'] });
      expect(db0.dict.get('ints')).toEqual({ type: 'set', value: new Set(['1', '2', '3']) });
      expect(db0.dict.has('words')).toBe(false);
      expect(db0.dict.get('hash')).toEqual({ type: 'hash', value: new Map([['f1', 'v1'], ['f2', '2'], ['f3', 'v3']]) });
      expect(db0.dict.get('zset')).toEqual({ type: 'zset', value: new Map([['a', 3.5], ['b', -Infinity], ['c', 3]]) });
      expect(db0.expires.get('ttl')).toBe(4102444800000);
      expect(db0.dict.get('counter')).toEqual({ type: 'string', value: '1' });
      expect(db0.dict.get('in-multi')).toEqual({ type: 'string', value: '1' });
      expect(r.dbs[7]!.dict.get('db7')).toEqual({ type: 'string', value: 'seven!' });
      expect(r.aofRewriteBaseSizeBytes).toBe(readFileSync(join(dir, manifest.manifest.base!.fileName)).length);
    });
  }
});

describe('aof load: what a base written here replays to', () => {
  it('an RDB base or a RESP base (the AOF rewrite) gives back the keyspace', () => {
    fc.assert(
      fc.property(keyspace(), fc.boolean(), (dbs, preamble) => {
        const base = preamble ? encodeRdb(dbs, { nowMs: 0, usedMemBytes: 0, aofBase: true }) : encodeAofRewrite(dbs, { nowMs: 0 });
        const r = loadOne(base);
        expect(r.status === 'ok' || r.status === 'empty').toBe(true);
        expect(r.dbs).toEqual(dbs);
      }),
      { numRuns: 200 },
    );
  });

  it('the AOF rewrite of the fixture base is byte-identical to what redis-server wrote', () => {
    const base = readFileSync(join(FIXTURES, 'aof-preamble-no', 'appendonly.aof.2.base.aof'));
    const r = loadOne(base);
    expect(Buffer.from(encodeAofRewrite(r.dbs, { nowMs: 0 })).equals(base)).toBe(true);
  });

  it('splits big collections into commands of 64 items, and writes #TS when asked', () => {
    const dbs: RedisDb[] = freshDbs();
    dbs[0]!.dict.set('l', { type: 'list', value: Array.from({ length: 130 }, (_, i) => String(i)) });
    const out = Buffer.from(encodeAofRewrite(dbs, { nowMs: 1_700_000_000_999, aofTimestampEnabled: true })).toString('latin1');
    expect(out.startsWith('#TS:1700000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*66\r\n$5\r\nRPUSH\r\n')).toBe(true);
    expect(out.split('RPUSH').length - 1).toBe(3);
    expect(out).toContain('*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$3\r\n128\r\n$3\r\n129\r\n');
  });
});

describe('aof load: truncated tails, as loadSingleAppendOnlyFile decides', () => {
  const cmds = [['SET', 'a', '1'], ['MULTI'], ['SET', 'b', '2'], ['EXEC'], ['RPUSH', 'l', 'x']];
  const full = text(cmds);
  const ends = cmds.map((_, i) => text(cmds.slice(0, i + 1)).length);

  it('truncates at the last complete command with aof-load-truncated yes, refuses with no', () => {
    for (let cut = 1; cut < full.length; cut++) {
      if (ends.includes(cut)) continue;
      const yes = loadOne(full.subarray(0, cut));
      const no = loadOne(full.subarray(0, cut), { aofLoadTruncated: false });
      expect(no.status).toBe('failed');
      expect(no.warnings.at(-1)).toMatch(/^Unexpected end of file reading the append only file appendonly.aof.1.incr.aof\. You can:/);
      // A short read cuts after the last complete command, even inside a MULTI
      // (which can leave a MULTI without EXEC at the new end, as redis-server does).
      const complete = Math.max(0, ...ends.filter((e) => e < cut));
      expect(yes.status).toBe('truncated');
      expect(yes.truncateToBytes).toBe(complete);
      expect(yes.warnings.slice(-3)).toEqual([
        '!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!',
        `!!! Truncating the AOF appendonly.aof.1.incr.aof at offset ${yes.truncateToBytes} !!!`,
        'AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled',
      ]);
      expect(yes.dbs[0]!.dict.has('b')).toBe(cut >= ends[3]!);
    }
  });

  it('reverts a MULTI left open at a clean end of file', () => {
    const r = loadOne(text(cmds.slice(0, 3)));
    expect(r.status).toBe('truncated');
    expect(r.truncateToBytes).toBe(ends[0]);
    expect(r.warnings[0]).toBe('Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof');
    expect(r.dbs[0]!.dict.has('b')).toBe(false);
  });

  it('refuses bad format in the middle whatever the setting', () => {
    const bad = Buffer.concat([text(cmds.slice(0, 1)), Buffer.from('GARBAGE\r\n'), text(cmds.slice(1))]);
    for (const aofLoadTruncated of [true, false]) {
      const r = loadOne(bad, { aofLoadTruncated });
      expect(r.status).toBe('failed');
      expect(r.warnings).toEqual([
        'Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>',
      ]);
    }
  });

  it('fails on a command the applier reports unknown, with Redis words', () => {
    const r = loadOne(text([['NOSUCH', 'x']]), { applyCommand: () => 'unknown-command', lookupCommand: () => 'unknown-command' });
    expect(r.warnings).toEqual(["Unknown command 'NOSUCH' reading the append only file appendonly.aof.1.incr.aof"]);
    const unsupported = loadOne(text([['XADD', 's', '*', 'f', 'v']]));
    expect(unsupported.status).toBe('failed');
    expect(unsupported.failure).toMatch(/not supported/);
  });

  it('fails when a file other than the last one is truncated, after cutting it', () => {
    const files: Record<string, Uint8Array> = {
      'b.rdb': encodeRdb(freshDbs(), { nowMs: 0, usedMemBytes: 0, aofBase: true }),
      'i1.aof': full.subarray(0, full.length - 3),
      'i2.aof': text([['SET', 'z', '1']]),
    };
    const r = loadAofFiles(MANIFEST, (n) => files[n] ?? null, { nowMs: 0 });
    expect(r.status).toBe('failed');
    expect(r.truncations).toEqual([{ fileName: 'i1.aof', toBytes: ends[3] }]);
    expect(r.log.at(-1)!.message).toBe('Fatal error: the truncated file is not the last file');
    const last = loadAofFiles(MANIFEST, (n) => (n === 'i1.aof' ? full : files[n] ?? null), { nowMs: 0 });
    expect(last.status).toBe('ok');
    expect(last.aofCurrentSizeBytes).toBe(files['b.rdb']!.length + full.length + files['i2.aof']!.length);
  });

  it('fails when a listed file is missing, and reports nothing to load for an empty manifest', () => {
    const r = loadAofFiles(MANIFEST, (n) => (n === 'b.rdb' ? null : new Uint8Array(0)), { nowMs: 0 });
    expect(r.status).toBe('failed');
    expect(r.log[0]!.message).toBe('Unable to obtain the AOF file b.rdb length. stat: No such file or directory');
    expect(loadAofFiles({ ...MANIFEST, base: null, incrList: [] }, () => null, { nowMs: 0 }).status).toBe('not-exist');
    expect(loadAofFiles(MANIFEST, () => new Uint8Array(0), { nowMs: 0 }).status).toBe('empty');
  });

  it('starts every file at db 0, as each file gets a fresh AOF client', () => {
    const files: Record<string, Uint8Array> = {
      'b.rdb': encodeRdb(freshDbs(), { nowMs: 0, usedMemBytes: 0, aofBase: true }),
      'i1.aof': text([['SELECT', '5'], ['SET', 'x', '1']]),
      'i2.aof': text([['SET', 'y', '1']]),
    };
    const r = loadAofFiles(MANIFEST, (n) => files[n] ?? null, { nowMs: 0 });
    expect(r.dbs[5]!.dict.has('x')).toBe(true);
    expect(r.dbs[0]!.dict.has('y')).toBe(true);
  });
});
