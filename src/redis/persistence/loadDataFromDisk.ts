/**
 * What redis-server loads when it starts (server.c loadDataFromDisk, 7.0):
 *   - `appendonly yes`: only the AOF (BASE then every INCR, per the
 *     manifest), even when a dump.rdb is there and the AOF is not;
 *     aof-load-truncated decides about a short last command; anything
 *     else wrong makes the server exit;
 *   - otherwise dump.rdb, dropping keys whose TTL already passed (a
 *     master does); a corrupt file makes the server exit.
 * The bytes come from the host's disk as it is after a crash or a power
 * loss: the page cache, or what was durable.
 *
 * Commands of the AOF run through the server's own procedures (the AOF
 * fake client), and the RDB base's keys go in as rdbLoad puts them. Loading
 * takes no simulated time.
 */
import type { AofApplyContext } from '../format/aofApply';
import { loadAofFiles } from '../format/aofLoad';
import { decodeRdb } from '../format/rdbDecode';
import type { RedisClient } from '../RedisClient';
import type { RedisServer } from '../RedisServer';
import type { RedisDb } from '../RedisValue';
import type { AppendOnlyFile } from './AppendOnlyFile';
import { persistManifest } from './aofManifestFile';
import { errnoOf, joinPath, pathInDir, strerror } from './diskErrors';
import type { RdbSnapshots } from './RdbSnapshots';
import type { RedisLogLevel } from './RedisLog';
import type { RedisProcessEnv } from './RedisProcessEnv';

/** false: the server exits with status 1. */
export function loadDataFromDisk(env: RedisProcessEnv, server: RedisServer, aof: AppendOnlyFile, rdb: RdbSnapshots): boolean {
  const log = (level: RedisLogLevel, message: string) => env.log.write(server.pid, 'M', level, message);
  server.loading = true;
  try {
    return aof.state === 'on' ? loadAof(env, server, aof, rdb, log) : loadRdb(env, server, rdb, log);
  } finally {
    server.loading = false;
    server.ensureCron();
  }
}

function limitsOf(server: RedisServer) {
  return {
    hashMaxListpackEntries: server.config.get('hash-max-listpack-entries'),
    hashMaxListpackValue: server.config.get('hash-max-listpack-value'),
    setMaxIntsetEntries: server.config.get('set-max-intset-entries'),
  };
}

function loadRdb(env: RedisProcessEnv, server: RedisServer, rdb: RdbSnapshots, log: (level: RedisLogLevel, message: string) => void): boolean {
  const path = pathInDir(server.config.get('dir'), server.config.get('dbfilename'));
  // rdbLoad: fopen fails with ENOENT (an empty dbfilename names no file either): start empty.
  if (path === '' || !env.disk.exists(path)) return true;
  const decoded = decodeRdb(env.disk.readFile(path), { nowMs: server.nowMs, rdbchecksum: server.config.get('rdbchecksum'), databases: server.databases });
  for (const line of decoded.log) log(line.level, line.message);
  if (!decoded.ok) {
    if (decoded.error.kind === 'signature' || decoded.error.kind === 'version') log('warning', 'Fatal error loading the DB: Invalid argument. Exiting.');
    return false;
  }
  server.ks.clearForLoad();
  const limits = limitsOf(server);
  decoded.dbs.forEach((db, i) => {
    db.dict.forEach((value, key) => server.ks.loadKey(i, key, value, db.expires.get(key) ?? null, limits));
  });
  rdb.lastLoadKeysLoaded = decoded.keysLoaded;
  rdb.lastLoadKeysExpired = decoded.keysExpired;
  log('notice', 'DB loaded from disk: 0.000 seconds');
  return true;
}

