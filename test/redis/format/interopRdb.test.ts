/**
 * Interoperability with a real redis-server 7.0: RDB files written here load
 * in Redis with the same keyspace and pass redis-check-rdb (with the same
 * output as checkRdb), and RDB files written by Redis decode here to the
 * keyspace the server reports, and re-encode to the very same bytes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findRedisBinaries } from '../../support/realRedis';
import { decodeRdb } from '../../../src/redis/format/rdbDecode';
import { encodeRdb } from '../../../src/redis/format/rdbEncode';
import { checkRdb } from '../../../src/redis/format/rdbCheck';
import { formatDouble17g } from '../../../src/redis/format/redisNumbers';
import type { RedisDb } from '../../../src/redis/RedisValue';
import { keyspace } from './arbitraries';
import { logMessages, readServerKeyspace, startServer, runServerUntilStartedOrExited, runTool, sendCommands, withLoggedDir } from './realRedisFiles';

const binaries = findRedisBinaries();

/** Moves every expiry into the next year so the server does not drop the key. */
function futureTtls(dbs: RedisDb[], nowMs: number): RedisDb[] {
  for (const db of dbs) for (const [k, at] of db.expires) db.expires.set(k, nowMs + 3_600_000 + (at % 1_000_000_000));
  return dbs;
}

/** Commands that build `dbs` on a server (whole values at once, as a client would). */
function commandsFor(dbs: RedisDb[]): string[][] {
  const cmds: string[][] = [];
  dbs.forEach((db, i) => {
    if (db.dict.size === 0) return;
    cmds.push(['SELECT', String(i)]);
    for (const [k, v] of db.dict) {
      if (v.type === 'string') cmds.push(['SET', k, v.value]);
      else if (v.type === 'list') cmds.push(['RPUSH', k, ...v.value]);
      else if (v.type === 'set') cmds.push(['SADD', k, ...v.value]);
      else if (v.type === 'hash') cmds.push(['HSET', k, ...[...v.value].flat()]);
      else cmds.push(['ZADD', k, ...[...v.value].flatMap(([m, s]) => [formatDouble17g(s), m])]);
      const at = db.expires.get(k);
      if (at !== undefined) cmds.push(['PEXPIREAT', k, String(at)]);
    }
  });
  return cmds;
}

