/**
 * The keyspace: 16 databases of keys and their TTLs, as db.c keeps them.
 *
 * Guarantees:
 *   - Every change to a key (creation, overwrite, in-place mutation, TTL set
 *     or removed, deletion, expiry) is announced through
 *     `hooks.beforeKeyChange(db, key)` BEFORE it happens, while the old value
 *     is still readable. Commands that mutate a value in place call
 *     `willChange` first. This is what a fork's copy-on-write accounting needs:
 *     the persistence step can copy a key's pre-image on first touch. Flushes
 *     are announced through `beforeFlush`.
 *   - A key is logically expired when `now > expireAtMs` (db.c keyIsExpired,
 *     strictly greater). Lookups expire lazily (expireIfNeeded): the key is
 *     deleted and `hooks.keyExpired` runs, which is where the server
 *     propagates a DEL. Lazy deletion does not count in `dirty`, as in Redis.
 *   - `expires` only holds keys present in `dict`, and `VolatileKeys` mirrors
 *     `expires` exactly (asserted by `checkInvariants`).
 *
 * The keyspace does not know about clients, commands or propagation; the
 * server supplies the clock and the hooks.
 */
import { assert } from '../sim/assert';
import { EncodingTracker, type EncodingLimits } from './encoding';
import { DB_COUNT, emptyDb, type RedisDb, type RedisString, type RedisValue } from './RedisValue';
import { VolatileKeys } from './VolatileKeys';

export type ExpiryCause = 'lazy' | 'active';

export interface KeyspaceHooks {
  /** A key is about to change (value, TTL, existence). */
  beforeKeyChange(db: number, key: RedisString): void;
  /** A database (or all of them, db = -1) is about to be emptied. */
  beforeFlush(db: number): void;
  /** A key was deleted because its TTL passed. */
  keyExpired(db: number, key: RedisString, cause: ExpiryCause): void;
}

export const NO_KEYSPACE_HOOKS: KeyspaceHooks = {
  beforeKeyChange: () => {},
  beforeFlush: () => {},
  keyExpired: () => {},
};

export class Keyspace {
  readonly dbs: readonly RedisDb[];
  readonly encodings = new EncodingTracker();
  /** keyspace_hits / keyspace_misses of INFO stats (read lookups only). */
  hits = 0;
  misses = 0;
  /** server.loading: nothing expires while a file is being loaded (db.c keyIsExpired). */
  loading = false;
  private readonly volatile: readonly VolatileKeys[];

  constructor(
    private readonly clock: { readonly nowMs: number },
    private readonly hooks: KeyspaceHooks = NO_KEYSPACE_HOOKS,
  ) {
    const dbs: RedisDb[] = [];
    const volatile: VolatileKeys[] = [];
    for (let i = 0; i < DB_COUNT; i++) {
      dbs.push(emptyDb());
      volatile.push(new VolatileKeys());
    }
    this.dbs = dbs;
    this.volatile = volatile;
  }

  // ---- lookups --------------------------------------------------------------

  /** lookupKeyRead: expires lazily, counts a hit or a miss. */
  lookupRead(db: number, key: RedisString): RedisValue | undefined {
    const d = this.dbs[db]!;
    if (d.expires.size !== 0) this.expireIfNeeded(db, key);
    const value = d.dict.get(key);
    if (value === undefined) this.misses++;
    else this.hits++;
    return value;
  }

  /** lookupKeyWrite: expires lazily, no stats. */
  lookupWrite(db: number, key: RedisString): RedisValue | undefined {
    const d = this.dbs[db]!;
    if (d.expires.size !== 0) this.expireIfNeeded(db, key);
    return d.dict.get(key);
  }

  /** The value without expiring or counting (KEYS, persistence, tests). */
  peek(db: number, key: RedisString): RedisValue | undefined {
    return this.dbs[db]!.dict.get(key);
  }

  /** keyIsExpired: the key has a TTL and `now > ttl`; never while loading. */
  isExpired(db: number, key: RedisString): boolean {
    if (this.loading) return false;
    const when = this.dbs[db]!.expires.get(key);
    return when !== undefined && this.clock.nowMs > when;
  }

  /** expireIfNeeded: delete the key when it is logically expired; true if it was. */
  expireIfNeeded(db: number, key: RedisString): boolean {
    if (!this.isExpired(db, key)) return false;
    this.deleteExpired(db, key, 'lazy');
    return true;
  }

  /** Delete an expired key and tell the server (deleteExpiredKeyAndPropagate). */
  deleteExpired(db: number, key: RedisString, cause: ExpiryCause): void {
    const deleted = this.delete(db, key);
    assert(deleted, () => `deleteExpired: ${JSON.stringify(key)} missing from db ${db}`);
    this.hooks.keyExpired(db, key, cause);
  }

  // ---- changes ----------------------------------------------------------------

  /** An in-place change to the value of `key` is about to happen. */
  willChange(db: number, key: RedisString): void {
    this.hooks.beforeKeyChange(db, key);
  }