function loadAof(env: RedisProcessEnv, server: RedisServer, aof: AppendOnlyFile, rdb: RdbSnapshots, log: (level: RedisLogLevel, message: string) => void): boolean {
  const disk = env.disk;
  const dir = server.config.get('dir');
  const aofDir = joinPath(dir, server.config.get('appenddirname'));
  const appendfilename = server.config.get('appendfilename');
  if (!upgradeOldStyleAof(env, server, aof, log)) return false;
  const manifest = aof.manifest;
  if (manifest.base === null && manifest.incrList.length === 0) return true;

  server.ks.clearForLoad();
  const limits = limitsOf(server);
  const clients = new WeakMap<AofApplyContext, RedisClient>();
  // An RDB base is decoded into the loader's dbs; move its keys into the server before any command runs.
  // They are what rdb_last_load_keys_loaded counts (startLoading resets it; a preamble keeps expired keys).
  rdb.lastLoadKeysLoaded = 0;
  rdb.lastLoadKeysExpired = 0;
  const drain = (dbs: readonly RedisDb[]): void => {
    dbs.forEach((db, i) => {
      if (db.dict.size === 0) return;
      rdb.lastLoadKeysLoaded += db.dict.size;
      db.dict.forEach((value, key) => server.ks.loadKey(i, key, value, db.expires.get(key) ?? null, limits));
      db.dict.clear();
      db.expires.clear();
    });
  };
  const result = loadAofFiles(manifest, (name) => (disk.exists(joinPath(aofDir, name)) ? disk.readFile(joinPath(aofDir, name)) : null), {
    nowMs: server.nowMs,
    aofLoadTruncated: server.config.get('aof-load-truncated'),
    rdbchecksum: server.config.get('rdbchecksum'),
    appendfilename,
    lookupCommand: (argv) => (server.commandExists(argv) ? 'ok' : 'unknown-command'),
    applyCommand: (ctx, argv) => {
      drain(ctx.dbs);
      let client = clients.get(ctx);
      if (client === undefined) clients.set(ctx, (client = server.createLoadingClient()));
      return server.replayCommand(client, argv);
    },
  });
  drain(result.dbs);
  for (const line of result.log) log(line.level, line.message);
  if (result.status === 'failed') return false;
  for (const t of result.truncations) {
    // loadSingleAppendOnlyFile's ftruncate with aof-load-truncated yes.
    try {
      disk.truncate(disk.open(joinPath(aofDir, t.fileName)), t.toBytes);
    } catch (error) {
      log('warning', `Error truncating the AOF file ${t.fileName}: ${strerror(errnoOf(error))}`);
      return false;
    }
  }
  aof.setLoadedSizes(result.aofCurrentSizeBytes, result.aofRewriteBaseSizeBytes);
  log('notice', 'DB loaded from append only file: 0.000 seconds');
  return true;
}

/**
 * aofUpgradePrepare: an old-style `appendonly.aof` in `dir` (Redis < 7)
 * becomes the BASE of a new appendonlydir, manifest first.
 */
function upgradeOldStyleAof(env: RedisProcessEnv, server: RedisServer, aof: AppendOnlyFile, log: (level: RedisLogLevel, message: string) => void): boolean {
  const disk = env.disk;
  const dir = server.config.get('dir');
  const appenddirname = server.config.get('appenddirname');
  const aofDir = joinPath(dir, appenddirname);
  const appendfilename = server.config.get('appendfilename');
  const oldPath = joinPath(dir, appendfilename);
  if (!disk.exists(oldPath) || disk.isDirectory(oldPath)) return true;
  const m = aof.manifest;
  const upgrade =
    !disk.isDirectory(aofDir) ||
    (m.base === null && m.incrList.length === 0) ||
    (m.base !== null && m.incrList.length === 0 && m.base.fileName === appendfilename && !disk.exists(joinPath(aofDir, appendfilename)));
  if (!upgrade) return true;
  if (!disk.isDirectory(aofDir)) {
    try {
      disk.mkdir(aofDir);
    } catch (error) {
      log('warning', `Can't open or create append-only dir ${appenddirname}: ${strerror(errnoOf(error))}`);
      return false;
    }
  }
  const manifest = { base: { fileName: appendfilename, fileSeq: 1, fileType: 'b' as const }, incrList: [], historyList: [], currBaseFileSeq: 1, currIncrFileSeq: 0 };
  if (!persistManifest(disk, aofDir, appendfilename, manifest, log)) return false;
  try {
    disk.rename(oldPath, joinPath(aofDir, appendfilename));
  } catch (error) {
    log('warning', `Error trying to move the old AOF file ${appendfilename} into dir ${appenddirname}: ${strerror(errnoOf(error))}`);
    return false;
  }
  aof.manifest = manifest;
  log('notice', `Successfully migrated an old-style AOF file (${appendfilename}) into the AOF directory (${appenddirname}).`);
  return true;
}