describe.runIf(binaries !== null)('interop rdb: faultline RDB files in redis-server 7.0', () => {
  it('loads with the same keyspace, types, values and TTLs, and redis-check-rdb agrees with checkRdb', async () => {
    await fc.assert(
      fc.asyncProperty(keyspace({ maxKeys: 10 }), fc.boolean(), async (generated, rdbcompression) => {
        const nowMs = Date.now();
        const dbs = futureTtls(generated, nowMs);
        const dir = mkdtempSync(join(tmpdir(), 'faultline-rdb-'));
        const file = join(dir, 'dump.rdb');
        const bytes = encodeRdb(dbs, { nowMs, usedMemBytes: 1234567, rdbcompression });
        writeFileSync(file, bytes);
        try {
          const check = runTool(binaries!.checkRdb, [file]);
          expect(check.exitCode).toBe(0);
          expect(check.stdout).toContain('\\o/ RDB looks OK! \\o/');
          const ours = checkRdb(file, bytes, { nowMs });
          expect(ours.lines.join('\n') + '\n').toBe(check.stdout);

          const redis = await startServer(binaries!, { dbfilename: 'dump.rdb' }, dir);
          try {
            expect(await readServerKeyspace(redis.client)).toEqual(dbs);
          } finally {
            await redis.stop();
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 10 },
    );
  });
});

describe.runIf(binaries !== null)('interop rdb: redis-server 7.0 RDB files in faultline', () => {
  it('decode to the keyspace the server reports, and re-encode to identical bytes', async () => {
    await fc.assert(
      fc.asyncProperty(keyspace({ maxKeys: 12 }), async (generated) => {
        const nowMs = Date.now();
        const dbs = futureTtls(generated, nowMs);
        const redis = await startServer(binaries!, { dbfilename: 'dump.rdb' });
        try {
          await sendCommands(redis.client, commandsFor(dbs));
          const serverView = await readServerKeyspace(redis.client);
          await redis.client.call('SAVE');
          const file = readFileSync(join(redis.dir, 'dump.rdb'));
          const decoded = decodeRdb(file, { nowMs: Date.now() });
          if (!decoded.ok) throw new Error(JSON.stringify(decoded.error));
          expect(decoded.dbs).toEqual(serverView);
          expect(decoded.dbs).toEqual(dbs);

          const aux = new Map(decoded.aux);
          const again = encodeRdb(decoded.dbs, { nowMs: Number(aux.get('ctime')) * 1000, usedMemBytes: Number(aux.get('used-mem')) });
          expect(Buffer.from(again).equals(file)).toBe(true);
        } finally {
          await redis.dispose();
        }
      }),
      { numRuns: 12 },
    );
  });

  it('decodes big collections past every encoding threshold, byte-identical on re-encode', async () => {
    const redis = await startServer(binaries!, { dbfilename: 'dump.rdb' });
    try {
      const cmds: string[][] = [
        ['HSET', 'h513', ...Array.from({ length: 513 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
        ['SADD', 's513', ...Array.from({ length: 513 }, (_, i) => String(i * 7))],
        ['ZADD', 'z129', ...Array.from({ length: 129 }, (_, i) => [String(i / 3), `m${i}`]).flat()],
        ['RPUSH', 'l', ...Array.from({ length: 5000 }, (_, i) => (i % 3 ? `item-${i}` : String(i)))],
        ['SET', 'big', 'x'.repeat(100_000)],
        ['SET', 'bin', Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1')],
      ];
      await sendCommands(redis.client, cmds);
      const serverView = await readServerKeyspace(redis.client);
      await redis.client.call('SAVE');
      const file = readFileSync(join(redis.dir, 'dump.rdb'));
      const decoded = decodeRdb(file, { nowMs: Date.now() });
      if (!decoded.ok) throw new Error(JSON.stringify(decoded.error));
      expect(decoded.dbs).toEqual(serverView);
      const aux = new Map(decoded.aux);
      const again = encodeRdb(decoded.dbs, { nowMs: Number(aux.get('ctime')) * 1000, usedMemBytes: Number(aux.get('used-mem')) });
      expect(Buffer.from(again).equals(file)).toBe(true);
    } finally {
      await redis.dispose();
    }
  });
});

/** rdb.c line numbers differ between upstream 7.0.15 and patched distribution builds. */
const withoutLine = (m: string) => m.replace(/rdb\.c:\d+/, 'rdb.c:<line>');

describe.runIf(binaries !== null)('interop rdb: a damaged RDB is refused as redis-server refuses it', () => {
  const nowMs = Date.now();
  const good = encodeRdb(
    [
      { dict: new Map([['k', { type: 'string' as const, value: 'v'.repeat(50) }], ['l', { type: 'list' as const, value: ['a', 'b'] }]]), expires: new Map<string, number>() },
      ...Array.from({ length: 15 }, () => ({ dict: new Map(), expires: new Map<string, number>() })),
    ],
    { nowMs, usedMemBytes: 1000 },
  );

  async function compare(bytes: Uint8Array): Promise<void> {
    await withLoggedDir('faultline-badrdb-', async (dir) => {
      writeFileSync(join(dir, 'dump.rdb'), bytes);
      const run = await runServerUntilStartedOrExited(binaries!, dir, { dbfilename: 'dump.rdb' });
      const ours = decodeRdb(bytes, { nowMs: Date.now() });
      expect(run.started).toBe(ours.ok);
      if (ours.ok) return;
      const real = logMessages(run.log).map(withoutLine);
      // Every warning we predict appears in the server's log, in order.
      const predicted = ours.log.filter((l) => l.level === 'warning').map((l) => withoutLine(l.message));
      const positions = predicted.map((m) => real.indexOf(m));
      expect(positions.every((p) => p >= 0), `${JSON.stringify(predicted)} in ${JSON.stringify(real)}`).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    });
  }

  it('wrong checksum, truncation, bad signature, unknown type', async () => {
    const badCrc = good.slice();
    badCrc[badCrc.length - 2] ^= 0x40;
    await compare(badCrc);
    await compare(good.subarray(0, good.length - 20));
    await compare(good.subarray(0, 40));
    const badType = good.slice();
    badType[badType.indexOf(0xfb) + 3] = 20; // first key's type byte, after RESIZEDB and its two lengths
    await compare(badType);
    await compare(good);
  });

  it('every cut of a small RDB', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 9, max: good.length - 1 }), (cut) => compare(good.subarray(0, cut))),
      { numRuns: 8 },
    );
  });
});