  /** dbAdd: the key must not exist. */
  add(db: number, key: RedisString, value: RedisValue): void {
    const d = this.dbs[db]!;
    assert(!d.dict.has(key), () => `dbAdd: ${JSON.stringify(key)} already exists in db ${db}`);
    this.hooks.beforeKeyChange(db, key);
    d.dict.set(key, value);
  }

  /**
   * setKey: create or replace the value; the TTL is removed unless
   * `keepTtl` (SET KEEPTTL).
   */
  setKey(db: number, key: RedisString, value: RedisValue, keepTtl = false): void {
    const d = this.dbs[db]!;
    this.hooks.beforeKeyChange(db, key);
    d.dict.set(key, value);
    if (!keepTtl && d.expires.size !== 0 && d.expires.delete(key)) this.volatile[db]!.remove(key);
  }

  /** dbSyncDelete: true when the key existed. */
  delete(db: number, key: RedisString): boolean {
    const d = this.dbs[db]!;
    if (!d.dict.has(key)) return false;
    this.hooks.beforeKeyChange(db, key);
    d.dict.delete(key);
    if (d.expires.size !== 0 && d.expires.delete(key)) this.volatile[db]!.remove(key);
    return true;
  }

  /** setExpire: the key must exist. */
  setExpire(db: number, key: RedisString, whenMs: number): void {
    const d = this.dbs[db]!;
    assert(d.dict.has(key), () => `setExpire: ${JSON.stringify(key)} missing from db ${db}`);
    assert(Number.isFinite(whenMs), () => `setExpire: ${whenMs} is not a time`);
    this.hooks.beforeKeyChange(db, key);
    d.expires.set(key, whenMs);
    this.volatile[db]!.add(key);
  }

  /** removeExpire: true when the key had a TTL. */
  removeExpire(db: number, key: RedisString): boolean {
    const d = this.dbs[db]!;
    assert(d.dict.has(key), () => `removeExpire: ${JSON.stringify(key)} missing from db ${db}`);
    if (!d.expires.has(key)) return false;
    this.hooks.beforeKeyChange(db, key);
    d.expires.delete(key);
    this.volatile[db]!.remove(key);
    return true;
  }

  /** getExpire: absolute ms, or -1 when the key has no TTL. */
  getExpire(db: number, key: RedisString): number {
    const d = this.dbs[db]!;
    if (d.expires.size === 0) return -1;
    return d.expires.get(key) ?? -1;
  }

  /** emptyData: empty one database, or all of them (db = -1); returns keys removed. */
  flush(db: number): number {
    this.hooks.beforeFlush(db);
    let removed = 0;
    for (let i = 0; i < DB_COUNT; i++) {
      if (db !== -1 && i !== db) continue;
      const d = this.dbs[i]!;
      removed += d.dict.size;
      d.dict.clear();
      d.expires.clear();
      this.volatile[i]!.clear();
    }
    return removed;
  }

  // ---- loading ----------------------------------------------------------------

  /**
   * Put a key as a loader does (RDB or AOF base): no hooks, no lazy expiry.
   * Replaces any previous value.
   */
  loadKey(db: number, key: RedisString, value: RedisValue, expireAtMs: number | null, limits?: EncodingLimits): void {
    const d = this.dbs[db]!;
    d.dict.set(key, value);
    if (expireAtMs === null) {
      if (d.expires.delete(key)) this.volatile[db]!.remove(key);
    } else {
      d.expires.set(key, expireAtMs);
      this.volatile[db]!.add(key);
    }
    if (limits !== undefined) this.encodings.settleLoaded(value, limits);
  }

  /** Empty every database without hooks (before loading a file). */
  clearForLoad(): void {
    for (let i = 0; i < DB_COUNT; i++) {
      this.dbs[i]!.dict.clear();
      this.dbs[i]!.expires.clear();
      this.volatile[i]!.clear();
    }
  }

  // ---- volatile keys ------------------------------------------------------

  volatileCount(db: number): number {
    return this.volatile[db]!.size;
  }

  totalVolatileCount(): number {
    let total = 0;
    for (const v of this.volatile) total += v.size;
    return total;
  }

  /** The volatile key at `index` (0 <= index < volatileCount(db)), for sampling. */
  volatileAt(db: number, index: number): RedisString {
    return this.volatile[db]!.at(index);
  }

  keyCount(db: number): number {
    return this.dbs[db]!.dict.size;
  }

  /** Structural invariants; cheap enough to run after every expire cycle. */
  checkInvariants(): void {
    for (let i = 0; i < DB_COUNT; i++) {
      const d = this.dbs[i]!;
      assert(this.volatile[i]!.size === d.expires.size, () => `db ${i}: ${this.volatile[i]!.size} sampled volatile keys, ${d.expires.size} expires`);
      assert(d.expires.size <= d.dict.size, () => `db ${i}: more expires (${d.expires.size}) than keys (${d.dict.size})`);
    }
  }
}
