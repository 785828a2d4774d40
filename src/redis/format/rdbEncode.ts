/**
 * RDB version 10 as Redis 7.0.15 writes it (rdb.c rdbSaveRio), byte for byte.
 *
 *   "REDIS0010"
 *   AUX redis-ver, redis-bits, ctime, used-mem, [repl-stream-db, repl-id, repl-offset], aof-base
 *   FUNCTION2 <library code>*                      (only when functions are given)
 *   per non-empty db: SELECTDB <db> RESIZEDB <keys> <expires>
 *     per key: [EXPIRETIME_MS <i64le>] <type> <key string> <value>
 *   EOF 0xFF, CRC-64 of everything before it (8 bytes LE; zeros with rdbchecksum no)
 *
 * Strings (rdbSaveRawString): up to 11 bytes that are a canonical integer in
 * int32 range are stored as 8/16/32-bit integers; with rdbcompression, longer
 * than 20 bytes are LZF-compressed when that saves at least 4 bytes (the
 * compressor gets len-4 bytes of room); otherwise length-prefixed raw bytes.
 * Keys are written in each db's Map order (Redis uses its dict order, which
 * depends on a random hash seed, so no order is "the" order); hash and set
 * hashtables likewise; sorted-set skiplists from the greatest element down.
 *
 * The encoder streams into a ByteSink through RioWriter, so a BGSAVE model
 * can write chunk by chunk to a simulated file.
 */
import type { RedisDb, RedisString, RedisValue } from '../RedisValue';
import { DEFAULT_ENCODING_CONFIG, rdbTypeFor, type EncodingConfig } from './encodingConfig';
import { encodeIntset, intsetMembers } from './intset';
import { encodeListpack } from './listpack';
import { lzfCompressInto } from './lzf';
import { quicklistSpans } from './quicklist';
import { RDB_ENC, RDB_OPCODE, RDB_TYPE, RDB_VERSION, QUICKLIST_NODE_CONTAINER_PLAIN, type RdbObjectType } from './rdbConstants';
import { d2string, double2ll } from './redisNumbers';
import { MemorySink, RioWriter, type ByteSink } from './rio';

// Local copies: property reads on an imported object go through module getters.
const OP = { ...RDB_OPCODE };
const T = { ...RDB_TYPE };

export const REDIS_VERSION = '7.0.15';

export interface RdbReplicationInfo {
  readonly replStreamDb: number;
  readonly replId: string;
  readonly replOffset: number;
}

export interface RdbEncodeOptions extends Partial<EncodingConfig> {
  /** Wall-clock time of the save; `ctime` is its whole seconds. */
  readonly nowMs: number;
  /** zmalloc_used_memory() at save time, for the `used-mem` aux field. */
  readonly usedMemBytes: number;
  /** True when the RDB is an AOF base / preamble (aux `aof-base` 1). */
  readonly aofBase?: boolean;
  readonly rdbcompression?: boolean;
  readonly rdbchecksum?: boolean;
  /** Written only when given, as a master with a backlog or a replica does. */
  readonly replication?: RdbReplicationInfo | null;
  /** FUNCTION LOAD payloads, saved before the data. */
  readonly functions?: readonly string[];
  /**
   * The encoding a server model tracked for a key (Redis never converts back
   * to a compact encoding); when absent or undefined, the thresholds decide.
   */
  readonly encodingOf?: (dbIndex: number, key: RedisString, value: RedisValue) => RdbObjectType | undefined;
  readonly redisVersion?: string;
}

export interface RdbWriteStats {
  readonly bytes: number;
  readonly keys: number;
}

/** Encodes the 16 dbs to an RDB image. */
export function encodeRdb(dbs: readonly RedisDb[], options: RdbEncodeOptions): Uint8Array {
  const sink = new MemorySink();
  writeRdb(dbs, options, sink);
  return sink.bytes();
}

