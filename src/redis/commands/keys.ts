/**
 * Keyspace commands, after db.c and expire.c (Redis 7.0): DEL, UNLINK,
 * EXISTS, TYPE, KEYS, DBSIZE, SELECT, FLUSHDB, FLUSHALL, EXPIRE, PEXPIRE,
 * EXPIREAT, PEXPIREAT (with NX/XX/GT/LT), TTL, PTTL, EXPIRETIME,
 * PEXPIRETIME, PERSIST, OBJECT ENCODING.
 *
 * Expiry commands propagate as PEXPIREAT with the absolute time, or as DEL
 * (UNLINK with lazyfree-lazy-expire) when the time is already past
 * (expireGenericCommand). KEYS skips logically expired keys without deleting
 * them and DBSIZE counts them, both as in db.c.
 */
import { CMD_FAST, CMD_LOADING, CMD_READONLY, CMD_STALE, CMD_WRITE, type CommandContext, type CommandSpec } from '../command';
import { DB_INDEX_OUT_OF_RANGE, invalidExpireTime, NOT_AN_INTEGER, SYNTAX_ERROR } from '../errors';
import { asciiUpper, cString, equalsIgnoreCase, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN, string2ll, toBigInt } from '../numbers';
import { DB_COUNT, type RedisString } from '../RedisValue';
import { bulk, err, integer, NULL_BULK, OK, simple, type Reply } from '../reply';
import { stringMatch } from '../stringmatch';

const ZERO = integer(0);
const ONE = integer(1);

function del(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const db = ctx.client.db;
  let deleted = 0;
  for (let j = 1; j < argv.length; j++) {
    ctx.ks.expireIfNeeded(db, argv[j]!);
    if (ctx.ks.delete(db, argv[j]!)) {
      ctx.server.dirty++;
      deleted++;
    }
  }
  return integer(deleted);
}

function exists(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  let count = 0;
  for (let j = 1; j < argv.length; j++) if (ctx.ks.lookupRead(ctx.client.db, argv[j]!) !== undefined) count++;
  return integer(count);
}

function type(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const o = ctx.ks.lookupRead(ctx.client.db, argv[1]!);
  return simple(o === undefined ? 'none' : o.type);
}

function keys(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const db = ctx.client.db;
  const pattern = argv[1]!;
  const all = pattern === '*';
  const items: Reply[] = [];
  for (const key of ctx.ks.dbs[db]!.dict.keys()) {
    if ((all || stringMatch(pattern, key)) && !ctx.ks.isExpired(db, key)) items.push(bulk(key));
  }
  return { kind: 'array', items };
}

function dbsize(ctx: CommandContext): Reply {
  return integer(ctx.ks.keyCount(ctx.client.db));
}

function select(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  // getIntFromObjectOrReply: a long long first, then the int range.
  const id = string2ll(argv[1]!);
  if (id === null) return NOT_AN_INTEGER;
  if (id < INT_MIN || id > INT_MAX) return err(`value is out of range, value must between ${INT_MIN} and ${INT_MAX}`);
  if (id < 0 || id >= DB_COUNT) return DB_INDEX_OUT_OF_RANGE;
  ctx.client.db = id as number;
  return OK;
}

/** getFlushCommandFlags: nothing, SYNC or ASYNC. */
function flushArgsOk(argv: readonly RedisString[]): boolean {
  if (argv.length === 1) return true;
  return argv.length === 2 && (equalsIgnoreCase(argv[1]!, 'sync') || equalsIgnoreCase(argv[1]!, 'async'));
}

function flushdb(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  if (!flushArgsOk(argv)) return SYNTAX_ERROR;
  ctx.server.dirty += ctx.ks.flush(ctx.client.db);
  ctx.server.traceFlush(ctx.client.db);
  ctx.forcePropagation();
  return OK;
}

