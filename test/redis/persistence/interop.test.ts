/**
 * Interoperability of the persistence model with real redis-server 7.0,
 * through the server (issue 4, items 1, 2, 3 and 5):
 *   - the AOF directory a faultline server leaves after a run (rewrites
 *     included) passes redis-check-aof and loads in redis-server with the
 *     keyspace faultline had; so does a dump.rdb from a faultline BGSAVE,
 *     and redis-check-rdb accepts it;
 *   - dump.rdb and appendonlydir written by redis-server load in a faultline
 *     server with the keyspace redis-server had;
 *   - an AOF cut at an arbitrary offset: a faultline restart starts or
 *     refuses exactly when redis-server does, logs the same decision, and
 *     loads the same keyspace, under both aof-load-truncated settings;
 *   - INFO persistence has 7.0's fields, with and without the AOF.
 * Commands come from the differential test's generator; TTLs it makes are
 * far in the future or already past, so nothing expires across servers.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAof } from '../../../src/redis/format/aofCheck';
import { checkRdb } from '../../../src/redis/format/rdbCheck';
import { RedisHost } from '../../../src/redis/persistence/RedisHost';
import { emptyDb, type RedisDb } from '../../../src/redis/RedisValue';
import type { RedisServer } from '../../../src/redis/RedisServer';
import { Simulation } from '../../../src/sim/Simulation';
import { findRedisBinaries, startRealRedis } from '../../support/realRedis';
import { logMessages, readServerKeyspace, runServerUntilStartedOrExited, runTool, waitLoaded, waitRewriteDone } from '../format/realRedisFiles';
import { commandArbitrary, type Argv } from '../support/commandArbitraries';
import { RespConnection } from '../support/respConnection';

const binaries = findRedisBinaries();
const DIR = 'var/lib/redis';

const readFile = (p: string) => (existsSync(p) && statSync(p).isFile() ? readFileSync(p) : null);

/** A faultline host whose clock is the real clock (so absolute TTLs mean the same on both servers). */
function faultlineHost(config: Record<string, string>, startMs = Date.now()): { sim: Simulation; host: RedisHost } {
  const sim = new Simulation({ seed: 'interop', startMs, recordTrace: false });
  return { sim, host: new RedisHost({ sim, name: 'redis', config: { ...config } }) };
}

/** A snapshot of a faultline keyspace without keys that are logically expired. */
function liveKeyspace(server: RedisServer): RedisDb[] {
  return server.ks.dbs.map((db) => {
    const out = emptyDb();
    db.dict.forEach((value, key) => {
      const at = db.expires.get(key);
      if (at !== undefined && at < server.nowMs) return;
      out.dict.set(key, value);
      if (at !== undefined) out.expires.set(key, at);
    });
    return out;
  });
}

/**
 * Keyspaces equal: the same keys, values and TTL keys; expiry times equal,
 * except beyond 2^53 ms (EX 99999999999999), where the server model's
 * times are doubles and agree with Redis's integers to the double's
 * precision (as the differential test tolerates).
 */
function expectSameKeyspace(actual: RedisDb[], expected: RedisDb[], what = ''): void {
  expect(actual.map((db) => db.dict), what).toEqual(expected.map((db) => db.dict));
  actual.forEach((db, i) => {
    const want = expected[i]!.expires;
    expect([...db.expires.keys()].sort(), `${what} db ${i} TTL keys`).toEqual([...want.keys()].sort());
    for (const [key, at] of db.expires) {
      const other = want.get(key)!;
      const slack = Math.max(at, other) > Number.MAX_SAFE_INTEGER ? 64 : 0;
      expect(Math.abs(at - other), `${what} db ${i} ${JSON.stringify(key)} expires at ${at} vs ${other}`).toBeLessThanOrEqual(slack);
    }
  });
}

/** Copies the files of the host's `dir` (as the page cache has them) into a real directory. */
function exportDir(host: RedisHost, realDir: string): void {
  for (const path of host.disk.files()) {
    if (!path.startsWith(`${DIR}/`)) continue;
    const target = join(realDir, path.slice(DIR.length + 1));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, host.disk.readFile(path));
  }
}

