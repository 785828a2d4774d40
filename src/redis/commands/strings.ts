/**
 * String commands, after t_string.c (Redis 7.0): SET and its variants (SETNX,
 * SETEX, PSETEX, GETSET), GET, GETDEL, MGET, MSET, INCR/DECR/INCRBY/DECRBY,
 * APPEND, STRLEN.
 *
 * Propagation follows setGenericCommand: a SET with any expiry is propagated
 * as `SET key value PXAT <absolute ms>` (so a replayed AOF does not extend
 * the TTL), a SET ... GET without expiry loses its GET tokens, GETSET becomes
 * SET, GETDEL becomes DEL (UNLINK with lazyfree-lazy-user-del). `dirty` grows
 * by one per key written, as `server.dirty++` in each command.
 *
 * INCRBYFLOAT is not modelled: its reply is printed from a C long double
 * (80-bit), which JS numbers cannot reproduce digit for digit.
 */
import {
  CMD_DENYOOM,
  CMD_FAST,
  CMD_READONLY,
  CMD_WRITE,
  type CommandContext,
  type CommandSpec,
} from '../command';
import { arityReply, INCR_OVERFLOW, invalidExpireTime, NOT_AN_INTEGER, SYNTAX_ERROR, WRONGTYPE } from '../errors';
import { addLongLong, equalsIgnoreCase, LLONG_MAX, LLONG_MIN, negateLongLong, string2ll, toBigInt, type LongLong } from '../numbers';
import type { RedisString } from '../RedisValue';
import { bulk, err, integer, NULL_BULK, OK, type Reply } from '../reply';

const OBJ_SET_NX = 1 << 0;
const OBJ_SET_XX = 1 << 1;
const OBJ_EX = 1 << 2;
const OBJ_PX = 1 << 3;
const OBJ_KEEPTTL = 1 << 4;
const OBJ_SET_GET = 1 << 5;
const OBJ_EXAT = 1 << 6;
const OBJ_PXAT = 1 << 7;

/** proto-max-bulk-len's default, the largest string APPEND may build. */
const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
const ONE = integer(1);
const ZERO = integer(0);

interface SetOptions {
  readonly flags: number;
  /** The EX/PX/EXAT/PXAT argument, or null. */
  readonly expire: RedisString | null;
  readonly unitSeconds: boolean;
}

/**
 * parseExtendedStringArgumentsOrReply (COMMAND_SET): options from argv[3],
 * each accepted only when it does not conflict with one seen before;
 * anything else is a syntax error.
 */
function parseSetOptions(argv: readonly RedisString[]): SetOptions | null {
  let flags = 0;
  let expire: RedisString | null = null;
  let unitSeconds = true;
  const timed = OBJ_EX | OBJ_PX | OBJ_EXAT | OBJ_PXAT;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const hasNext = j < argv.length - 1;
    if (equalsIgnoreCase(opt, 'nx') && !(flags & OBJ_SET_XX)) flags |= OBJ_SET_NX;
    else if (equalsIgnoreCase(opt, 'xx') && !(flags & OBJ_SET_NX)) flags |= OBJ_SET_XX;
    else if (equalsIgnoreCase(opt, 'get')) flags |= OBJ_SET_GET;
    else if (equalsIgnoreCase(opt, 'keepttl') && !(flags & timed)) flags |= OBJ_KEEPTTL;
    else if (equalsIgnoreCase(opt, 'ex') && !(flags & (OBJ_KEEPTTL | OBJ_EXAT | OBJ_PX | OBJ_PXAT)) && hasNext) {
      flags |= OBJ_EX;
      expire = argv[++j]!;
    } else if (equalsIgnoreCase(opt, 'px') && !(flags & (OBJ_KEEPTTL | OBJ_EX | OBJ_EXAT | OBJ_PXAT)) && hasNext) {
      flags |= OBJ_PX;
      unitSeconds = false;
      expire = argv[++j]!;
    } else if (equalsIgnoreCase(opt, 'exat') && !(flags & (OBJ_KEEPTTL | OBJ_EX | OBJ_PX | OBJ_PXAT)) && hasNext) {
      flags |= OBJ_EXAT;
      expire = argv[++j]!;
    } else if (equalsIgnoreCase(opt, 'pxat') && !(flags & (OBJ_KEEPTTL | OBJ_EX | OBJ_EXAT | OBJ_PX)) && hasNext) {
      flags |= OBJ_PXAT;
      unitSeconds = false;
      expire = argv[++j]!;
    } else {
      return null;
    }
  }
  return { flags, expire, unitSeconds };
}

