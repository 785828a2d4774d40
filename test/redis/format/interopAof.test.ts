/**
 * Interoperability with a real redis-server 7.0 for multi-part AOF
 * directories: written by Redis and loaded here, written here and loaded by
 * Redis and redis-check-aof, and cut short at arbitrary offsets, where the
 * decision (load and truncate at offset N, or refuse) must be Redis's under
 * both aof-load-truncated settings.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findRedisBinaries } from '../../support/realRedis';
import { checkAof } from '../../../src/redis/format/aofCheck';
import { formatAofManifest, type AofManifest } from '../../../src/redis/format/aofManifest';
import { loadAofFiles } from '../../../src/redis/format/aofLoad';
import { encodeAofRewrite } from '../../../src/redis/format/aofRewrite';
import { loadKeyspaceFromFiles } from '../../../src/redis/format/inspect';
import { encodeRdb } from '../../../src/redis/format/rdbEncode';
import { respCommand } from '../../../src/redis/format/resp';
import { formatDouble17g } from '../../../src/redis/format/redisNumbers';
import type { RedisDb } from '../../../src/redis/RedisValue';
import { keyspace } from './arbitraries';
import { logMessages, readServerKeyspace, startServer, runServerUntilStartedOrExited, runTool, sendCommands, waitLoaded, waitRewriteDone, withLoggedDir } from './realRedisFiles';

const binaries = findRedisBinaries();

const readFile = (p: string) => (existsSync(p) && statSync(p).isFile() ? readFileSync(p) : null);

/** redis-check-aof prints a byte of stale stack memory after a line cut short. */
const normaliseStale = (s: string) => s.replace(/got: 00[0-9a-f]*/g, 'got: 00<stale>');

function futureTtls(dbs: RedisDb[], nowMs: number): RedisDb[] {
  for (const db of dbs) for (const [k, at] of db.expires) db.expires.set(k, nowMs + 3_600_000 + (at % 1_000_000_000));
  return dbs;
}

/** `dbs` without the keys that `other` has in the same database. */
function withoutKeysOf(dbs: RedisDb[], other: RedisDb[]): RedisDb[] {
  return dbs.map((db, i) => {
    const dict = new Map([...db.dict].filter(([k]) => !other[i]!.dict.has(k)));
    const expires = new Map([...db.expires].filter(([k]) => dict.has(k)));
    return { dict, expires };
  });
}

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

/** An appendonlydir as faultline writes it: manifest, base (RDB or RESP), one INCR file. */
function writeAofDir(dir: string, base: RedisDb[], incr: string[][], options: { preamble: boolean; nowMs: number; multiEvery?: number }): string {
  const aofDir = join(dir, 'appendonlydir');
  mkdirSync(aofDir, { recursive: true });
  const baseName = `appendonly.aof.1.base.${options.preamble ? 'rdb' : 'aof'}`;
  const manifest: AofManifest = {
    base: { fileName: baseName, fileSeq: 1, fileType: 'b' },
    incrList: [{ fileName: 'appendonly.aof.1.incr.aof', fileSeq: 1, fileType: 'i' }],
    historyList: [],
    currBaseFileSeq: 1,
    currIncrFileSeq: 1,
  };
  writeFileSync(join(aofDir, 'appendonly.aof.manifest'), formatAofManifest(manifest));
  const baseBytes = options.preamble
    ? encodeRdb(base, { nowMs: options.nowMs, usedMemBytes: 1_000_000, aofBase: true })
    : encodeAofRewrite(base, { nowMs: options.nowMs });
  writeFileSync(join(aofDir, baseName), baseBytes);
  let text = '';
  const every = options.multiEvery ?? 0;
  incr.forEach((argv, i) => {
    const wrap = every > 0 && i % every === 1 && argv[0] !== 'SELECT';
    if (wrap) text += respCommand(['MULTI']);
    text += respCommand(argv);
    if (wrap) text += respCommand(['EXEC']);
  });
  writeFileSync(join(aofDir, 'appendonly.aof.1.incr.aof'), Buffer.from(text, 'latin1'));
  return aofDir;
}