/** Copies a real directory's files into the host's `dir`, durably. */
function importDir(host: RedisHost, realDir: string, sub = ''): void {
  for (const name of readdirSync(join(realDir, sub))) {
    const rel = sub === '' ? name : `${sub}/${name}`;
    if (name.endsWith('.sock') || name === 'redis.log') continue;
    if (statSync(join(realDir, rel)).isDirectory()) {
      host.disk.mkdir(`${DIR}/${rel}`, { recursive: true });
      importDir(host, realDir, rel);
      continue;
    }
    const handle = host.disk.open(`${DIR}/${rel}`, { create: true, truncate: true });
    host.disk.append(handle, readFileSync(join(realDir, rel)));
    host.disk.fsync(handle);
  }
}

const commands = (nowMs: number) => fc.array(commandArbitrary(nowMs), { minLength: 5, maxLength: 40 });

/** Runs `cmds` one per batch, with BGREWRITEAOF and BGSAVE after the first half, letting the children finish. */
function drive(sim: Simulation, server: RedisServer, cmds: readonly Argv[]): void {
  const client = server.connect();
  const half = Math.floor(cmds.length / 2);
  cmds.forEach((argv, i) => {
    if (i === half) {
      client.call('BGREWRITEAOF');
      sim.advance(2_000);
      client.call('BGSAVE');
      sim.advance(2_000);
    }
    client.call(...argv);
  });
  client.close();
}