/**
 * getExpireMillisecondsOrReply: the absolute expiry in ms, or an error.
 * Relative times are added to the current time; a result <= 0 (including a
 * 64-bit overflow, which wraps negative in C) is an invalid expire time.
 */
function expireMilliseconds(ctx: CommandContext, expire: RedisString, flags: number, unitSeconds: boolean): bigint | Reply {
  const parsed = string2ll(expire);
  if (parsed === null) return NOT_AN_INTEGER;
  let ms = toBigInt(parsed);
  if (ms <= 0n || (unitSeconds && ms > LLONG_MAX / 1000n)) return invalidExpireTime(ctx.fullname);
  if (unitSeconds) ms *= 1000n;
  if (flags & (OBJ_PX | OBJ_EX)) ms += BigInt(ctx.server.nowMs);
  if (ms > LLONG_MAX || ms <= 0n) return invalidExpireTime(ctx.fullname);
  return ms;
}

/** getGenericCommand: the value, null when missing, or WRONGTYPE. */
function getString(ctx: CommandContext, key: RedisString): Reply {
  const o = ctx.ks.lookupRead(ctx.client.db, key);
  if (o === undefined) return NULL_BULK;
  if (o.type !== 'string') return WRONGTYPE;
  return bulk(o.value);
}

/** setGenericCommand. */
function setGeneric(
  ctx: CommandContext,
  argv: readonly RedisString[],
  options: SetOptions & { readonly key: RedisString; readonly value: RedisString; readonly okReply?: Reply; readonly abortReply?: Reply },
): Reply {
  const { flags, key, value } = options;
  const db = ctx.client.db;
  let expireAt: bigint | null = null;
  if (options.expire !== null) {
    const ms = expireMilliseconds(ctx, options.expire, flags, options.unitSeconds);
    if (typeof ms !== 'bigint') return ms;
    expireAt = ms;
  }
  let getReply: Reply = NULL_BULK;
  if (flags & OBJ_SET_GET) {
    getReply = getString(ctx, key);
    if (getReply === WRONGTYPE) return getReply;
  }
  const found = ctx.ks.lookupWrite(db, key) !== undefined;
  if ((flags & OBJ_SET_NX && found) || (flags & OBJ_SET_XX && !found)) {
    return flags & OBJ_SET_GET ? getReply : (options.abortReply ?? NULL_BULK);
  }
  ctx.ks.setKey(db, key, { type: 'string', value }, (flags & OBJ_KEEPTTL) !== 0);
  ctx.server.dirty++;
  if (expireAt !== null) {
    ctx.ks.setExpire(db, key, Number(expireAt));
    ctx.rewrite(['SET', key, value, 'PXAT', String(expireAt)]);
  } else if (flags & OBJ_SET_GET) {
    // Propagate without the GET argument(s).
    ctx.rewrite(argv.filter((a, j) => j < 3 || !equalsIgnoreCase(a, 'get')));
  }
  return flags & OBJ_SET_GET ? getReply : (options.okReply ?? OK);
}

function set(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const options = parseSetOptions(argv);
  if (options === null) return SYNTAX_ERROR;
  return setGeneric(ctx, argv, { ...options, key: argv[1]!, value: argv[2]! });
}

function setnx(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return setGeneric(ctx, argv, { flags: OBJ_SET_NX, expire: null, unitSeconds: true, key: argv[1]!, value: argv[2]!, okReply: ONE, abortReply: ZERO });
}

function setex(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return setGeneric(ctx, argv, { flags: OBJ_EX, expire: argv[2]!, unitSeconds: true, key: argv[1]!, value: argv[3]! });
}

function psetex(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return setGeneric(ctx, argv, { flags: OBJ_PX, expire: argv[2]!, unitSeconds: false, key: argv[1]!, value: argv[3]! });
}

function get(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return getString(ctx, argv[1]!);
}

function getset(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const reply = getString(ctx, argv[1]!);
  if (reply === WRONGTYPE) return reply;
  ctx.ks.setKey(ctx.client.db, argv[1]!, { type: 'string', value: argv[2]! });
  ctx.server.dirty++;
  ctx.rewrite(['SET', argv[1]!, argv[2]!]);
  return reply;
}

function getdel(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const reply = getString(ctx, argv[1]!);
  if (reply === WRONGTYPE) return reply;
  if (ctx.ks.delete(ctx.client.db, argv[1]!)) {
    ctx.rewrite([ctx.config.get('lazyfree-lazy-user-del') ? 'UNLINK' : 'DEL', argv[1]!]);
    ctx.server.dirty++;
  }
  return reply;
}