/** Streams the RDB image of the 16 dbs into `sink`. */
export function writeRdb(dbs: readonly RedisDb[], options: RdbEncodeOptions, sink: ByteSink): RdbWriteStats {
  const w = new RioWriter(sink, { checksum: options.rdbchecksum ?? true });
  const enc = new RdbValueWriter(w, options);
  w.ascii(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
  writeAuxFields(enc, options);
  for (const code of options.functions ?? []) {
    w.byte(OP.FUNCTION2);
    enc.string(code);
  }
  let keys = 0;
  for (let dbIndex = 0; dbIndex < dbs.length; dbIndex++) {
    keys += writeDb(enc, dbs[dbIndex]!, dbIndex, options);
  }
  w.byte(OP.EOF);
  w.finishWithCrc64();
  return { bytes: w.processedBytes, keys };
}

/** rdb.c rdbSaveInfoAuxFields, in its order. */
function writeAuxFields(enc: RdbValueWriter, options: RdbEncodeOptions): void {
  enc.aux('redis-ver', options.redisVersion ?? REDIS_VERSION);
  enc.aux('redis-bits', '64');
  enc.aux('ctime', String(Math.floor(options.nowMs / 1000)));
  enc.aux('used-mem', String(options.usedMemBytes));
  const repl = options.replication;
  if (repl) {
    enc.aux('repl-stream-db', String(repl.replStreamDb));
    enc.aux('repl-id', repl.replId);
    enc.aux('repl-offset', String(repl.replOffset));
  }
  enc.aux('aof-base', options.aofBase ? '1' : '0');
}

/** rdb.c rdbSaveDb: nothing at all for an empty db. */
function writeDb(enc: RdbValueWriter, db: RedisDb, dbIndex: number, options: RdbEncodeOptions): number {
  if (db.dict.size === 0) return 0;
  const w = enc.w;
  w.byte(OP.SELECTDB);
  enc.len(dbIndex);
  w.byte(OP.RESIZEDB);
  enc.len(db.dict.size);
  enc.len(db.expires.size);
  const expires = db.expires;
  const hasExpires = expires.size > 0;
  const encodingOf = options.encodingOf;
  const OP_EXPIRETIME_MS = OP.EXPIRETIME_MS;
  // forEach: iterating [key, value] pairs would allocate an array per key.
  db.dict.forEach((value, key) => {
    if (hasExpires) {
      const at = expires.get(key);
      if (at !== undefined) {
        w.byte(OP_EXPIRETIME_MS);
        w.i64le(at);
      }
    }
    if (value.type === 'string' && encodingOf === undefined) {
      w.byte(0); // RDB_TYPE_STRING
      enc.string(key);
      enc.string(value.value);
      return;
    }
    const type = (encodingOf && encodingOf(dbIndex, key, value)) ?? enc.typeFor(value);
    w.byte(type);
    enc.string(key);
    enc.object(value, type);
  });
  return db.dict.size;
}

/**
 * The value-level encoder (rdbSaveLen, rdbSaveRawString, rdbSaveObject),
 * exported for other formats built on them (AOF preamble, DUMP payloads).
 */
export class RdbValueWriter {
  private readonly compression: boolean;
  private readonly config: EncodingConfig;
  private scratch = Buffer.allocUnsafe(4096);
  private lzfOut = new Uint8Array(4096);

  constructor(
    readonly w: RioWriter,
    options: Partial<EncodingConfig> & { readonly rdbcompression?: boolean },
  ) {
    this.compression = options.rdbcompression ?? true;
    this.config = {
      'hash-max-listpack-entries': options['hash-max-listpack-entries'] ?? DEFAULT_ENCODING_CONFIG['hash-max-listpack-entries'],
      'hash-max-listpack-value': options['hash-max-listpack-value'] ?? DEFAULT_ENCODING_CONFIG['hash-max-listpack-value'],
      'set-max-intset-entries': options['set-max-intset-entries'] ?? DEFAULT_ENCODING_CONFIG['set-max-intset-entries'],
      'zset-max-listpack-entries': options['zset-max-listpack-entries'] ?? DEFAULT_ENCODING_CONFIG['zset-max-listpack-entries'],
      'zset-max-listpack-value': options['zset-max-listpack-value'] ?? DEFAULT_ENCODING_CONFIG['zset-max-listpack-value'],
      'list-max-listpack-size': options['list-max-listpack-size'] ?? DEFAULT_ENCODING_CONFIG['list-max-listpack-size'],
    };
  }

  typeFor(value: RedisValue): RdbObjectType {
    return rdbTypeFor(value, this.config);
  }

  /** rdb.c rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length. */
  len(n: number): void {
    const w = this.w;
    if (n < 1 << 6) {
      w.byte(n);
    } else if (n < 1 << 14) {
      w.byte((n >> 8) | 0x40);
      w.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      w.byte(0x80);
      w.u32be(n);
    } else {
      w.byte(0x81);
      w.u64be(n);
    }
  }

  aux(key: string, value: string): void {
    this.w.byte(OP.AUX);
    this.string(key);
    this.string(value);
  }

  /** rdb.c rdbSaveRawString for a binary string. */
  string(s: string): void {
    const len = s.length;
    if (len <= 11 && len > 0) {
      const c = s.charCodeAt(0);
      if (((c >= 0x30 && c <= 0x39) || c === 0x2d) && this.tryIntEncoding(s)) return;
    }
    if (len > 20 && this.compression) {
      if (len > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(len, this.scratch.length * 2));
      this.scratch.write(s, 0, len, 'latin1');
      if (this.tryLzf(this.scratch, 0, len)) return;
    }
    if (len < 64) {
      // The common case in one reservation: 6-bit length, then the bytes.
      const w = this.w;
      const p = w.reserve(1 + len);
      const buf = w.buffer;
      buf[p] = len;
      if (len <= 32) {
        for (let i = 0; i < len; i++) buf[p + 1 + i] = s.charCodeAt(i);
      } else {
        buf.write(s, p + 1, len, 'latin1');
      }
      return;
    }
    this.len(len);
    this.w.latin1(s);
  }

  /** rdb.c rdbSaveRawString for bytes (listpacks, intsets). */
  blob(b: Uint8Array): void {
    const len = b.length;
    if (len <= 11 && len > 0) {
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(b[i]!);
      if (this.tryIntEncoding(s)) return;
    }
    if (this.compression && len > 20 && this.tryLzf(b, 0, len)) return;
    this.len(len);
    this.w.bytes(b);
  }

  /** rdbTryIntegerEncoding: canonical integer text in int32 range. */
  private tryIntEncoding(s: string): boolean {
    const first = s.charCodeAt(0);
    if (!((first >= 0x30 && first <= 0x39) || first === 0x2d)) return false;
    let i = first === 0x2d ? 1 : 0;
    const len = s.length;
    if (i === len) return false;
    const lead = s.charCodeAt(i);
    if (lead === 0x30) {
      if (len !== 1) return false; // "0" only; "-0" and "01" are not canonical
    } else if (lead < 0x31 || lead > 0x39) {
      return false;
    }
    let v = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i) - 0x30;
      if (c < 0 || c > 9) return false;
      v = v * 10 + c;
    }
    if (first === 0x2d) v = -v;
    const w = this.w;
    if (v >= -128 && v <= 127) {
      w.byte(0xc0 | RDB_ENC.INT8);
      w.byte(v & 0xff);
    } else if (v >= -32768 && v <= 32767) {
      w.byte(0xc0 | RDB_ENC.INT16);
      w.byte(v & 0xff);
      w.byte((v >> 8) & 0xff);
    } else if (v >= -2147483648 && v <= 2147483647) {
      w.byte(0xc0 | RDB_ENC.INT32);
      w.byte(v & 0xff);
      w.byte((v >> 8) & 0xff);
      w.byte((v >> 16) & 0xff);
      w.byte((v >>> 24) & 0xff);
    } else {
      return false;
    }
    return true;
  }

  /** rdbSaveLzfStringObject: only when lzf fits in len-4 bytes. */
  private tryLzf(bytes: Uint8Array, start: number, end: number): boolean {
    const len = end - start;
    if (len <= 4) return false;
    if (len - 4 > this.lzfOut.length) this.lzfOut = new Uint8Array(Math.max(len - 4, this.lzfOut.length * 2));
    const n = lzfCompressInto(bytes, start, end, this.lzfOut, len - 4);
    if (n === 0) return false;
    this.lzfBlob(this.lzfOut.subarray(0, n), len);
    return true;
  }

  /** rdb.c rdbSaveLzfBlob. */
  lzfBlob(compressed: Uint8Array, originalLen: number): void {
    this.w.byte(0xc0 | RDB_ENC.LZF);
    this.len(compressed.length);
    this.len(originalLen);
    this.w.bytes(compressed);
  }

  /** rdb.c rdbSaveObject for the value model's types. */
  object(value: RedisValue, type: RdbObjectType): void {
    // Redis never holds an empty aggregate or a NaN score; one here is a bug upstream.
    if (value.type !== 'string' && (value.type === 'list' ? value.value.length : value.value.size) === 0) {
      throw new Error(`rdbEncode: empty ${value.type} (Redis deletes a key when its last element goes)`);
    }
    if (value.type === 'zset') {
      for (const score of value.value.values()) if (Number.isNaN(score)) throw new Error('rdbEncode: NaN score in a sorted set');
    }
    switch (type) {
      case T.STRING:
        this.string(expectType(value, 'string').value);
        return;
      case T.LIST_QUICKLIST_2:
        this.quicklist(expectType(value, 'list').value);
        return;
      case T.SET_INTSET: {
        const members = intsetMembers(expectType(value, 'set').value);
        if (members === null) throw new Error('rdbEncode: intset requested for a set with a non-integer member');
        this.blob(encodeIntset(members));
        return;
      }
      case T.SET: {
        const set = expectType(value, 'set').value;
        this.len(set.size);
        for (const m of set) this.string(m);
        return;
      }
      case T.HASH_LISTPACK: {
        const flat: string[] = [];
        for (const [f, v] of expectType(value, 'hash').value) flat.push(f, v);
        this.blob(encodeListpack(flat));
        return;
      }
      case T.HASH: {
        const hash = expectType(value, 'hash').value;
        this.len(hash.size);
        for (const [f, v] of hash) {
          this.string(f);
          this.string(v);
        }
        return;
      }
      case T.ZSET_LISTPACK: {
        const flat: string[] = [];
        for (const [m, score] of sortedZset(expectType(value, 'zset').value)) {
          const asInt = double2ll(score);
          flat.push(m, asInt !== null ? String(asInt) : d2string(score));
        }
        this.blob(encodeListpack(flat));
        return;
      }
      case T.ZSET_2: {
        const entries = sortedZset(expectType(value, 'zset').value);
        this.len(entries.length);
        for (let i = entries.length - 1; i >= 0; i--) {
          this.string(entries[i]![0]);
          this.w.f64le(entries[i]![1]);
        }
        return;
      }
      default:
        throw new Error(`rdbEncode: faultline does not write RDB type ${type}`);
    }
  }

  private quicklist(elements: readonly string[]): void {
    const spans = quicklistSpans(elements, this.config['list-max-listpack-size']);
    this.len(spans.length);
    for (const span of spans) {
      this.len(span.container);
      if (span.container === QUICKLIST_NODE_CONTAINER_PLAIN) this.string(elements[span.start]!);
      else this.blob(encodeListpack(elements.slice(span.start, span.end)));
    }
  }
}

function expectType<T extends RedisValue['type']>(value: RedisValue, type: T): Extract<RedisValue, { type: T }> {
  if (value.type !== type) throw new Error(`rdbEncode: encoding for ${type} requested for a ${value.type}`);
  return value as Extract<RedisValue, { type: T }>;
}

/** Skiplist order (t_zset.c zslInsert): by score, then by bytes of the member. */
export function sortedZset(members: ReadonlyMap<string, number>): [string, number][] {
  const entries = [...members];
  entries.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return entries;
}
