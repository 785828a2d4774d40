/**
 * A minimal replay of the commands Redis 7.0 writes to an AOF, so that an AOF
 * can be loaded without the full server model (for `inspect`, and as the
 * default of aofLoad.ts). The server model supplies its own applier with the
 * same signature and replaces this one.
 *
 * What is covered: the commands 7.0 propagates for strings, lists, sets,
 * hashes, sorted sets and expiry (SET with PXAT/KEEPTTL, PEXPIREAT, DEL,
 * RPUSH, HSET, SADD, SREM, ZADD, LMOVE, ZPOPMIN, ...), SELECT, FLUSHALL and
 * FLUSHDB; plus their older or relative forms (SETEX, EXPIRE, HMSET, ...).
 * MULTI/EXEC belong to the loader. As in Redis's AOF client, a command that
 * would have replied with an error changes nothing and is not reported
 * (errors in an AOF are silent), and nothing expires while loading
 * (keyIsExpired returns 0 when server.loading). A command this applier does
 * not model returns 'unsupported' so the caller can say so honestly.
 */
import { emptyDb, type RedisDb, type RedisString, type RedisValue } from '../RedisValue';
import { string2ll, strtod } from './redisNumbers';

export interface AofApplyContext {
  readonly dbs: RedisDb[];
  /** The AOF client's selected db (each AOF file starts at 0). */
  db: number;
  /** Loading time, for the relative forms (EXPIRE, SETEX) older AOFs hold. */
  readonly nowMs: number;
}

export type AofApplyResult =
  | 'ok'
  /** lookupCommand failed: Redis refuses the AOF ("Unknown command ..."). */
  | 'unknown-command'
  /** A real command this applier does not model. */
  | 'unsupported';

export type AofCommandApplier = (ctx: AofApplyContext, argv: readonly RedisString[]) => AofApplyResult;

/**
 * lookupCommand for the loader: checked for every command as it is read,
 * inside MULTI too, before it is queued or run.
 */
export type AofCommandLookup = (argv: readonly RedisString[]) => AofApplyResult;

type Handler = (ctx: AofApplyContext, db: RedisDb, args: readonly RedisString[]) => void;

const lower = (s: string) => s.toLowerCase();

function int(s: string | undefined): number | null {
  if (s === undefined) return null;
  const v = string2ll(s);
  return typeof v === 'number' ? v : null;
}

function setKey(db: RedisDb, key: string, value: RedisValue, keepTtl = false): void {
  db.dict.set(key, value);
  if (!keepTtl && db.expires.size > 0) db.expires.delete(key);
}

function delKey(db: RedisDb, key: string): boolean {
  if (db.expires.size > 0) db.expires.delete(key);
  return db.dict.delete(key);
}

/** The value at `key` if it has `type`, undefined when absent, null on WRONGTYPE. */
function lookup<T extends RedisValue['type']>(db: RedisDb, key: string, type: T): Extract<RedisValue, { type: T }> | undefined | null {
  const v = db.dict.get(key);
  if (v === undefined) return undefined;
  return v.type === type ? (v as Extract<RedisValue, { type: T }>) : null;
}

function dropIfEmpty(db: RedisDb, key: string): void {
  const v = db.dict.get(key);
  if (!v) return;
  const size = v.type === 'string' ? 1 : v.type === 'list' ? v.value.length : v.value.size;
  if (size === 0) delKey(db, key);
}

function setCommand(ctx: AofApplyContext, db: RedisDb, a: readonly string[]): void {
  const [key, value] = a;
  if (key === undefined || value === undefined) return;
  let expireAt: number | null = null;
  let keepTtl = false;
  let nx = false;
  let xx = false;
  for (let i = 2; i < a.length; i++) {
    const opt = lower(a[i]!);
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt === 'keepttl') keepTtl = true;
    else if (opt === 'get') continue;
    else if (opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat') {
      const n = int(a[++i]);
      if (n === null || n <= 0) return;
      expireAt = opt === 'ex' ? ctx.nowMs + n * 1000 : opt === 'px' ? ctx.nowMs + n : opt === 'exat' ? n * 1000 : n;
    } else return;
  }
  const exists = db.dict.has(key);
  if ((nx && exists) || (xx && !exists)) return;
  setKey(db, key, { type: 'string', value }, keepTtl);
  if (expireAt !== null) db.expires.set(key, expireAt);
}

