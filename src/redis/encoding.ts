/**
 * Object encodings, as OBJECT ENCODING reports them and as the RDB writer
 * needs them (a listpack hash is RDB type 16, a hashtable hash type 4; an
 * intset is type 11, a hashtable set type 2).
 *
 * The value model (RedisValue.ts) holds contents only; which encoding Redis
 * would use depends on history, not just on contents, because Redis 7.0
 * converts one way only: a hash that grew past `hash-max-listpack-entries`
 * stays a hashtable after HDEL shrinks it, a set that once held a non-integer
 * stays a hashtable, a string that was APPENDed to stays raw. So the tracker
 * remembers, per value object, that it was converted: a WeakSet, so values
 * that leave the keyspace are forgotten with them.
 *
 * Rules, from Redis 7.0:
 *   string: int when string2l-valid and <= 20 bytes (object.c tryObjectEncoding),
 *           embstr when <= 44 bytes, raw beyond; raw after APPEND/SETRANGE.
 *   hash:   listpack until an entry count > hash-max-listpack-entries or a field
 *           or value longer than hash-max-listpack-value (t_hash.c).
 *   set:    intset while every member is an integer and the count is
 *           <= set-max-intset-entries (t_set.c); hashtable otherwise.
 *   list:   always quicklist in 7.0 (listpack lists came in 7.2).
 */
import { isLongLongString } from './numbers';
import type { RedisValue } from './RedisValue';

export type ObjectEncoding = 'int' | 'embstr' | 'raw' | 'listpack' | 'hashtable' | 'intset' | 'quicklist' | 'skiplist';

/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT in object.c. */
const EMBSTR_SIZE_LIMIT = 44;

export class EncodingTracker {
  /** Hashes and sets converted to a hashtable, strings made raw. */
  private readonly converted = new WeakSet<RedisValue>();

  encodingOf(value: RedisValue): ObjectEncoding {
    switch (value.type) {
      case 'string': {
        if (this.converted.has(value)) return 'raw';
        const s = value.value;
        if (s.length <= 20 && isLongLongString(s)) return 'int';
        return s.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
      }
      case 'hash':
        return this.converted.has(value) ? 'hashtable' : 'listpack';
      case 'set':
        return this.converted.has(value) ? 'hashtable' : 'intset';
      case 'list':
        return 'quicklist';
      case 'zset':
        return this.converted.has(value) ? 'skiplist' : 'listpack';
    }
  }

  /** The value now uses its large encoding (hashtable, or raw for strings). */
  markConverted(value: RedisValue): void {
    this.converted.add(value);
  }

  isConverted(value: RedisValue): boolean {
    return this.converted.has(value);
  }

  /** A string was rewritten by INCR and friends: it is int-encoded again. */
  clearConverted(value: RedisValue): void {
    this.converted.delete(value);
  }

  /**
   * After loading a value from disk: the encoding a freshly loaded object
   * gets (rdb.c builds a listpack or intset when the contents fit the limits).
   */
  settleLoaded(value: RedisValue, limits: EncodingLimits): void {
    if (value.type === 'hash') {
      if (value.value.size > limits.hashMaxListpackEntries) return this.markConverted(value);
      for (const [field, v] of value.value) {
        if (field.length > limits.hashMaxListpackValue || v.length > limits.hashMaxListpackValue) return this.markConverted(value);
      }
    } else if (value.type === 'set') {
      if (value.value.size > limits.setMaxIntsetEntries) return this.markConverted(value);
      for (const member of value.value) if (!isLongLongString(member)) return this.markConverted(value);
    }
  }
}

export interface EncodingLimits {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
  readonly setMaxIntsetEntries: number;
}