describe.runIf(binaries !== null)('interop aof: redis-server 7.0 AOF directories in faultline', () => {
  for (const preamble of [true, false]) {
    it(`load with the keyspace the server reports (aof-use-rdb-preamble ${preamble ? 'yes' : 'no'}), and checkAof prints what redis-check-aof prints`, async () => {
      await fc.assert(
        fc.asyncProperty(keyspace({ maxKeys: 8 }), keyspace({ maxKeys: 8 }), (before, afterAll) =>
          withLoggedDir('faultline-aofsrv-', async (dir) => {
            // Commands for `after` run on top of `before`: keep their keys apart,
            // or the server rightly answers WRONGTYPE when a key changes type.
            const after = withoutKeysOf(afterAll, before);
            const nowMs = Date.now();
            const redis = await startServer(binaries!, { appendonly: 'yes', 'aof-use-rdb-preamble': preamble ? 'yes' : 'no' }, dir);
            try {
              await sendCommands(redis.client, commandsFor(futureTtls(before, nowMs)));
              await redis.client.call('BGREWRITEAOF');
              await waitRewriteDone(redis.client);
              await redis.client.call('MULTI');
              await sendCommands(redis.client, commandsFor(futureTtls(after, nowMs)).slice(0, 3));
              await redis.client.call('EXEC');
              await sendCommands(redis.client, commandsFor(after));
              const serverView = await readServerKeyspace(redis.client);
              await redis.stop();

              const aofDir = join(dir, 'appendonlydir');
              const loaded = loadKeyspaceFromFiles(aofDir, readFile, { nowMs });
              if (!loaded.ok) throw new Error(loaded.error);
              expect(loaded.dbs).toEqual(serverView);

              const manifestPath = join(aofDir, 'appendonly.aof.manifest');
              const real = runTool(binaries!.checkAof, [manifestPath]);
              const ours = checkAof(manifestPath, readFile, { fix: false, nowMs: Date.now() });
              expect(ours.exitCode).toBe(real.exitCode);
              expect(ours.output).toBe(real.stdout);
            } finally {
              await redis.stop();
            }
          }),
        ),
        { numRuns: 5 },
      );
    });
  }
});

describe.runIf(binaries !== null)('interop aof: faultline AOF directories in redis-server 7.0', () => {
  for (const preamble of [true, false]) {
    it(`pass redis-check-aof and load with the same keyspace (${preamble ? 'RDB' : 'RESP'} base, MULTI/EXEC in the INCR file)`, async () => {
      await fc.assert(
        fc.asyncProperty(keyspace({ maxKeys: 8 }), keyspace({ maxKeys: 8 }), async (base, after) => {
          const nowMs = Date.now();
          const dir = mkdtempSync(join(tmpdir(), 'faultline-aof-'));
          try {
            const aofDir = writeAofDir(dir, futureTtls(base, nowMs), commandsFor(futureTtls(after, nowMs)), { preamble, nowMs, multiEvery: 3 });
            const manifestPath = join(aofDir, 'appendonly.aof.manifest');
            const real = runTool(binaries!.checkAof, [manifestPath]);
            expect(real.exitCode).toBe(0);
            expect(real.stdout).toContain('All AOF files and manifest are valid');
            const ours = checkAof(manifestPath, readFile, { fix: false, nowMs: Date.now() });
            expect(ours.output).toBe(real.stdout);

            const loaded = loadKeyspaceFromFiles(aofDir, readFile, { nowMs });
            if (!loaded.ok) throw new Error(loaded.error);
            const redis = await startServer(binaries!, { appendonly: 'yes' }, dir);
            try {
              await waitLoaded(redis.client);
              expect(await readServerKeyspace(redis.client)).toEqual(loaded.dbs);
            } finally {
              await redis.stop();
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        { numRuns: 5 },
      );
    });
  }
});

/** The log lines that carry the loading decision. */
const DECISION = /short read|Truncating the AOF|loaded anyway|Unexpected end of file|Bad file format|Revert incomplete|not the last file|Unrecoverable error/;

describe.runIf(binaries !== null)('interop aof: a truncated or corrupt AOF decides as redis-server decides', () => {
  const nowMs = Date.now();
  const base = futureTtls(
    [
      { dict: new Map([['k', { type: 'string' as const, value: 'v' }]]), expires: new Map<string, number>() },
      ...Array.from({ length: 15 }, () => ({ dict: new Map(), expires: new Map<string, number>() })),
    ],
    nowMs,
  );
  const incr: string[][] = [
    ['SELECT', '0'],
    ['SET', 'a', '1'],
    ['RPUSH', 'l', 'x', 'y', 'z'],
    ['HSET', 'h', 'f', 'v', 'g', 'w'],
    ['SELECT', '3'],
    ['SADD', 's', '1', '2', 'three'],
    ['INCR', 'counter'],
    ['PEXPIREAT', 's', String(nowMs + 86_400_000)],
    ['ZADD', 'z', '1.5', 'm', 'inf', 'n'],
  ];

  async function compareAt(mutate: (incrBytes: Buffer) => Buffer, aofLoadTruncated: boolean): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-trunc-'));
    try {
      const aofDir = writeAofDir(dir, base, incr, { preamble: true, nowMs, multiEvery: 3 });
      const incrPath = join(aofDir, 'appendonly.aof.1.incr.aof');
      const incrBytes = mutate(readFileSync(incrPath));
      writeFileSync(incrPath, incrBytes);

      const manifest = {
        base: { fileName: 'appendonly.aof.1.base.rdb', fileSeq: 1, fileType: 'b' as const },
        incrList: [{ fileName: 'appendonly.aof.1.incr.aof', fileSeq: 1, fileType: 'i' as const }],
        historyList: [],
        currBaseFileSeq: 1,
        currIncrFileSeq: 1,
      };
      const ours = loadAofFiles(manifest, (n) => readFile(join(aofDir, n)), { nowMs, aofLoadTruncated });
      const oursCheck = checkAof(join(aofDir, 'appendonly.aof.manifest'), readFile, { fix: true, nowMs: Date.now() });

      const run = await runServerUntilStartedOrExited(binaries!, dir, { appendonly: 'yes', 'aof-load-truncated': aofLoadTruncated ? 'yes' : 'no' });
      expect(ours.status !== 'failed').toBe(run.started);
      const realDecision = logMessages(run.log).filter((m) => DECISION.test(m));
      const ourDecision = ours.log.filter((l) => DECISION.test(l.message)).map((l) => l.message);
      expect(ourDecision).toEqual(realDecision);
      if (run.started) {
        // The server cut the file where we said it would; compare what it then holds.
        // (A cut can leave a complete MULTI without EXEC at the new end: aof.c
        // counts MULTI as a valid command. Reloading then reverts it again.)
        expect(ours.truncations.map((t) => t.toBytes)).toEqual(realDecision.some((m) => m.startsWith('!!! Truncating')) ? [statSync(incrPath).size] : []);
        const redis = await startServer(binaries!, { appendonly: 'yes', 'aof-load-truncated': 'yes' }, dir);
        try {
          await waitLoaded(redis.client);
          expect(await readServerKeyspace(redis.client)).toEqual(ours.dbs);
        } finally {
          await redis.stop();
        }
      }

      // redis-check-aof --fix on the same bytes.
      writeFileSync(incrPath, incrBytes);
      const realCheck = runTool(binaries!.checkAof, ['--fix', join(aofDir, 'appendonly.aof.manifest')], 'y\n');
      expect(normaliseStale(oursCheck.output)).toBe(normaliseStale(realCheck.stdout));
      expect(oursCheck.exitCode).toBe(realCheck.exitCode);
      expect(oursCheck.truncation?.toBytes ?? incrBytes.length).toBe(statSync(incrPath).size);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const incrLength = Buffer.from(incr.map(respCommand).join(''), 'latin1').length + 3 * 2 * 16; // with MULTI/EXEC wrappers

  it('cut at arbitrary offsets, under aof-load-truncated yes and no', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: incrLength }), fc.boolean(), async (cut, yes) => {
        await compareAt((b) => b.subarray(0, Math.min(cut, b.length)), yes);
      }),
      { numRuns: 25 },
    );
  });

  it('an unfinished MULTI at the tail is reverted (yes) or refused (no)', async () => {
    const cutAfterMulti = (b: Buffer) => {
      const at = b.lastIndexOf(Buffer.from('*1\r\n$4\r\nEXEC\r\n'));
      return b.subarray(0, at);
    };
    await compareAt(cutAfterMulti, true);
    await compareAt(cutAfterMulti, false);
  });

  it('garbage in the middle is refused whatever aof-load-truncated says', async () => {
    const corrupt = (b: Buffer) => {
      const out = Buffer.from(b);
      out[Math.floor(out.length / 2)] = 0x21; // '!'
      out.write('!', out.indexOf(Buffer.from('*3\r\n$3\r\nSET')));
      return out;
    };
    await compareAt(corrupt, true);
    await compareAt(corrupt, false);
  });
});