function mget(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const items: Reply[] = [];
  for (let j = 1; j < argv.length; j++) {
    const o = ctx.ks.lookupRead(ctx.client.db, argv[j]!);
    items.push(o === undefined || o.type !== 'string' ? NULL_BULK : bulk(o.value));
  }
  return { kind: 'array', items };
}

function mset(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  if (argv.length % 2 === 0) return arityReply(ctx.fullname);
  for (let j = 1; j < argv.length; j += 2) {
    ctx.ks.setKey(ctx.client.db, argv[j]!, { type: 'string', value: argv[j + 1]! });
  }
  ctx.server.dirty += (argv.length - 1) / 2;
  return OK;
}

/** incrDecrCommand. */
function incrDecr(ctx: CommandContext, key: RedisString, incr: LongLong): Reply {
  const db = ctx.client.db;
  const o = ctx.ks.lookupWrite(db, key);
  if (o !== undefined && o.type !== 'string') return WRONGTYPE;
  const value = o === undefined ? 0 : string2ll(o.value);
  if (value === null) return NOT_AN_INTEGER;
  const result = addLongLong(value, incr);
  if (result === null) return INCR_OVERFLOW;
  if (o === undefined) {
    ctx.ks.add(db, key, { type: 'string', value: String(result) });
  } else {
    ctx.ks.willChange(db, key);
    o.value = String(result);
    ctx.ks.encodings.clearConverted(o);
  }
  ctx.server.dirty++;
  return integer(result);
}

function incr(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return incrDecr(ctx, argv[1]!, 1);
}

function decr(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return incrDecr(ctx, argv[1]!, -1);
}

function incrby(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const by = string2ll(argv[2]!);
  if (by === null) return NOT_AN_INTEGER;
  return incrDecr(ctx, argv[1]!, by);
}

function decrby(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const by = string2ll(argv[2]!);
  if (by === null) return NOT_AN_INTEGER;
  if (by === LLONG_MIN) return err('decrement would overflow');
  return incrDecr(ctx, argv[1]!, negateLongLong(by));
}

function append(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const db = ctx.client.db;
  const key = argv[1]!;
  const o = ctx.ks.lookupWrite(db, key);
  let length: number;
  if (o === undefined) {
    ctx.ks.add(db, key, { type: 'string', value: argv[2]! });
    length = argv[2]!.length;
  } else {
    if (o.type !== 'string') return WRONGTYPE;
    if (o.value.length + argv[2]!.length > PROTO_MAX_BULK_LEN) return err('string exceeds maximum allowed size (proto-max-bulk-len)');
    ctx.ks.willChange(db, key);
    o.value += argv[2]!;
    // dbUnshareStringValue: an appended string is always raw-encoded.
    ctx.ks.encodings.markConverted(o);
    length = o.value.length;
  }
  ctx.server.dirty++;
  return integer(length);
}

function strlen(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const o = ctx.ks.lookupRead(ctx.client.db, argv[1]!);
  if (o === undefined) return ZERO;
  if (o.type !== 'string') return WRONGTYPE;
  return integer(o.value.length);
}

const W = CMD_WRITE;
const R = CMD_READONLY;

export const STRING_COMMANDS: readonly CommandSpec[] = [
  { name: 'get', arity: 2, flags: R | CMD_FAST, proc: get },
  { name: 'set', arity: -3, flags: W | CMD_DENYOOM, proc: set },
  { name: 'setnx', arity: 3, flags: W | CMD_DENYOOM | CMD_FAST, proc: setnx },
  { name: 'setex', arity: 4, flags: W | CMD_DENYOOM, proc: setex },
  { name: 'psetex', arity: 4, flags: W | CMD_DENYOOM, proc: psetex },
  { name: 'getset', arity: 3, flags: W | CMD_DENYOOM | CMD_FAST, proc: getset },
  { name: 'getdel', arity: 2, flags: W | CMD_FAST, proc: getdel },
  { name: 'mget', arity: -2, flags: R | CMD_FAST, proc: mget },
  { name: 'mset', arity: -3, flags: W | CMD_DENYOOM, proc: mset },
  { name: 'incr', arity: 2, flags: W | CMD_DENYOOM | CMD_FAST, proc: incr },
  { name: 'decr', arity: 2, flags: W | CMD_DENYOOM | CMD_FAST, proc: decr },
  { name: 'incrby', arity: 3, flags: W | CMD_DENYOOM | CMD_FAST, proc: incrby },
  { name: 'decrby', arity: 3, flags: W | CMD_DENYOOM | CMD_FAST, proc: decrby },
  { name: 'append', arity: 3, flags: W | CMD_DENYOOM | CMD_FAST, proc: append },
  { name: 'strlen', arity: 2, flags: R | CMD_FAST, proc: strlen },
];
