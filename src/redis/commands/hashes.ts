/**
 * Hash commands, after t_hash.c (Redis 7.0): HSET/HMSET, HSETNX, HGET, HMGET,
 * HGETALL, HKEYS, HVALS, HDEL, HEXISTS, HLEN, HSTRLEN, HINCRBY.
 *
 * A hash is a Map in insertion order, which is exactly a listpack's order
 * (new fields are appended, updates stay in place); once converted to a
 * hashtable (more than hash-max-listpack-entries fields, or a field or value
 * longer than hash-max-listpack-value) Redis iterates in dict order, which
 * no client can rely on. `dirty` follows t_hash.c: HSET adds the number of
 * pairs given (not the number created), HDEL the number deleted.
 *
 * HSET on the offset-store path (one key, a field per partition) is the
 * benchmark: no allocation beyond the reply, no scan of the hash.
 */
import { CMD_DENYOOM, CMD_FAST, CMD_READONLY, CMD_WRITE, type CommandContext, type CommandSpec } from '../command';
import { arityReply, INCR_OVERFLOW, NOT_AN_INTEGER, WRONGTYPE } from '../errors';
import { addLongLong, string2ll } from '../numbers';
import type { RedisString, RedisValue } from '../RedisValue';
import { bulk, EMPTY_ARRAY, err, integer, NULL_BULK, OK, type Reply } from '../reply';

type Hash = Extract<RedisValue, { type: 'hash' }>;

const ZERO = integer(0);
const ONE = integer(1);

/**
 * hashTypeLookupWriteOrCreate: the hash at `key`, created empty if missing,
 * or WRONGTYPE. Callers announce the change (`willChange`) just before they
 * mutate, so a command that ends up changing nothing touches nothing.
 */
function lookupWriteOrCreate(ctx: CommandContext, key: RedisString): Hash | Reply {
  const db = ctx.client.db;
  const o = ctx.ks.lookupWrite(db, key);
  if (o === undefined) {
    const created: Hash = { type: 'hash', value: new Map() };
    ctx.ks.add(db, key, created);
    return created;
  }
  return o.type === 'hash' ? o : WRONGTYPE;
}

/** hashTypeTryConversion: a field or value too long for a listpack converts it. */
function tryConversion(ctx: CommandContext, hash: Hash, argv: readonly RedisString[], start: number, end: number): void {
  const encodings = ctx.ks.encodings;
  if (encodings.isConverted(hash)) return;
  const maxValue = ctx.config.get('hash-max-listpack-value');
  for (let i = start; i <= end; i++) {
    if (argv[i]!.length > maxValue) {
      encodings.markConverted(hash);
      return;
    }
  }
}

/** hashTypeSet: true when the field existed (an update). */
function hashSet(ctx: CommandContext, hash: Hash, field: RedisString, value: RedisString): boolean {
  const encodings = ctx.ks.encodings;
  const listpack = !encodings.isConverted(hash);
  if (listpack) {
    const maxValue = ctx.config.get('hash-max-listpack-value');
    if (field.length > maxValue || value.length > maxValue) encodings.markConverted(hash);
  }
  const map = hash.value;
  const size = map.size;
  map.set(field, value);
  const update = map.size === size;
  if (listpack && map.size > ctx.config.get('hash-max-listpack-entries')) encodings.markConverted(hash);
  return update;
}

function lookupReadHash(ctx: CommandContext, key: RedisString): Hash | Reply | undefined {
  const o = ctx.ks.lookupRead(ctx.client.db, key);
  if (o === undefined) return undefined;
  return o.type === 'hash' ? o : WRONGTYPE;
}

function isReply(x: Hash | Reply): x is Reply {
  return 'kind' in x;
}

/** HSET and HMSET (hsetCommand serves both; only the reply differs). */
function hset(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  if (argv.length % 2 === 1) return arityReply(ctx.fullname);
  const hash = lookupWriteOrCreate(ctx, argv[1]!);
  if (isReply(hash)) return hash;
  ctx.ks.willChange(ctx.client.db, argv[1]!);
  tryConversion(ctx, hash, argv, 2, argv.length - 1);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (!hashSet(ctx, hash, argv[i]!, argv[i + 1]!)) created++;
  }
  ctx.server.dirty += (argv.length - 2) / 2;
  return ctx.fullname === 'hset' ? integer(created) : OK;
}

function hsetnx(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const hash = lookupWriteOrCreate(ctx, argv[1]!);
  if (isReply(hash)) return hash;
  if (hash.value.has(argv[2]!)) return ZERO;
  ctx.ks.willChange(ctx.client.db, argv[1]!);
  tryConversion(ctx, hash, argv, 2, 3);
  hashSet(ctx, hash, argv[2]!, argv[3]!);
  ctx.server.dirty++;
  return ONE;
}

