/**
 * RDB opcodes, object types and length encodings of rdb.h (RDB_VERSION 10,
 * Redis 7.0), with the names redis-check-rdb prints for each type.
 */

export const RDB_VERSION = 10;

export const RDB_TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
} as const;

export type RdbObjectType = (typeof RDB_TYPE)[keyof typeof RDB_TYPE];

/** rdb.h rdbIsObjectType. */
export function rdbIsObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 19);
}

export const RDB_OPCODE = {
  FUNCTION2: 245,
  FUNCTION: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** Special string encodings after a length byte 11xxxxxx (rdb.h RDB_ENC_*). */
export const RDB_ENC = { INT8: 0, INT16: 1, INT32: 2, LZF: 3 } as const;

export const RDB_6BITLEN = 0;
export const RDB_14BITLEN = 1;
export const RDB_32BITLEN = 0x80;
export const RDB_64BITLEN = 0x81;
export const RDB_ENCVAL = 3;

/** quicklist.h container kinds, saved before each node of type 18. */
export const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
export const QUICKLIST_NODE_CONTAINER_PACKED = 2;

/** redis-check-rdb.c rdb_type_string, indexed by type. */
export const RDB_TYPE_NAMES: readonly string[] = [
  'string',
  'list-linked',
  'set-hashtable',
  'zset-v1',
  'hash-hashtable',
  'zset-v2',
  'module-value',
  '',
  '',
  'hash-zipmap',
  'list-ziplist',
  'set-intset',
  'zset-ziplist',
  'hash-ziplist',
  'quicklist',
  'stream',
  'hash-listpack',
  'zset-listpack',
  'quicklist-v2',
];