describe.runIf(binaries !== null)('interop aof: a damaged RDB base stops redis-server with the same log lines', () => {
  // rdb.c line numbers differ in patched builds; the age depends on when each side looked.
  const withoutLine = (m: string) => m.replace(/rdb\.c:\d+/, 'rdb.c:<line>').replace(/^RDB age \d+ seconds$/, 'RDB age <n> seconds');
  for (const damage of ['checksum', 'cut'] as const) {
    it(`base with a ${damage === 'cut' ? 'cut' : 'wrong checksum'}`, async () => {
      await withLoggedDir('faultline-badbase-', async (dir) => {
        const nowMs = Date.now();
        const base = Array.from({ length: 16 }, () => ({ dict: new Map(), expires: new Map<string, number>() })) as RedisDb[];
        base[0]!.dict.set('k', { type: 'string', value: 'v' });
        const aofDir = writeAofDir(dir, base, [['SET', 'a', '1']], { preamble: true, nowMs });
        const basePath = join(aofDir, 'appendonly.aof.1.base.rdb');
        const rdb = readFileSync(basePath);
        if (damage === 'checksum') rdb[rdb.length - 1] ^= 1;
        writeFileSync(basePath, damage === 'cut' ? rdb.subarray(0, 60) : rdb);

        const run = await runServerUntilStartedOrExited(binaries!, dir, { appendonly: 'yes' });
        const ours = loadKeyspaceFromFiles(aofDir, readFile, { nowMs: Date.now() });
        expect(run.started).toBe(false);
        expect(ours.ok).toBe(false);
        const real = logMessages(run.log);
        const from = real.indexOf('Reading RDB base file on AOF loading...');
        expect(real.slice(from).map(withoutLine)).toEqual(ours.log.map((l) => withoutLine(l.message)));
      });
    });
  }
});
