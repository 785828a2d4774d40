/**
 * Replies as RESP2 shapes them: what a client of a real redis-server 7.0 reads
 * off the wire, without the bytes.
 *
 *   simple   +OK\r\n                 a status line (no CR/LF inside)
 *   error    -ERR syntax error\r\n   `message` is the text after '-', code first
 *   integer  :42\r\n                 a signed 64-bit integer
 *   bulk     $3\r\nfoo\r\n           a binary string (one byte per char)
 *   nullBulk $-1\r\n                 GET of a missing key
 *   array    *2\r\n...               nested replies
 *   nullArray *-1\r\n                EXEC of an aborted WATCH, LPOP key count on a missing key
 *
 * Integers are numbers while they are safe integers and bigints beyond
 * (INCRBY can reach 2^63 - 1); `integer()` keeps that invariant, so two equal
 * replies are always structurally equal.
 *
 * Replies are plain readonly records; the common ones are shared constants so
 * the hot path (HSET answering :1) allocates nothing.
 */
import type { RedisString } from './RedisValue';

export type Reply =
  | { readonly kind: 'simple'; readonly value: string }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'integer'; readonly value: number | bigint }
  | { readonly kind: 'bulk'; readonly value: RedisString }
  | { readonly kind: 'nullBulk' }
  | { readonly kind: 'array'; readonly items: readonly Reply[] }
  | { readonly kind: 'nullArray' };

export type ErrorReply = Extract<Reply, { kind: 'error' }>;

export const OK: Reply = { kind: 'simple', value: 'OK' };
export const QUEUED: Reply = { kind: 'simple', value: 'QUEUED' };
export const PONG: Reply = { kind: 'simple', value: 'PONG' };
export const NULL_BULK: Reply = { kind: 'nullBulk' };
export const NULL_ARRAY: Reply = { kind: 'nullArray' };
export const EMPTY_ARRAY: Reply = { kind: 'array', items: [] };

const SMALL_INTEGERS: Reply[] = [];
for (let i = -1; i < 1024; i++) SMALL_INTEGERS.push({ kind: 'integer', value: i });

export function integer(value: number | bigint): Reply {
  if (typeof value === 'bigint') {
    if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) value = Number(value);
  }
  if (typeof value === 'number' && value >= -1 && value < 1023) return SMALL_INTEGERS[value + 1]!;
  return { kind: 'integer', value };
}

export function simple(value: string): Reply {
  return { kind: 'simple', value };
}

export function bulk(value: RedisString): Reply {
  return { kind: 'bulk', value };
}

export function array(items: readonly Reply[]): Reply {
  return { kind: 'array', items };
}

export function bulkArray(values: Iterable<RedisString>): Reply {
  const items: Reply[] = [];
  for (const v of values) items.push({ kind: 'bulk', value: v });
  return { kind: 'array', items };
}

/**
 * An error reply, as networking.c addReplyErrorLength writes it: a message
 * that does not start with an error code gets "ERR ", and CR/LF inside the
 * message become spaces (addReplyErrorFormat's sdsmapchars), because user
 * arguments end up in error texts.
 */
export function error(message: string): ErrorReply {
  const clean = message.includes('\r') || message.includes('\n') ? message.replace(/[\r\n]/g, ' ') : message;
  return { kind: 'error', message: clean };
}

/** `ERR <text>`: the common addReplyError(c, text). */
export function err(text: string): ErrorReply {
  return error(`ERR ${text}`);
}

export function isError(reply: Reply): reply is ErrorReply {
  return reply.kind === 'error';
}

/** RESP2 bytes of a reply, as a binary string (what redis-server writes). */
export function encodeReply(reply: Reply): string {
  switch (reply.kind) {
    case 'simple':
      return `+${reply.value}\r\n`;
    case 'error':
      return `-${reply.message}\r\n`;
    case 'integer':
      return `:${reply.value}\r\n`;
    case 'bulk':
      return `$${reply.value.length}\r\n${reply.value}\r\n`;
    case 'nullBulk':
      return '$-1\r\n';
    case 'nullArray':
      return '*-1\r\n';
    case 'array': {
      let out = `*${reply.items.length}\r\n`;
      for (const item of reply.items) out += encodeReply(item);
      return out;
    }
  }
}

/** A reply as redis-cli would print it, for test failures and traces. */
export function formatReply(reply: Reply): string {
  switch (reply.kind) {
    case 'simple':
      return reply.value;
    case 'error':
      return `(error) ${reply.message}`;
    case 'integer':
      return `(integer) ${reply.value}`;
    case 'bulk':
      return JSON.stringify(reply.value);
    case 'nullBulk':
      return '(nil)';
    case 'nullArray':
      return '(nil array)';
    case 'array':
      return `[${reply.items.map(formatReply).join(', ')}]`;
  }
}

/** The first error in a batch of replies (EXEC's inner errors included; an aborted EXEC is one), or null. */
export function firstReplyError(replies: readonly Reply[]): string | null {
  for (const reply of replies) {
    if (reply.kind === 'error') return reply.message;
    if (reply.kind === 'nullArray') return 'EXEC aborted';
    if (reply.kind === 'array') {
      const inner = firstReplyError(reply.items);
      if (inner !== null) return inner;
    }
  }
  return null;
}
