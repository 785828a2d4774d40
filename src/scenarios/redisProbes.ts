/**
 * Probes of Redis hosts for `expect`: what a key holds, how many keys there
 * are, an INFO persistence field, whether the server runs, which files are
 * on disk and how much of them would survive a power loss, and the keys of
 * the dump.rdb on disk. Reading a probe changes nothing (no lazy expiry, no
 * stats): a key whose TTL passed reads as missing.
 *
 *   redisGet <host> <key>             a string key in db 0, or null
 *   redisKeys <host>                  keys in all databases (not yet expired)
 *   redisInfo <host> <field>          an INFO persistence field, latest_fork_usec,
 *                                     total_forks, or used_memory (the model's estimate)
 *   redisRunning <host>               true while redis-server runs
 *   redisFiles <host>                 the files under `dir`, space-separated
 *   redisFileSize <host> <file>       bytes of a file under `dir` (what processes see)
 *   redisDurableSize <host> <file>    bytes of it a power loss would keep now
 *   redisDumpKeys <host>              keys in dump.rdb on disk (null without a readable one)
 */
import { decodeRdb } from '../redis/format/rdbDecode';
import { joinPath } from '../redis/persistence/diskErrors';
import type { RedisHost } from '../redis/persistence/RedisHost';
import { RedisConfig } from '../redis/redisConfig';
import { fromUtf8, toUtf8 } from '../redis/RedisValue';
import type { RedisServer } from '../redis/RedisServer';
import type { TraceValue } from '../sim/Trace';
import { defineProbe } from './probes';
import type { World } from './World';

function runningServer(world: World, host: string): RedisServer | undefined {
  return world.redisHosts.get(host)?.server ?? undefined;
}

function liveKeys(server: RedisServer): number {
  let n = 0;
  for (const db of server.ks.dbs) {
    db.dict.forEach((_v, key) => {
      const at = db.expires.get(key);
      if (at === undefined || server.nowMs <= at) n++;
    });
  }
  return n;
}

function dirOf(host: RedisHost): string {
  return (host.server?.config ?? new RedisConfig(host.config)).get('dir');
}

function fileLength(host: RedisHost, name: string, durable: boolean): number | null {
  const path = joinPath(dirOf(host), name);
  if (!host.disk.exists(path) || host.disk.isDirectory(path)) return null;
  const handle = host.disk.open(path);
  return durable ? host.disk.durableLength(handle) : host.disk.length(handle);
}

function infoField(world: World, hostName: string, field: string): TraceValue | undefined {
  const host = world.redisHosts.get(hostName);
  const persistence = host?.persistence;
  const info = host?.persistenceInfo();
  if (host === undefined || persistence === null || persistence === undefined || info === null || info === undefined) return undefined;
  if (field === 'used_memory') return persistence.usedMemory();
  if (field in info.aof) return (info.aof as unknown as Record<string, number>)[field];
  const value = (info as unknown as Record<string, TraceValue>)[field];
  if (field === 'current_fork_perc' && typeof value === 'number') return Number(value.toFixed(2));
  return value !== undefined && typeof value !== 'object' ? value : undefined;
}

defineProbe({
  name: 'redisGet',
  usage: 'redisGet <host> <key>',
  arity: 2,
  read: (w, [host, key]) => {
    const server = runningServer(w, host!);
    if (server === undefined) return undefined;
    const k = fromUtf8(key!);
    const value = server.ks.peek(0, k);
    const at = server.ks.getExpire(0, k);
    if (value === undefined || (at !== -1 && server.nowMs > at)) return null;
    return value.type === 'string' ? toUtf8(value.value) : `(${value.type})`;
  },
});

defineProbe({
  name: 'redisKeys',
  usage: 'redisKeys <host>',
  arity: 1,
  read: (w, [host]) => {
    const server = runningServer(w, host!);
    return server === undefined ? undefined : liveKeys(server);
  },
});

defineProbe({ name: 'redisInfo', usage: 'redisInfo <host> <field>', arity: 2, read: (w, [host, field]) => infoField(w, host!, field!) });

defineProbe({ name: 'redisRunning', usage: 'redisRunning <host>', arity: 1, read: (w, [host]) => w.redisHosts.get(host!)?.isRunning });

defineProbe({
  name: 'redisFiles',
  usage: 'redisFiles <host>',
  arity: 1,
  read: (w, [hostName]) => {
    const host = w.redisHosts.get(hostName!);
    if (host === undefined) return undefined;
    const prefix = joinPath(dirOf(host), '').replace(/^\/+/, '');
    return host.disk
      .files()
      .filter((f) => f.startsWith(prefix))
      .map((f) => f.slice(prefix.length))
      .join(' ');
  },
});

defineProbe({
  name: 'redisFileSize',
  usage: 'redisFileSize <host> <file>',
  arity: 2,
  read: (w, [hostName, file]) => {
    const host = w.redisHosts.get(hostName!);
    return host === undefined ? undefined : fileLength(host, file!, false);
  },
});

defineProbe({
  name: 'redisDurableSize',
  usage: 'redisDurableSize <host> <file>',
  arity: 2,
  read: (w, [hostName, file]) => {
    const host = w.redisHosts.get(hostName!);
    return host === undefined ? undefined : fileLength(host, file!, true);
  },
});

defineProbe({
  name: 'redisDumpKeys',
  usage: 'redisDumpKeys <host>',
  arity: 1,
  read: (w, [hostName]) => {
    const host = w.redisHosts.get(hostName!);
    if (host === undefined) return undefined;
    const config = host.server?.config ?? new RedisConfig(host.config);
    const path = joinPath(config.get('dir'), config.get('dbfilename'));
    if (!host.disk.exists(path)) return null;
    const decoded = decodeRdb(host.disk.readFile(path), { nowMs: null });
    if (!decoded.ok) return null;
    return decoded.dbs.reduce((n, db) => n + db.dict.size, 0);
  },
});
