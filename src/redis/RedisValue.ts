/**
 * The Redis value model shared by the keyspace, the RDB and AOF codecs and the
 * inspector.
 *
 * Redis strings are binary-safe byte strings. Here every key, field, member and
 * value is a JS string holding one byte per UTF-16 code unit (a "binary string",
 * as `Buffer.toString('latin1')` makes): lengths are byte lengths, ordering is
 * byte order, and RDB/AOF encoding is `Buffer.from(s, 'latin1')`, lossless for
 * any bytes a real redis-server wrote. Text from users (scenario steps, CLI
 * arguments) enters through `fromUtf8` and leaves through `toUtf8`.
 */
export type RedisString = string;

export type RedisValue =
  | { readonly type: 'string'; value: RedisString }
  | { readonly type: 'list'; readonly value: RedisString[] }
  | { readonly type: 'set'; readonly value: Set<RedisString> }
  | { readonly type: 'hash'; readonly value: Map<RedisString, RedisString> }
  | { readonly type: 'zset'; readonly value: Map<RedisString, number> };

export type RedisType = RedisValue['type'];

/** One of the 16 databases: the main dict and, as in Redis, expiries kept apart. */
export interface RedisDb {
  readonly dict: Map<RedisString, RedisValue>;
  /** Absolute unix time in milliseconds at which the key expires. */
  readonly expires: Map<RedisString, number>;
}

export const DB_COUNT = 16;

export function emptyDb(): RedisDb {
  return { dict: new Map(), expires: new Map() };
}

const ASCII = /^[\x00-\x7f]*$/;

/** UTF-8 text to a binary string (identity for ASCII, the common case). */
export function fromUtf8(text: string): RedisString {
  return ASCII.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** A binary string to text, for display; bytes that are not UTF-8 become U+FFFD. */
export function toUtf8(bytes: RedisString): string {
  return ASCII.test(bytes) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}

export function toBytes(bytes: RedisString): Buffer {
  return Buffer.from(bytes, 'latin1');
}

export function fromBytes(bytes: Uint8Array): RedisString {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
