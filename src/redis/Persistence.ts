/**
 * The seam between the in-memory server and persistence (RDB, AOF).
 *
 * The server calls a Persistence at the points where Redis 7.0's server.c
 * calls into rdb.c and aof.c:
 *   - `commands`: SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE, SHUTDOWN live with the
 *     persistence that implements them and join the command table at start.
 *     Without one they are unknown commands: nothing here pretends to save.
 *   - `beforeSleep()`: after each batch of commands a client sent (one event
 *     loop iteration) and before its replies go out: where the AOF buffer is
 *     written (and fsynced with appendfsync always).
 *   - `cron()`: each serverCron tick (hz), for save points, child processes
 *     and the everysec fsync; `wantsCron()` keeps the cron ticking even when
 *     no key has a TTL (the server schedules nothing otherwise).
 *   - `writeDeniedError()`: writeCommandsDeniedByDiskError, checked before
 *     every write command and PING (e.g. the -MISCONF reply).
 *   - `afterFlushAll()`: FLUSHALL kills an RDB child and saves when save
 *     points are configured (db.c flushAllDataAndResetRDB).
 *   - `applyConfig(name)`: CONFIG SET appendonly / dir took a new value.
 *   - `info()`: the fields of INFO persistence.
 * The command stream to persist and the key-change notifications come
 * through the server's hooks (`RedisServer.onPropagate`, `onKeyChange`,
 * `onFlush`), which replication can share; `attach` is where to subscribe.
 * `server.dirty` is the persistence's to read and lower after a save.
 */
import { assert } from '../sim/assert';
import type { CommandSpec } from './command';
import type { ConfigName } from './redisConfig';
import type { RedisServer } from './RedisServer';

/** INFO persistence, field for field as 7.0 prints them (server.c genRedisInfoString). */
export interface PersistenceInfo {
  readonly loading: number;
  readonly async_loading: number;
  readonly current_cow_peak: number;
  readonly current_cow_size: number;
  readonly current_cow_size_age: number;
  /** Printed with two decimals. */
  readonly current_fork_perc: number;
  readonly current_save_keys_processed: number;
  readonly current_save_keys_total: number;
  // rdb_changes_since_last_save is server.dirty, printed by the server here.
  readonly rdb_bgsave_in_progress: number;
  readonly rdb_last_save_time: number;
  readonly rdb_last_bgsave_status: 'ok' | 'err';
  readonly rdb_last_bgsave_time_sec: number;
  readonly rdb_current_bgsave_time_sec: number;
  readonly rdb_saves: number;
  readonly rdb_last_cow_size: number;
  readonly rdb_last_load_keys_expired: number;
  readonly rdb_last_load_keys_loaded: number;
  readonly aof_enabled: number;
  readonly aof_rewrite_in_progress: number;
  readonly aof_rewrite_scheduled: number;
  readonly aof_last_rewrite_time_sec: number;
  readonly aof_current_rewrite_time_sec: number;
  readonly aof_last_bgrewrite_status: 'ok' | 'err';
  readonly aof_rewrites: number;
  readonly aof_rewrites_consecutive_failures: number;
  readonly aof_last_write_status: 'ok' | 'err';
  readonly aof_last_cow_size: number;
  readonly module_fork_in_progress: number;
  readonly module_fork_last_cow_size: number;
  /** Printed only while `appendonly` is yes (server.aof_enabled). */
  readonly aof: {
    readonly aof_current_size: number;
    readonly aof_base_size: number;
    readonly aof_pending_rewrite: number;
    readonly aof_buffer_length: number;
    readonly aof_pending_bio_fsync: number;
    readonly aof_delayed_fsync: number;
  };
  /** INFO stats fields owned by persistence. */
  readonly latest_fork_usec: number;
  readonly total_forks: number;
}

export interface Persistence {
  attach(server: RedisServer): void;
  readonly commands: readonly CommandSpec[];
  beforeSleep(): void;
  cron(): void;
  wantsCron(): boolean;
  writeDeniedError(): string | null;
  afterFlushAll(): void;
  applyConfig(name: ConfigName): string | null;
  info(): PersistenceInfo;
}

/** The fields of a server that has never saved, loaded or forked. */
export function idlePersistenceInfo(startedAtSec: number): PersistenceInfo {
  return {
    loading: 0,
    async_loading: 0,
    current_cow_peak: 0,
    current_cow_size: 0,
    current_cow_size_age: 0,
    current_fork_perc: 0,
    current_save_keys_processed: 0,
    current_save_keys_total: 0,
    rdb_bgsave_in_progress: 0,
    rdb_last_save_time: startedAtSec,
    rdb_last_bgsave_status: 'ok',
    rdb_last_bgsave_time_sec: -1,
    rdb_current_bgsave_time_sec: -1,
    rdb_saves: 0,
    rdb_last_cow_size: 0,
    rdb_last_load_keys_expired: 0,
    rdb_last_load_keys_loaded: 0,
    aof_enabled: 0,
    aof_rewrite_in_progress: 0,
    aof_rewrite_scheduled: 0,
    aof_last_rewrite_time_sec: -1,
    aof_current_rewrite_time_sec: -1,
    aof_last_bgrewrite_status: 'ok',
    aof_rewrites: 0,
    aof_rewrites_consecutive_failures: 0,
    aof_last_write_status: 'ok',
    aof_last_cow_size: 0,
    module_fork_in_progress: 0,
    module_fork_last_cow_size: 0,
    aof: { aof_current_size: 0, aof_base_size: 0, aof_pending_rewrite: 0, aof_buffer_length: 0, aof_pending_bio_fsync: 0, aof_delayed_fsync: 0 },
    latest_fork_usec: 0,
    total_forks: 0,
  };
}

/**
 * No persistence: an in-memory server whose data dies with it. It cannot
 * turn AOF on (CONFIG SET appendonly yes fails as Redis does when
 * startAppendOnly fails), and the persistence commands are unknown.
 */
export class NoPersistence implements Persistence {
  readonly commands: readonly CommandSpec[] = [];
  private startedAtSec = 0;

  attach(server: RedisServer): void {
    assert(!server.config.get('appendonly'), 'appendonly yes needs a Persistence that implements the AOF');
    this.startedAtSec = Math.floor(server.startedAtMs / 1000);
  }

  beforeSleep(): void {}
  cron(): void {}
  wantsCron(): boolean {
    return false;
  }
  writeDeniedError(): string | null {
    return null;
  }
  afterFlushAll(): void {}
  applyConfig(name: ConfigName): string | null {
    return name === 'appendonly' ? 'Unable to turn on AOF. Check server logs.' : null;
  }
  info(): PersistenceInfo {
    return idlePersistenceInfo(this.startedAtSec);
  }
}
