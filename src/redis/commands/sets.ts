/**
 * Set commands, after t_set.c (Redis 7.0): SADD, SREM, SMEMBERS, SISMEMBER,
 * SCARD.
 *
 * A set starts as an intset when its first member is an integer
 * (setTypeCreate) and becomes a hashtable, for good, on a non-integer member
 * or past set-max-intset-entries. An intset iterates in ascending numeric
 * order, so SMEMBERS of an intset is sorted exactly as Redis returns it; a
 * hashtable's order is Redis's dict order, which no client can rely on.
 */
import { CMD_DENYOOM, CMD_FAST, CMD_READONLY, CMD_WRITE, type CommandContext, type CommandSpec } from '../command';
import { WRONGTYPE } from '../errors';
import { isLongLongString } from '../numbers';
import type { RedisString, RedisValue } from '../RedisValue';
import { bulk, EMPTY_ARRAY, integer, type Reply } from '../reply';

type RSet = Extract<RedisValue, { type: 'set' }>;

const ZERO = integer(0);
const ONE = integer(1);

/** setTypeAdd: true when the member was new. */
function setAdd(ctx: CommandContext, set: RSet, member: RedisString): boolean {
  if (set.value.has(member)) return false;
  const encodings = ctx.ks.encodings;
  set.value.add(member);
  if (!encodings.isConverted(set)) {
    if (!isLongLongString(member) || set.value.size > ctx.config.get('set-max-intset-entries')) encodings.markConverted(set);
  }
  return true;
}

function sadd(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const db = ctx.client.db;
  const key = argv[1]!;
  let set = ctx.ks.lookupWrite(db, key);
  if (set !== undefined && set.type !== 'set') return WRONGTYPE;
  if (set === undefined) {
    set = { type: 'set', value: new Set() };
    if (!isLongLongString(argv[2]!)) ctx.ks.encodings.markConverted(set);
    ctx.ks.add(db, key, set);
  }
  let added = 0;
  for (let j = 2; j < argv.length; j++) {
    if ((set as RSet).value.has(argv[j]!)) continue;
    if (added === 0) ctx.ks.willChange(db, key);
    if (setAdd(ctx, set as RSet, argv[j]!)) added++;
  }
  ctx.server.dirty += added;
  return integer(added);
}

function srem(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const db = ctx.client.db;
  const key = argv[1]!;
  const set = ctx.ks.lookupWrite(db, key);
  if (set === undefined) return ZERO;
  if (set.type !== 'set') return WRONGTYPE;
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (!set.value.has(argv[j]!)) continue;
    if (deleted === 0) ctx.ks.willChange(db, key);
    set.value.delete(argv[j]!);
    deleted++;
    if (set.value.size === 0) {
      ctx.ks.delete(db, key);
      break;
    }
  }
  ctx.server.dirty += deleted;
  return integer(deleted);
}

function lookupReadSet(ctx: CommandContext, key: RedisString): RSet | Reply | undefined {
  const o = ctx.ks.lookupRead(ctx.client.db, key);
  if (o === undefined) return undefined;
  return o.type === 'set' ? o : WRONGTYPE;
}

function isReply(x: RSet | Reply): x is Reply {
  return 'kind' in x;
}

/** The members in the order Redis iterates them. */
export function setMembersInOrder(ctx: Pick<CommandContext, 'ks'>, set: RSet): RedisString[] {
  const members = [...set.value];
  if (!ctx.ks.encodings.isConverted(set)) {
    // An intset: ascending by integer value.
    members.sort((a, b) => {
      const x = BigInt(a);
      const y = BigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  return members;
}

/** SMEMBERS is SINTER of one key in 7.0 (sinterGenericCommand). */
function smembers(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const set = lookupReadSet(ctx, argv[1]!);
  if (set === undefined) return EMPTY_ARRAY;
  if (isReply(set)) return set;
  return { kind: 'array', items: setMembersInOrder(ctx, set).map(bulk) };
}

function sismember(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const set = lookupReadSet(ctx, argv[1]!);
  if (set === undefined) return ZERO;
  if (isReply(set)) return set;
  return set.value.has(argv[2]!) ? ONE : ZERO;
}

function scard(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const set = lookupReadSet(ctx, argv[1]!);
  if (set === undefined) return ZERO;
  if (isReply(set)) return set;
  return integer(set.value.size);
}

const W = CMD_WRITE;
const R = CMD_READONLY;

export const SET_COMMANDS: readonly CommandSpec[] = [
  { name: 'sadd', arity: -3, flags: W | CMD_DENYOOM | CMD_FAST, proc: sadd },
  { name: 'srem', arity: -3, flags: W | CMD_FAST, proc: srem },
  { name: 'smembers', arity: 2, flags: R, proc: smembers },
  { name: 'sismember', arity: 3, flags: R | CMD_FAST, proc: sismember },
  { name: 'scard', arity: 2, flags: R | CMD_FAST, proc: scard },
];