function incrBy(db: RedisDb, key: string | undefined, by: number | null): void {
  if (key === undefined || by === null) return;
  const cur = lookup(db, key, 'string');
  if (cur === null) return;
  const n = cur === undefined ? 0 : int(cur.value);
  if (n === null) return;
  const next = n + by;
  if (!Number.isSafeInteger(next)) return; // overflow beyond what this applier models exactly
  if (cur) cur.value = String(next);
  else setKey(db, key, { type: 'string', value: String(next) });
}

function expireCommand(unitMs: number, absolute: boolean): Handler {
  return (ctx, db, a) => {
    const [key] = a;
    const n = int(a[1]);
    if (key === undefined || n === null || !db.dict.has(key)) return;
    // NX/XX/GT/LT of 7.0.
    const cur = db.expires.get(key);
    const at = absolute ? n * unitMs : ctx.nowMs + n * unitMs;
    for (const flag of a.slice(2).map(lower)) {
      if (flag === 'nx' && cur !== undefined) return;
      if (flag === 'xx' && cur === undefined) return;
      if (flag === 'gt' && (cur === undefined || at <= cur)) return;
      if (flag === 'lt' && cur !== undefined && at >= cur) return;
    }
    db.expires.set(key, at);
  };
}

function push(left: boolean, onlyIfExists: boolean): Handler {
  return (_ctx, db, a) => {
    const [key, ...elements] = a;
    if (key === undefined || elements.length === 0) return;
    let list = lookup(db, key, 'list');
    if (list === null) return;
    if (list === undefined) {
      if (onlyIfExists) return;
      list = { type: 'list', value: [] };
      setKey(db, key, list);
    }
    for (const e of elements) {
      if (left) list.value.unshift(e);
      else list.value.push(e);
    }
  };
}

function pop(left: boolean): Handler {
  return (_ctx, db, a) => {
    const [key] = a;
    const list = key === undefined ? undefined : lookup(db, key, 'list');
    if (!list) return;
    const count = a[1] === undefined ? 1 : int(a[1]);
    if (count === null || count < 0) return;
    for (let i = 0; i < count && list.value.length > 0; i++) {
      if (left) list.value.shift();
      else list.value.pop();
    }
    dropIfEmpty(db, key!);
  };
}

function listIndex(len: number, i: number): number {
  return i < 0 ? len + i : i;
}

function lmove(db: RedisDb, src: string, dst: string, fromLeft: boolean, toLeft: boolean): void {
  const from = lookup(db, src, 'list');
  if (!from || from.value.length === 0) return;
  const to = lookup(db, dst, 'list');
  if (to === null) return;
  const e = fromLeft ? from.value.shift()! : from.value.pop()!;
  let target = to;
  if (target === undefined) {
    if (src === dst) {
      target = from;
    } else {
      target = { type: 'list', value: [] };
      setKey(db, dst, target);
    }
  }
  if (toLeft) target.value.unshift(e);
  else target.value.push(e);
  dropIfEmpty(db, src);
}

