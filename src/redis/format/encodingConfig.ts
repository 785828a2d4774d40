/**
 * Which compact encoding Redis 7.0 gives a value, from the redis.conf
 * thresholds (spelled as Redis spells them), and so which RDB type it saves.
 *
 * Redis decides encodings as values are written and never shrinks back (a
 * hash converted to a hashtable stays one after HDEL). From a plain value we
 * can only give the encoding a value built by additions alone would have;
 * a server model that tracks history passes its own choice to the encoder.
 */
import type { RedisType, RedisValue } from '../RedisValue';
import { RDB_TYPE, type RdbObjectType } from './rdbConstants';
import { string2ll } from './redisNumbers';

export interface EncodingConfig {
  readonly 'hash-max-listpack-entries': number;
  readonly 'hash-max-listpack-value': number;
  readonly 'set-max-intset-entries': number;
  readonly 'zset-max-listpack-entries': number;
  readonly 'zset-max-listpack-value': number;
  readonly 'list-max-listpack-size': number;
}

/**
 * Defaults of 7.0.15 (config.c, and redis.conf agrees): note that
 * hash-max-listpack-entries is 512, not the 128 of older redis.conf files.
 */
export const DEFAULT_ENCODING_CONFIG: EncodingConfig = {
  'hash-max-listpack-entries': 512,
  'hash-max-listpack-value': 64,
  'set-max-intset-entries': 512,
  'zset-max-listpack-entries': 128,
  'zset-max-listpack-value': 64,
  'list-max-listpack-size': -2,
};

/** The RDB type 7.0 saves `value` as (rdb.c rdbSaveObjectType). */
export function rdbTypeFor(value: RedisValue, config: EncodingConfig = DEFAULT_ENCODING_CONFIG): RdbObjectType {
  switch (value.type) {
    case 'string':
      return RDB_TYPE.STRING;
    case 'list':
      return RDB_TYPE.LIST_QUICKLIST_2;
    case 'set':
      return setIsIntset(value.value, config) ? RDB_TYPE.SET_INTSET : RDB_TYPE.SET;
    case 'zset':
      return zsetIsListpack(value.value, config) ? RDB_TYPE.ZSET_LISTPACK : RDB_TYPE.ZSET_2;
    case 'hash':
      return hashIsListpack(value.value, config) ? RDB_TYPE.HASH_LISTPACK : RDB_TYPE.HASH;
  }
}

/** t_set.c: intset while every member is an int64 text and there are few enough. */
function setIsIntset(members: ReadonlySet<string>, config: EncodingConfig): boolean {
  if (members.size > config['set-max-intset-entries']) return false;
  for (const m of members) if (string2ll(m) === null) return false;
  return true;
}

/** t_zset.c zaddGenericCommand / zsetAdd. */
function zsetIsListpack(members: ReadonlyMap<string, number>, config: EncodingConfig): boolean {
  if (members.size > config['zset-max-listpack-entries']) return false;
  const maxValue = config['zset-max-listpack-value'];
  for (const m of members.keys()) if (m.length > maxValue) return false;
  return true;
}

/** t_hash.c hashTypeTryConversion / hashTypeSet. */
function hashIsListpack(fields: ReadonlyMap<string, string>, config: EncodingConfig): boolean {
  if (fields.size > config['hash-max-listpack-entries']) return false;
  const maxValue = config['hash-max-listpack-value'];
  for (const [f, v] of fields) if (f.length > maxValue || v.length > maxValue) return false;
  return true;
}

/** OBJECT ENCODING names of 7.0. */
export type ObjectEncodingName = 'int' | 'embstr' | 'raw' | 'listpack' | 'hashtable' | 'intset' | 'quicklist' | 'skiplist';

/**
 * The RDB type for a value of `type` held in `encoding`, for a server model
 * that tracks encodings (pass it as rdbEncode's `encodingOf`).
 */
export function rdbTypeForObjectEncoding(type: RedisType, encoding: ObjectEncodingName): RdbObjectType {
  switch (type) {
    case 'string':
      return RDB_TYPE.STRING;
    case 'list':
      return RDB_TYPE.LIST_QUICKLIST_2;
    case 'set':
      return encoding === 'intset' ? RDB_TYPE.SET_INTSET : RDB_TYPE.SET;
    case 'zset':
      return encoding === 'listpack' ? RDB_TYPE.ZSET_LISTPACK : RDB_TYPE.ZSET_2;
    case 'hash':
      return encoding === 'listpack' ? RDB_TYPE.HASH_LISTPACK : RDB_TYPE.HASH;
  }
}