describe.runIf(binaries !== null)('interop: a faultline server\'s files in redis-server 7.0', () => {
  for (const preamble of ['yes', 'no']) {
    it(`the AOF directory after a run (aof-use-rdb-preamble ${preamble}) passes redis-check-aof and loads with the same keyspace`, async () => {
      await fc.assert(
        fc.asyncProperty(commands(Date.now()), async (cmds) => {
          const { sim, host } = faultlineHost({ appendonly: 'yes', appendfsync: 'always', 'aof-use-rdb-preamble': preamble, save: '' });
          const started = host.start();
          if (!started.ok) throw new Error(started.log.join('\n'));
          drive(sim, started.server, cmds);
          const expected = liveKeyspace(started.server);
          const dir = mkdtempSync(join(tmpdir(), 'faultline-hostaof-'));
          try {
            exportDir(host, dir);
            const manifest = join(dir, 'appendonlydir', 'appendonly.aof.manifest');
            const real = runTool(binaries!.checkAof, [manifest]);
            expect(real.stdout).toContain('All AOF files and manifest are valid');
            expect(real.exitCode).toBe(0);
            expect(checkAof(manifest, readFile, { fix: false, nowMs: Date.now() }).output).toBe(real.stdout);
            const redis = await startRealRedis(binaries!, { appendonly: 'yes' }, dir);
            try {
              await waitLoaded(redis.client);
              expectSameKeyspace(await readServerKeyspace(redis.client), expected);
            } finally {
              await redis.stop();
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        { numRuns: 6 },
      );
    });
  }

  it('dump.rdb from a faultline BGSAVE passes redis-check-rdb and loads with the same keyspace', async () => {
    await fc.assert(
      fc.asyncProperty(commands(Date.now()), async (cmds) => {
        const { sim, host } = faultlineHost({ save: '' });
        const started = host.start();
        if (!started.ok) throw new Error(started.log.join('\n'));
        const client = started.server.connect();
        for (const argv of cmds) client.call(...argv);
        const admin = started.server.connect(); // the generated commands may leave `client` inside MULTI
        expect(admin.call('BGSAVE')).toEqual({ kind: 'simple', value: 'Background saving started' });
        const expected = liveKeyspace(started.server);
        admin.call('SET', 'after-the-fork', '1');
        sim.advance(2_000);
        const dir = mkdtempSync(join(tmpdir(), 'faultline-hostrdb-'));
        try {
          exportDir(host, dir);
          const dump = join(dir, 'dump.rdb');
          const real = runTool(binaries!.checkRdb, [dump]);
          expect(real.exitCode).toBe(0);
          expect(checkRdb('dump.rdb', readFileSync(dump), { nowMs: Date.now() }).ok).toBe(true);
          const redis = await startRealRedis(binaries!, { dbfilename: 'dump.rdb' }, dir);
          try {
            await waitLoaded(redis.client);
            expectSameKeyspace(await readServerKeyspace(redis.client), expected);
          } finally {
            await redis.stop();
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 6 },
    );
  });
});

describe.runIf(binaries !== null)('interop: redis-server 7.0 files in a faultline server', () => {
  for (const preamble of ['yes', 'no']) {
    it(`dump.rdb and appendonlydir (aof-use-rdb-preamble ${preamble}) load with the keyspace redis-server had`, async () => {
      await fc.assert(
        fc.asyncProperty(commands(Date.now()), async (cmds) => {
          const dir = mkdtempSync(join(tmpdir(), 'faultline-realfiles-'));
          try {
            const redis = await startRealRedis(binaries!, { appendonly: 'yes', 'aof-use-rdb-preamble': preamble }, dir);
            let expected: RedisDb[];
            try {
              const conn = await RespConnection.open(redis.socket);
              const half = Math.floor(cmds.length / 2);
              await conn.pipeline(cmds.slice(0, half));
              await conn.pipeline([['DISCARD']]);
              await redis.client.call('BGREWRITEAOF');
              await waitRewriteDone(redis.client);
              await conn.pipeline(cmds.slice(half));
              await conn.pipeline([['DISCARD']]);
              conn.close();
              expected = await readServerKeyspace(redis.client);
              await redis.client.call('SAVE');
            } finally {
              await redis.stop();
            }
            for (const appendonly of ['yes', 'no']) {
              const { host } = faultlineHost({ appendonly, save: '' });
              importDir(host, dir);
              const started = host.start();
              if (!started.ok) throw new Error(started.log.join('\n'));
              expectSameKeyspace(liveKeyspace(started.server), expected, `appendonly ${appendonly}`);
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

describe.runIf(binaries !== null)('interop: a cut AOF, restarted by faultline and by redis-server', () => {
  it('start or refuse, the decision logged, and the keyspace loaded, agree under both aof-load-truncated settings', async () => {
    await fc.assert(
      fc.asyncProperty(commands(Date.now()), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), async (cmds, where, truncatedYes) => {
        const setting = truncatedYes ? 'yes' : 'no';
        const { sim, host } = faultlineHost({ appendonly: 'yes', appendfsync: 'always', save: '' });
        const started = host.start();
        if (!started.ok) throw new Error(started.log.join('\n'));
        const client = started.server.connect();
        for (const argv of cmds) client.call(...argv);
        client.pipeline([['MULTI'], ['SET', 'm1', '1'], ['SET', 'm2', '2'], ['EXEC']]);
        host.crash();
        const incr = `${DIR}/appendonlydir/appendonly.aof.1.incr.aof`;
        const handle = host.disk.open(incr);
        host.disk.truncate(handle, Math.floor(host.disk.length(handle) * where));
        sim.advance(1_000);

        const dir = mkdtempSync(join(tmpdir(), 'faultline-cut-'));
        try {
          exportDir(host, dir);
          const since = sim.nowMs;
          const ours = host.restart({ 'aof-load-truncated': setting });
          const ourDecision = host.log.lines.filter((l) => l.atMs >= since && DECISION.test(l.message)).map((l) => l.message);
          const run = await runServerUntilStartedOrExited(binaries!, dir, { appendonly: 'yes', 'aof-load-truncated': setting });
          expect(ours.ok).toBe(run.started);
          expect(ourDecision).toEqual(logMessages(run.log).filter((m) => DECISION.test(m)));
          if (ours.ok) {
            // redis-server cut the file where faultline did.
            expect(host.disk.size(incr)).toBe(statSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof')).size);
            const redis = await startRealRedis(binaries!, { appendonly: 'yes' }, dir);
            try {
              await waitLoaded(redis.client);
              expectSameKeyspace(liveKeyspace(ours.server), await readServerKeyspace(redis.client));
            } finally {
              await redis.stop();
            }
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 20 },
    );
  });
});

describe.runIf(binaries !== null)('interop: INFO persistence fields', () => {
  for (const appendonly of ['yes', 'no']) {
    it(`are 7.0's, in 7.0's order (appendonly ${appendonly})`, async () => {
      const redis = await startRealRedis(binaries!, { appendonly });
      let realFields: string[];
      try {
        const info = (await redis.client.info('persistence')) as string;
        realFields = info.split('\r\n').filter((l) => l.includes(':')).map((l) => l.slice(0, l.indexOf(':')));
      } finally {
        await redis.dispose();
      }
      const { host } = faultlineHost({ appendonly });
      const started = host.start();
      if (!started.ok) throw new Error(started.log.join('\n'));
      const reply = started.server.connect().call('INFO', 'persistence');
      const ours = reply.kind === 'bulk' ? reply.value.split('\r\n').filter((l) => l.includes(':')).map((l) => l.slice(0, l.indexOf(':'))) : [];
      expect(ours).toEqual(realFields);
    });
  }
});

describe.runIf(binaries !== null)('interop: persistence commands and INFO counters follow redis-server', () => {
  const COUNTERS = [
    'rdb_changes_since_last_save',
    'rdb_bgsave_in_progress',
    'rdb_last_bgsave_status',
    'rdb_saves',
    'aof_enabled',
    'aof_rewrite_in_progress',
    'aof_rewrite_scheduled',
    'aof_last_bgrewrite_status',
    'aof_rewrites',
    'aof_rewrites_consecutive_failures',
    'aof_last_write_status',
    'aof_buffer_length',
    'aof_delayed_fsync',
    'total_forks',
  ];
  const counters = (info: string) => Object.fromEntries(COUNTERS.map((f) => [f, new RegExp(`^${f}:(.*)\\r?$`, 'm').exec(info)?.[1] ?? null]));

  /** Batches sent to both servers; between batches both are given time to reap their children. */
  const SCRIPT: string[][][] = [
    [['SET', 'a', '1'], ['HSET', 'h', 'f', 'v', 'g', 'w'], ['SAVE'], ['SET', 'b', '2']],
    [['BGSAVE'], ['BGSAVE'], ['SAVE'], ['BGREWRITEAOF'], ['BGSAVE', 'SCHEDULE'], ['BGSAVE', 'FOO'], ['LASTSAVE', 'x'], ['SET', 'c', '3']],
    [['MULTI'], ['SAVE']],
    [['DISCARD'], ['MULTI'], ['BGSAVE'], ['SET', 'd', '4'], ['EXEC']],
    [['FLUSHALL'], ['SET', 'e', '5'], ['CONFIG', 'SET', 'appendonly', 'no'], ['BGREWRITEAOF']],
    [['CONFIG', 'SET', 'appendonly', 'yes'], ['SET', 'f', '6'], ['SHUTDOWN', 'ABORT'], ['SHUTDOWN', 'SAVE', 'NOSAVE']],
  ];

  it('replies and INFO persistence counters agree batch by batch', async () => {
    const config = { appendonly: 'yes', appendfsync: 'always', save: '3600 1' };
    const { sim, host } = faultlineHost(config);
    const started = host.start();
    if (!started.ok) throw new Error(started.log.join('\n'));
    const ours = started.server.connect();
    const admin = started.server.connect();
    const redis = await startRealRedis(binaries!, config);
    try {
      const conn = await RespConnection.open(redis.socket);
      for (const batch of SCRIPT) {
        const theirs = await conn.pipeline(batch);
        const mine = ours.pipeline(batch);
        expect(mine, JSON.stringify(batch)).toEqual(theirs);
        // Let children finish and be reaped on both sides.
        await waitRewriteDone(redis.client);
        for (let i = 0; i < 100 && /rdb_bgsave_in_progress:1/.test((await redis.client.info('persistence')) as string); i++) await new Promise((r) => setTimeout(r, 10));
        await new Promise((r) => setTimeout(r, 250));
        sim.advance(2_000);
        const realInfo = ((await redis.client.info('persistence')) as string) + ((await redis.client.info('stats')) as string);
        const ourInfo = admin.call('INFO', 'everything');
        expect(counters(ourInfo.kind === 'bulk' ? ourInfo.value : ''), `after ${JSON.stringify(batch)}`).toEqual(counters(realInfo));
      }
      conn.close();
      // Restart both from their files: what was loaded, and dirty after replaying the AOF.
      await redis.stop({ save: true });
      ours.call('SHUTDOWN', 'SAVE');
      const restarted = host.restart();
      if (!restarted.ok) throw new Error(restarted.log.join('\n'));
      const real2 = await startRealRedis(binaries!, config, redis.dir);
      try {
        await waitLoaded(real2.client);
        const fields = ['rdb_last_load_keys_loaded', 'rdb_last_load_keys_expired', 'rdb_changes_since_last_save', 'aof_rewrites', 'rdb_saves'];
        const pick = (info: string) => Object.fromEntries(fields.map((f) => [f, new RegExp(`^${f}:(.*)\\r?$`, 'm').exec(info)?.[1] ?? null]));
        const ourInfo = restarted.server.connect().call('INFO', 'persistence');
        expect(pick(ourInfo.kind === 'bulk' ? ourInfo.value : '')).toEqual(pick((await real2.client.info('persistence')) as string));
        expectSameKeyspace(liveKeyspace(restarted.server), await readServerKeyspace(real2.client));
      } finally {
        await real2.stop();
      }
    } finally {
      await redis.dispose();
    }
  });
});