function zadd(_ctx: AofApplyContext, db: RedisDb, a: readonly string[]): void {
  const key = a[0];
  if (key === undefined) return;
  let i = 1;
  const flags = new Set<string>();
  while (i < a.length && ['nx', 'xx', 'gt', 'lt', 'ch', 'incr'].includes(lower(a[i]!))) flags.add(lower(a[i++]!));
  const pairs = a.slice(i);
  if (pairs.length === 0 || pairs.length % 2) return;
  const scores: number[] = [];
  for (let j = 0; j < pairs.length; j += 2) {
    const s = strtod(pairs[j]!);
    if (Number.isNaN(s)) return;
    scores.push(s);
  }
  let zset = lookup(db, key, 'zset');
  if (zset === null) return;
  if (zset === undefined) {
    if (flags.has('xx')) return;
    zset = { type: 'zset', value: new Map() };
    setKey(db, key, zset);
  }
  for (let j = 0; j < scores.length; j++) {
    const member = pairs[2 * j + 1]!;
    const cur = zset.value.get(member);
    let score = scores[j]!;
    if (cur === undefined ? flags.has('xx') : flags.has('nx')) continue;
    if (flags.has('incr') && cur !== undefined) score += cur;
    if (Number.isNaN(score)) continue;
    if (cur !== undefined && flags.has('gt') && !(score > cur)) continue;
    if (cur !== undefined && flags.has('lt') && !(score < cur)) continue;
    zset.value.set(member, score);
  }
  dropIfEmpty(db, key);
}