function hget(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const hash = lookupReadHash(ctx, argv[1]!);
  if (hash === undefined) return NULL_BULK;
  if (isReply(hash)) return hash;
  const value = hash.value.get(argv[2]!);
  return value === undefined ? NULL_BULK : bulk(value);
}

function hmget(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const hash = lookupReadHash(ctx, argv[1]!);
  if (hash !== undefined && isReply(hash)) return hash;
  const items: Reply[] = [];
  for (let i = 2; i < argv.length; i++) {
    const value = hash?.value.get(argv[i]!);
    items.push(value === undefined ? NULL_BULK : bulk(value));
  }
  return { kind: 'array', items };
}

function hgetallGeneric(ctx: CommandContext, argv: readonly RedisString[], keys: boolean, values: boolean): Reply {
  const hash = lookupReadHash(ctx, argv[1]!);
  if (hash === undefined) return EMPTY_ARRAY;
  if (isReply(hash)) return hash;
  const items: Reply[] = [];
  for (const [field, value] of hash.value) {
    if (keys) items.push(bulk(field));
    if (values) items.push(bulk(value));
  }
  return { kind: 'array', items };
}

function hgetall(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return hgetallGeneric(ctx, argv, true, true);
}

function hkeys(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return hgetallGeneric(ctx, argv, true, false);
}

function hvals(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return hgetallGeneric(ctx, argv, false, true);
}

function hdel(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const db = ctx.client.db;
  const key = argv[1]!;
  const o = ctx.ks.lookupWrite(db, key);
  if (o === undefined) return ZERO;
  if (o.type !== 'hash') return WRONGTYPE;
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (!o.value.has(argv[j]!)) continue;
    if (deleted === 0) ctx.ks.willChange(db, key);
    o.value.delete(argv[j]!);
    deleted++;
    if (o.value.size === 0) {
      ctx.ks.delete(db, key);
      break;
    }
  }
  ctx.server.dirty += deleted;
  return integer(deleted);
}

function hexists(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const hash = lookupReadHash(ctx, argv[1]!);
  if (hash === undefined) return ZERO;
  if (isReply(hash)) return hash;
  return hash.value.has(argv[2]!) ? ONE : ZERO;
}

function hlen(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const hash = lookupReadHash(ctx, argv[1]!);
  if (hash === undefined) return ZERO;
  if (isReply(hash)) return hash;
  return integer(hash.value.size);
}

function hstrlen(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const hash = lookupReadHash(ctx, argv[1]!);
  if (hash === undefined) return ZERO;
  if (isReply(hash)) return hash;
  return integer(hash.value.get(argv[2]!)?.length ?? 0);
}

function hincrby(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const by = string2ll(argv[3]!);
  if (by === null) return NOT_AN_INTEGER;
  const hash = lookupWriteOrCreate(ctx, argv[1]!);
  if (isReply(hash)) return hash;
  const current = hash.value.get(argv[2]!);
  let value: number | bigint = 0;
  if (current !== undefined) {
    const parsed = string2ll(current);
    if (parsed === null) return err('hash value is not an integer');
    value = parsed;
  }
  const result = addLongLong(value, by);
  if (result === null) return INCR_OVERFLOW;
  ctx.ks.willChange(ctx.client.db, argv[1]!);
  hashSet(ctx, hash, argv[2]!, String(result));
  ctx.server.dirty++;
  return integer(result);
}

const W = CMD_WRITE;
const R = CMD_READONLY;

export const HASH_COMMANDS: readonly CommandSpec[] = [
  { name: 'hset', arity: -4, flags: W | CMD_DENYOOM | CMD_FAST, proc: hset },
  { name: 'hmset', arity: -4, flags: W | CMD_DENYOOM | CMD_FAST, proc: hset },
  { name: 'hsetnx', arity: 4, flags: W | CMD_DENYOOM | CMD_FAST, proc: hsetnx },
  { name: 'hget', arity: 3, flags: R | CMD_FAST, proc: hget },
  { name: 'hmget', arity: -3, flags: R | CMD_FAST, proc: hmget },
  { name: 'hgetall', arity: 2, flags: R, proc: hgetall },
  { name: 'hkeys', arity: 2, flags: R, proc: hkeys },
  { name: 'hvals', arity: 2, flags: R, proc: hvals },
  { name: 'hdel', arity: -3, flags: W | CMD_FAST, proc: hdel },
  { name: 'hexists', arity: 3, flags: R | CMD_FAST, proc: hexists },
  { name: 'hlen', arity: 2, flags: R | CMD_FAST, proc: hlen },
  { name: 'hstrlen', arity: 3, flags: R | CMD_FAST, proc: hstrlen },
  { name: 'hincrby', arity: 4, flags: W | CMD_DENYOOM | CMD_FAST, proc: hincrby },
];
