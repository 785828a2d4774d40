/**
 * An estimate of what Redis 7.0's `used_memory` would be for a keyspace:
 * what a fork's latency and a copy-on-write page count are proportional to.
 *
 * It is a model, not a measurement of this process: jemalloc size classes
 * rounded as jemalloc rounds small allocations, per key a dictEntry (24
 * bytes), a robj (16), the key's sds, the value's allocation(s), the expires
 * entry when the key has a TTL, the dict bucket arrays (8 bytes a slot,
 * power of two), plus the ~850 KB an empty 7.0 server uses (what
 * "RDB memory usage when created 0.84 Mb" reports for an empty dataset).
 * Compact encodings (listpack, intset) are one allocation of their
 * encoded size; hashtables and quicklists an allocation per element.
 */
import type { EncodingTracker } from '../encoding';
import type { RedisDb, RedisValue } from '../RedisValue';

/** used_memory of an idle, empty redis-server 7.0 (about 0.84 MB). */
export const EMPTY_SERVER_BYTES = 880_000;

const DICT_ENTRY_BYTES = 24;
const ROBJ_BYTES = 16;

/** jemalloc's size class for an allocation of `n` bytes (small and large classes, 4 per doubling). */
export function allocBytes(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  // Four classes per power of two: spacing is a quarter of the lower bound.
  const lower = 2 ** Math.floor(Math.log2(n - 1));
  const spacing = lower / 4;
  return Math.ceil(n / spacing) * spacing;
}

/** An sds string of `len` bytes: header (1..9 bytes), content, NUL. */
function sdsBytes(len: number): number {
  const header = len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : 9;
  return allocBytes(header + len + 1);
}

/** A string value: an int-encoded one lives in its robj, embstr shares the robj allocation. */
function stringValueBytes(s: string): number {
  if (s.length <= 20 && /^-?[1-9]\d*$|^0$/.test(s)) return 0;
  if (s.length <= 44) return allocBytes(ROBJ_BYTES + 3 + s.length + 1) - ROBJ_BYTES;
  return sdsBytes(s.length);
}

/** listpack entry: encoding byte(s), content, backlen (about 1 + len + 1). */
function listpackBytes(items: Iterable<string>): number {
  let n = 7;
  for (const s of items) n += s.length + (s.length < 64 ? 2 : s.length < 4096 ? 3 : 6);
  return allocBytes(n);
}

function bucketBytes(size: number): number {
  if (size === 0) return 0;
  return allocBytes(8 * 2 ** Math.ceil(Math.log2(size)));
}

/** Bytes a value occupies beyond its key's robj and dictEntry. */
export function valueBytes(value: RedisValue, encodings: EncodingTracker): number {
  switch (value.type) {
    case 'string':
      return stringValueBytes(value.value);
    case 'hash':
      if (encodings.encodingOf(value) === 'listpack') return listpackBytes(flatten(value.value));
      return hashtableBytes(value.value.size, pairsBytes(value.value));
    case 'set':
      if (encodings.encodingOf(value) === 'intset') return allocBytes(8 + 8 * value.value.size);
      return hashtableBytes(value.value.size, elementsBytes(value.value));
    case 'list': {
      // quicklist: one node (32 bytes) and one listpack per ~8 KB of elements.
      const bytes = listpackBytes(value.value);
      const nodes = Math.max(1, Math.ceil(bytes / 8192));
      return allocBytes(40) + nodes * allocBytes(32) + bytes;
    }
    case 'zset':
      return hashtableBytes(value.value.size, elementsBytes(value.value.keys()) + value.value.size * 48);
  }
}

function hashtableBytes(size: number, elementBytes: number): number {
  return allocBytes(96) + bucketBytes(size) + size * DICT_ENTRY_BYTES + elementBytes;
}

function* flatten(map: ReadonlyMap<string, string>): Iterable<string> {
  for (const [k, v] of map) {
    yield k;
    yield v;
  }
}

function pairsBytes(map: ReadonlyMap<string, string>): number {
  let n = 0;
  for (const [k, v] of map) n += sdsBytes(k.length) + sdsBytes(v.length);
  return n;
}

function elementsBytes(items: Iterable<string>): number {
  let n = 0;
  for (const s of items) n += sdsBytes(s.length);
  return n;
}

/** Bytes one key costs: dictEntry, key sds, robj, value, and its expires entry. */
export function keyBytes(key: string, value: RedisValue, hasTtl: boolean, encodings: EncodingTracker): number {
  return DICT_ENTRY_BYTES + sdsBytes(key.length) + ROBJ_BYTES + valueBytes(value, encodings) + (hasTtl ? DICT_ENTRY_BYTES : 0);
}

/** The estimate of used_memory for the 16 databases. */
export function usedMemoryBytes(dbs: readonly RedisDb[], encodings: EncodingTracker): number {
  let total = EMPTY_SERVER_BYTES;
  for (const db of dbs) {
    if (db.dict.size === 0) continue;
    total += bucketBytes(db.dict.size) + bucketBytes(db.expires.size);
    const expires = db.expires;
    const anyTtl = expires.size > 0;
    db.dict.forEach((value, key) => {
      total += keyBytes(key, value, anyTtl && expires.has(key), encodings);
    });
  }
  return total;
}
