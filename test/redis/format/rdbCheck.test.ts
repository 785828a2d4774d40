/**
 * checkRdb against what the real redis-check-rdb 7.0.15 printed for the same
 * bytes (recorded below). One known difference: the Debian build reports the
 * intset error from rdb.c:2214, upstream 7.0.15 (and faultline) from 2212.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRdb } from '../../../src/redis/format/rdbCheck';
import { RdbBuilder } from './rdbBuilder';

const NOW = Date.UTC(2026, 10, 28, 5, 43, 43, 774);

describe('rdb check: redis-check-rdb 7.0.15 output', () => {
  it('prints every aux field, db and the checksum for a good file', () => {
    const bytes = readFileSync(join(import.meta.dirname, 'fixtures', 'redis-7.0.15-mixed.rdb'));
    const r = checkRdb('dump.rdb', bytes, { nowMs: NOW });
    expect(r.exitCode).toBe(0);
    expect(r.lines).toEqual([
      '[offset 0] Checking RDB file dump.rdb',
      "[offset 27] AUX FIELD redis-ver = '7.0.15'",
      "[offset 41] AUX FIELD redis-bits = '64'",
      "[offset 53] AUX FIELD ctime = '1795844250'",
      "[offset 68] AUX FIELD used-mem = '1196600'",
      "[offset 80] AUX FIELD aof-base = '0'",
      '[offset 82] Selecting DB ID 0',
      '[offset 18480] Selecting DB ID 3',
      '[offset 18502] Selecting DB ID 15',
      '[offset 18556] Checksum OK',
      '[offset 18556] \\o/ RDB looks OK! \\o/',
      '[info] 24 keys read',
      '[info] 2 expires',
      '[info] 0 already expired',
    ]);
  });

  it('reports a corrupt intset like rdbReportCorruptRDB in check mode', () => {
    const bytes = new RdbBuilder()
      .aux('redis-ver', '7.0.15')
      .selectDb(0)
      .stringKey('k1', 'v')
      .byte(11)
      .str('badset')
      .blob(Buffer.from('02000000' + '02000000' + '0500' + '0100', 'hex'))
      .finish();
    const r = checkRdb('/tmp/fmt-bad1.rdb', bytes, { nowMs: NOW, pid: 15659 });
    expect(r.exitCode).toBe(1);
    expect(r.lines).toEqual([
      '[offset 0] Checking RDB file /tmp/fmt-bad1.rdb',
      "[offset 27] AUX FIELD redis-ver = '7.0.15'",
      '[offset 29] Selecting DB ID 0',
      '--- RDB ERROR DETECTED ---',
      '[offset 56] Internal error in RDB reading offset 0, function at rdb.c:2212 -> Intset integrity check failed.',
      '[additional info] While doing: read-object-value',
      "[additional info] Reading key 'badset'",
      '[additional info] Reading type 11 (set-intset)',
      '[info] 2 keys read',
      '[info] 0 expires',
      '[info] 0 already expired',
      '15659:C 28 Nov 2026 05:43:43.774 # Terminating server after rdb file reading failure.',
    ]);
  });

  it('reports a short read with the key being read', () => {
    const bytes = new RdbBuilder().selectDb(0).stringKey('k1', 'v').byte(0).str('k2').bytes();
    expect(checkRdb('/tmp/fmt-bad2.rdb', bytes, { nowMs: NOW }).lines).toEqual([
      '[offset 0] Checking RDB file /tmp/fmt-bad2.rdb',
      '[offset 11] Selecting DB ID 0',
      '--- RDB ERROR DETECTED ---',
      '[offset 21] Unexpected EOF reading RDB file',
      '[additional info] While doing: read-object-value',
      "[additional info] Reading key 'k2'",
      '[additional info] Reading type 0 (string)',
      '[info] 2 keys read',
      '[info] 0 expires',
      '[info] 0 already expired',
    ]);
  });

  it('reports a wrong checksum', () => {
    const good = new RdbBuilder().selectDb(0).stringKey('k1', 'v').finish();
    const bad = good.slice();
    bad.set([0x39, 0x30, 0, 0, 0, 0, 0, 0], bad.length - 8);
    expect(checkRdb('/tmp/fmt-bad3.rdb', bad, { nowMs: NOW }).lines).toEqual([
      '[offset 0] Checking RDB file /tmp/fmt-bad3.rdb',
      '[offset 11] Selecting DB ID 0',
      '--- RDB ERROR DETECTED ---',
      '[offset 26] RDB CRC error',
      '[additional info] While doing: check-sum',
      '[info] 1 keys read',
      '[info] 0 expires',
      '[info] 0 already expired',
    ]);
  });

  it('refuses an invalid type byte before reading a key, and counts expired keys', () => {
    const r = checkRdb('x.rdb', new RdbBuilder().expireMs(1000).stringKey('old', 'v').byte(30).finish(), { nowMs: NOW });
    expect(r.lines.slice(1)).toEqual([
      '--- RDB ERROR DETECTED ---',
      '[offset 26] Invalid object type: 30',
      '[additional info] While doing: read-type',
      '[info] 1 keys read',
      '[info] 1 expires',
      '[info] 1 already expired',
    ]);
  });
});