function flushall(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  if (!flushArgsOk(argv)) return SYNTAX_ERROR;
  ctx.server.dirty += ctx.ks.flush(-1);
  ctx.server.traceFlush(-1);
  ctx.server.persistence.afterFlushAll();
  ctx.forcePropagation();
  return OK;
}

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/** parseExtendedExpireArgumentsOrReply. */
function parseExpireFlags(argv: readonly RedisString[]): number | Reply {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    if (equalsIgnoreCase(opt, 'nx')) flags |= EXPIRE_NX;
    else if (equalsIgnoreCase(opt, 'xx')) flags |= EXPIRE_XX;
    else if (equalsIgnoreCase(opt, 'gt')) flags |= EXPIRE_GT;
    else if (equalsIgnoreCase(opt, 'lt')) flags |= EXPIRE_LT;
    else return err(`Unsupported option ${cString(opt)}`);
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    return err('NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) return err('GT and LT options at the same time are not compatible');
  return flags;
}

/** expireGenericCommand: `relative` adds the current time, `seconds` the unit of argv[2]. */
function expireGeneric(ctx: CommandContext, argv: readonly RedisString[], relative: boolean, seconds: boolean): Reply {
  const flags = parseExpireFlags(argv);
  if (typeof flags !== 'number') return flags;
  const parsed = string2ll(argv[2]!);
  if (parsed === null) return NOT_AN_INTEGER;
  let when = toBigInt(parsed);
  const basetime = relative ? BigInt(ctx.server.nowMs) : 0n;
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return invalidExpireTime(ctx.fullname);
    when *= 1000n;
  }
  if (when > LLONG_MAX - basetime) return invalidExpireTime(ctx.fullname);
  when += basetime;

  const db = ctx.client.db;
  const key = argv[1]!;
  if (ctx.ks.lookupWrite(db, key) === undefined) return ZERO;
  if (flags !== 0) {
    const current = ctx.ks.getExpire(db, key);
    const currentBig = BigInt(current);
    if (flags & EXPIRE_NX && current !== -1) return ZERO;
    if (flags & EXPIRE_XX && current === -1) return ZERO;
    if (flags & EXPIRE_GT && (when <= currentBig || current === -1)) return ZERO;
    if (flags & EXPIRE_LT && current !== -1 && when >= currentBig) return ZERO;
  }
  if (when <= BigInt(ctx.server.nowMs) && !ctx.server.loading) {
    // checkAlreadyExpired: a time in the past deletes the key, propagated as
    // DEL; not while loading, where the TTL is kept and expires later.
    ctx.ks.delete(db, key);
    ctx.server.dirty++;
    ctx.rewrite([ctx.config.get('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
    return ONE;
  }
  ctx.ks.setExpire(db, key, Number(when));
  // Propagate as PEXPIREAT <absolute ms>, options kept; a PEXPIREAT is kept as sent.
  if (relative || seconds) {
    const rewritten = argv.slice();
    rewritten[0] = 'PEXPIREAT';
    rewritten[2] = String(when);
    ctx.rewrite(rewritten);
  }
  ctx.server.dirty++;
  return ONE;
}

function expire(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return expireGeneric(ctx, argv, true, true);
}

function pexpire(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return expireGeneric(ctx, argv, true, false);
}

function expireat(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return expireGeneric(ctx, argv, false, true);
}

function pexpireat(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return expireGeneric(ctx, argv, false, false);
}

/** ttlGenericCommand: -2 missing, -1 no TTL, else the remaining (or absolute) time. */
function ttlGeneric(ctx: CommandContext, argv: readonly RedisString[], ms: boolean, absolute: boolean): Reply {
  const db = ctx.client.db;
  if (ctx.ks.lookupRead(db, argv[1]!) === undefined) return integer(-2);
  const expireAt = ctx.ks.getExpire(db, argv[1]!);
  if (expireAt === -1) return integer(-1);
  let ttl = absolute ? expireAt : expireAt - ctx.server.nowMs;
  if (ttl < 0) ttl = 0;
  return integer(ms ? ttl : Math.trunc((ttl + 500) / 1000));
}

function ttl(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return ttlGeneric(ctx, argv, false, false);
}

function pttl(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return ttlGeneric(ctx, argv, true, false);
}

function expiretime(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return ttlGeneric(ctx, argv, false, true);
}

function pexpiretime(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return ttlGeneric(ctx, argv, true, true);
}

function persist(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const db = ctx.client.db;
  if (ctx.ks.lookupWrite(db, argv[1]!) === undefined) return ZERO;
  if (!ctx.ks.removeExpire(db, argv[1]!)) return ZERO;
  ctx.server.dirty++;
  return ONE;
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

/** addReplyHelp: a header, the lines, and the HELP footer, as status replies. */
export function helpReply(commandName: string, lines: readonly string[]): Reply {
  const items: Reply[] = [simple(`${asciiUpper(commandName)} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`)];
  for (const line of lines) items.push(simple(line));
  items.push(simple('HELP'), simple('    Prints this help.'));
  return { kind: 'array', items };
}

function objectEncoding(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const o = ctx.ks.lookupRead(ctx.client.db, argv[2]!);
  if (o === undefined) return NULL_BULK;
  return bulk(ctx.ks.encodings.encodingOf(o));
}

function objectHelp(_ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return helpReply(argv[0]!, OBJECT_HELP);
}

const W = CMD_WRITE;
const R = CMD_READONLY;

export const KEY_COMMANDS: readonly CommandSpec[] = [
  { name: 'del', arity: -2, flags: W, proc: del },
  { name: 'unlink', arity: -2, flags: W | CMD_FAST, proc: del },
  { name: 'exists', arity: -2, flags: R | CMD_FAST, proc: exists },
  { name: 'type', arity: 2, flags: R | CMD_FAST, proc: type },
  { name: 'keys', arity: 2, flags: R, proc: keys },
  { name: 'dbsize', arity: 1, flags: R | CMD_FAST, proc: dbsize },
  { name: 'select', arity: 2, flags: CMD_LOADING | CMD_STALE | CMD_FAST, proc: select },
  { name: 'flushdb', arity: -1, flags: W, proc: flushdb },
  { name: 'flushall', arity: -1, flags: W, proc: flushall },
  { name: 'expire', arity: -3, flags: W | CMD_FAST, proc: expire },
  { name: 'pexpire', arity: -3, flags: W | CMD_FAST, proc: pexpire },
  { name: 'expireat', arity: -3, flags: W | CMD_FAST, proc: expireat },
  { name: 'pexpireat', arity: -3, flags: W | CMD_FAST, proc: pexpireat },
  { name: 'ttl', arity: 2, flags: R | CMD_FAST, proc: ttl },
  { name: 'pttl', arity: 2, flags: R | CMD_FAST, proc: pttl },
  { name: 'expiretime', arity: 2, flags: R | CMD_FAST, proc: expiretime },
  { name: 'pexpiretime', arity: 2, flags: R | CMD_FAST, proc: pexpiretime },
  { name: 'persist', arity: 2, flags: W | CMD_FAST, proc: persist },
  {
    name: 'object',
    arity: -2,
    flags: 0,
    proc: null,
    subcommands: [
      { name: 'encoding', arity: 3, flags: R, proc: objectEncoding },
      { name: 'help', arity: 2, flags: CMD_LOADING | CMD_STALE, proc: objectHelp },
    ],
  },
];
