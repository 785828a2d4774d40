/**
 * List commands, after t_list.c (Redis 7.0): LPUSH, RPUSH, LPOP, RPOP (with
 * the optional count), LRANGE, LLEN. Lists are always quicklists in 7.0.
 *
 * `dirty` grows by one per element pushed or popped (pushGenericCommand's
 * loop, listElementsRemoved); a list emptied by a pop is deleted.
 */
import { CMD_DENYOOM, CMD_FAST, CMD_READONLY, CMD_WRITE, type CommandContext, type CommandSpec } from '../command';
import { arityReply, NOT_AN_INTEGER, NOT_POSITIVE, WRONGTYPE } from '../errors';
import { string2ll, toNumber } from '../numbers';
import type { RedisString, RedisValue } from '../RedisValue';
import { bulk, EMPTY_ARRAY, integer, NULL_ARRAY, NULL_BULK, type Reply } from '../reply';

type List = Extract<RedisValue, { type: 'list' }>;

function push(ctx: CommandContext, argv: readonly RedisString[], head: boolean): Reply {
  const db = ctx.client.db;
  const key = argv[1]!;
  let list = ctx.ks.lookupWrite(db, key);
  if (list !== undefined && list.type !== 'list') return WRONGTYPE;
  if (list === undefined) {
    list = { type: 'list', value: [] };
    ctx.ks.add(db, key, list);
  } else {
    ctx.ks.willChange(db, key);
  }
  const items = (list as List).value;
  for (let j = 2; j < argv.length; j++) {
    if (head) items.unshift(argv[j]!);
    else items.push(argv[j]!);
    ctx.server.dirty++;
  }
  return integer(items.length);
}

function lpush(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return push(ctx, argv, true);
}

function rpush(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return push(ctx, argv, false);
}

/** popGenericCommand. */
function pop(ctx: CommandContext, argv: readonly RedisString[], head: boolean): Reply {
  const hasCount = argv.length === 3;
  let count = 0;
  if (argv.length > 3) return arityReply(ctx.fullname);
  if (hasCount) {
    // getPositiveLongFromObjectOrReply: a non-integer gets the range message too.
    const parsed = string2ll(argv[2]!);
    if (parsed === null || parsed < 0) return NOT_POSITIVE;
    count = toNumber(parsed);
  }
  const db = ctx.client.db;
  const key = argv[1]!;
  const o = ctx.ks.lookupWrite(db, key);
  if (o === undefined) return hasCount ? NULL_ARRAY : NULL_BULK;
  if (o.type !== 'list') return WRONGTYPE;
  if (hasCount && count === 0) return EMPTY_ARRAY;
  ctx.ks.willChange(db, key);
  const items = o.value;
  let reply: Reply;
  let removed: number;
  if (!hasCount) {
    reply = bulk((head ? items.shift() : items.pop())!);
    removed = 1;
  } else {
    removed = Math.min(count, items.length);
    const taken = head ? items.splice(0, removed) : items.splice(items.length - removed, removed).reverse();
    reply = { kind: 'array', items: taken.map(bulk) };
  }
  if (items.length === 0) ctx.ks.delete(db, key);
  ctx.server.dirty += removed;
  return reply;
}

function lpop(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return pop(ctx, argv, true);
}

function rpop(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return pop(ctx, argv, false);
}

function lrange(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const startArg = string2ll(argv[2]!);
  const endArg = string2ll(argv[3]!);
  if (startArg === null || endArg === null) return NOT_AN_INTEGER;
  const o = ctx.ks.lookupRead(ctx.client.db, argv[1]!);
  if (o === undefined) return EMPTY_ARRAY;
  if (o.type !== 'list') return WRONGTYPE;
  // addListRangeReply.
  const length = o.value.length;
  let start = toNumber(startArg);
  let end = toNumber(endArg);
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (start > end || start >= length) return EMPTY_ARRAY;
  if (end >= length) end = length - 1;
  return { kind: 'array', items: o.value.slice(start, end + 1).map(bulk) };
}

function llen(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const o = ctx.ks.lookupRead(ctx.client.db, argv[1]!);
  if (o === undefined) return integer(0);
  if (o.type !== 'list') return WRONGTYPE;
  return integer(o.value.length);
}

const W = CMD_WRITE;
const R = CMD_READONLY;

export const LIST_COMMANDS: readonly CommandSpec[] = [
  { name: 'lpush', arity: -3, flags: W | CMD_DENYOOM | CMD_FAST, proc: lpush },
  { name: 'rpush', arity: -3, flags: W | CMD_DENYOOM | CMD_FAST, proc: rpush },
  { name: 'lpop', arity: -2, flags: W | CMD_FAST, proc: lpop },
  { name: 'rpop', arity: -2, flags: W | CMD_FAST, proc: rpop },
  { name: 'lrange', arity: 4, flags: R, proc: lrange },
  { name: 'llen', arity: 2, flags: R | CMD_FAST, proc: llen },
];