function zpop(max: boolean): Handler {
  return (_ctx, db, a) => {
    const [key] = a;
    const zset = key === undefined ? undefined : lookup(db, key, 'zset');
    if (!zset) return;
    const count = a[1] === undefined ? 1 : int(a[1]);
    if (count === null || count < 0) return;
    const order = [...zset.value].sort((x, y) => (x[1] - y[1]) || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const victims = max ? order.reverse().slice(0, count) : order.slice(0, count);
    for (const [m] of victims) zset.value.delete(m);
    dropIfEmpty(db, key!);
  };
}

const HANDLERS: Record<string, Handler> = {
  set: setCommand,
  setnx: (ctx, db, a) => setCommand(ctx, db, [a[0]!, a[1]!, 'NX']),
  setex: (ctx, db, a) => setCommand(ctx, db, [a[0]!, a[2]!, 'EX', a[1]!]),
  psetex: (ctx, db, a) => setCommand(ctx, db, [a[0]!, a[2]!, 'PX', a[1]!]),
  mset: (_ctx, db, a) => {
    if (a.length === 0 || a.length % 2) return;
    for (let i = 0; i < a.length; i += 2) setKey(db, a[i]!, { type: 'string', value: a[i + 1]! });
  },
  append: (_ctx, db, a) => {
    const [key, tail] = a;
    if (key === undefined || tail === undefined) return;
    const cur = lookup(db, key, 'string');
    if (cur === null) return;
    if (cur) cur.value += tail;
    else setKey(db, key, { type: 'string', value: tail });
  },
  setrange: (_ctx, db, a) => {
    const [key, offsetText, piece] = a;
    const offset = int(offsetText);
    if (key === undefined || piece === undefined || offset === null || offset < 0) return;
    const cur = lookup(db, key, 'string');
    if (cur === null || (cur === undefined && piece.length === 0)) return;
    const old = cur?.value ?? '';
    const padded = old.length < offset ? old + '\0'.repeat(offset - old.length) : old;
    const value = padded.slice(0, offset) + piece + padded.slice(offset + piece.length);
    if (cur) cur.value = value;
    else setKey(db, key, { type: 'string', value });
  },
  incr: (_ctx, db, a) => incrBy(db, a[0], 1),
  decr: (_ctx, db, a) => incrBy(db, a[0], -1),
  incrby: (_ctx, db, a) => incrBy(db, a[0], int(a[1])),
  decrby: (_ctx, db, a) => {
    const n = int(a[1]);
    incrBy(db, a[0], n === null ? null : -n);
  },
  del: (_ctx, db, a) => a.forEach((k) => delKey(db, k)),
  unlink: (_ctx, db, a) => a.forEach((k) => delKey(db, k)),
  flushall: (ctx) => ctx.dbs.forEach((_, i) => (ctx.dbs[i] = emptyDb())),
  flushdb: (ctx) => void (ctx.dbs[ctx.db] = emptyDb()),
  persist: (_ctx, db, a) => void (a[0] !== undefined && db.expires.delete(a[0])),
  expire: expireCommand(1000, false),
  pexpire: expireCommand(1, false),
  expireat: expireCommand(1000, true),
  pexpireat: expireCommand(1, true),
  rename: (_ctx, db, a) => renameCommand(db, a, false),
  renamenx: (_ctx, db, a) => renameCommand(db, a, true),
  lpush: push(true, false),
  rpush: push(false, false),
  lpushx: push(true, true),
  rpushx: push(false, true),
  lpop: pop(true),
  rpop: pop(false),
  lset: (_ctx, db, a) => {
    const list = a[0] === undefined ? undefined : lookup(db, a[0], 'list');
    const i = int(a[1]);
    if (!list || i === null || a[2] === undefined) return;
    const at = listIndex(list.value.length, i);
    if (at >= 0 && at < list.value.length) list.value[at] = a[2];
  },
  ltrim: (_ctx, db, a) => {
    const list = a[0] === undefined ? undefined : lookup(db, a[0], 'list');
    const s = int(a[1]);
    const e = int(a[2]);
    if (!list || s === null || e === null) return;
    const len = list.value.length;
    const start = Math.max(0, listIndex(len, s));
    const end = Math.min(len - 1, listIndex(len, e));
    list.value.splice(0, len, ...(start > end || start >= len ? [] : list.value.slice(start, end + 1)));
    dropIfEmpty(db, a[0]!);
  },
  lrem: (_ctx, db, a) => {
    const list = a[0] === undefined ? undefined : lookup(db, a[0], 'list');
    const count = int(a[1]);
    const e = a[2];
    if (!list || count === null || e === undefined) return;
    let left = count === 0 ? Infinity : Math.abs(count);
    const idx = list.value.map((_, i) => i);
    if (count < 0) idx.reverse();
    const remove = new Set<number>();
    for (const i of idx) {
      if (left === 0) break;
      if (list.value[i] === e) {
        remove.add(i);
        left--;
      }
    }
    list.value.splice(0, list.value.length, ...list.value.filter((_, i) => !remove.has(i)));
    dropIfEmpty(db, a[0]!);
  },
  linsert: (_ctx, db, a) => {
    const list = a[0] === undefined ? undefined : lookup(db, a[0], 'list');
    const where = lower(a[1] ?? '');
    if (!list || (where !== 'before' && where !== 'after') || a[3] === undefined) return;
    const i = list.value.indexOf(a[2]!);
    if (i >= 0) list.value.splice(where === 'before' ? i : i + 1, 0, a[3]);
  },
  rpoplpush: (_ctx, db, a) => void (a[1] !== undefined && lmove(db, a[0]!, a[1], false, true)),
  lmove: (_ctx, db, a) => {
    const from = lower(a[2] ?? '');
    const to = lower(a[3] ?? '');
    if (a[1] === undefined || !['left', 'right'].includes(from) || !['left', 'right'].includes(to)) return;
    lmove(db, a[0]!, a[1], from === 'left', to === 'left');
  },
  sadd: (_ctx, db, a) => {
    const [key, ...members] = a;
    if (key === undefined || members.length === 0) return;
    let set = lookup(db, key, 'set');
    if (set === null) return;
    if (set === undefined) {
      set = { type: 'set', value: new Set() };
      setKey(db, key, set);
    }
    for (const m of members) set.value.add(m);
  },
  srem: (_ctx, db, a) => {
    const [key, ...members] = a;
    const set = key === undefined ? undefined : lookup(db, key, 'set');
    if (!set) return;
    for (const m of members) set.value.delete(m);
    dropIfEmpty(db, key!);
  },
  smove: (_ctx, db, a) => {
    const [src, dst, m] = a;
    if (src === undefined || dst === undefined || m === undefined) return;
    const from = lookup(db, src, 'set');
    const to = lookup(db, dst, 'set');
    if (!from || to === null || !from.value.has(m)) return;
    from.value.delete(m);
    if (to) to.value.add(m);
    else setKey(db, dst, { type: 'set', value: new Set([m]) });
    dropIfEmpty(db, src);
  },
  hset: hsetCommand,
  hmset: hsetCommand,
  hsetnx: (_ctx, db, a) => {
    const [key, f, v] = a;
    if (key === undefined || f === undefined || v === undefined) return;
    const h = lookup(db, key, 'hash');
    if (h === null || h?.value.has(f)) return;
    if (h) h.value.set(f, v);
    else setKey(db, key, { type: 'hash', value: new Map([[f, v]]) });
  },
  hdel: (_ctx, db, a) => {
    const [key, ...fields] = a;
    const h = key === undefined ? undefined : lookup(db, key, 'hash');
    if (!h) return;
    for (const f of fields) h.value.delete(f);
    dropIfEmpty(db, key!);
  },
  hincrby: (_ctx, db, a) => {
    const [key, f] = a;
    const by = int(a[2]);
    if (key === undefined || f === undefined || by === null) return;
    const h = lookup(db, key, 'hash');
    if (h === null) return;
    const cur = h?.value.get(f);
    const n = cur === undefined ? 0 : int(cur);
    if (n === null || !Number.isSafeInteger(n + by)) return;
    if (h) h.value.set(f, String(n + by));
    else setKey(db, key, { type: 'hash', value: new Map([[f, String(by)]]) });
  },
  zadd,
  zincrby: (ctx, db, a) => zadd(ctx, db, [a[0]!, 'INCR', a[1]!, a[2]!]),
  zrem: (_ctx, db, a) => {
    const [key, ...members] = a;
    const z = key === undefined ? undefined : lookup(db, key, 'zset');
    if (!z) return;
    for (const m of members) z.value.delete(m);
    dropIfEmpty(db, key!);
  },
  zpopmin: zpop(false),
  zpopmax: zpop(true),
};

function hsetCommand(_ctx: AofApplyContext, db: RedisDb, a: readonly string[]): void {
  const [key, ...pairs] = a;
  if (key === undefined || pairs.length === 0 || pairs.length % 2) return;
  let h = lookup(db, key, 'hash');
  if (h === null) return;
  if (h === undefined) {
    h = { type: 'hash', value: new Map() };
    setKey(db, key, h);
  }
  for (let i = 0; i < pairs.length; i += 2) h.value.set(pairs[i]!, pairs[i + 1]!);
}

function renameCommand(db: RedisDb, a: readonly string[], nx: boolean): void {
  const [src, dst] = a;
  if (src === undefined || dst === undefined) return;
  const v = db.dict.get(src);
  if (!v || (nx && db.dict.has(dst))) return;
  if (src === dst) return;
  const ttl = db.expires.get(src);
  delKey(db, src);
  setKey(db, dst, v);
  if (ttl !== undefined) db.expires.set(dst, ttl);
}

const LOADER_COMMANDS = new Set(['select', 'multi', 'exec']);

/** Handlers by name as written (Redis writes upper case) and in lower case. */
const BY_NAME = new Map<string, Handler>();
for (const [name, handler] of Object.entries(HANDLERS)) {
  BY_NAME.set(name, handler);
  BY_NAME.set(name.toUpperCase(), handler);
}

function handlerFor(name: string): Handler | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(lower(name));
}

/** Which commands the built-in applier models ('unsupported' for the rest). */
export const lookupAofCommand: AofCommandLookup = (argv) => {
  const name = argv[0] ?? '';
  return handlerFor(name) !== undefined || LOADER_COMMANDS.has(lower(name)) ? 'ok' : 'unsupported';
};

/** Applies one AOF command; SELECT changes `ctx.db`. */
export const applyAofCommand: AofCommandApplier = (ctx, argv) => {
  if (argv.length === 0) return 'ok';
  const name = argv[0]!;
  const handler = handlerFor(name);
  if (handler === undefined) {
    if (lower(name) !== 'select') return 'unsupported';
    const n = int(argv[1]);
    if (n !== null && n >= 0 && n < ctx.dbs.length) ctx.db = n;
    return 'ok';
  }
  handler(ctx, ctx.dbs[ctx.db]!, argv.slice(1));
  return 'ok';
};
