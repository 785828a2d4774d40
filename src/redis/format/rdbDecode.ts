/**
 * Reads RDB files (versions 1..10) the way Redis 7.0's rdbLoadRio does, into
 * the shared value model, refusing bad input with Redis's own log lines.
 *
 * Guarantees:
 * - An RDB written by Redis 7.0 or by rdbEncode.ts decodes to the same
 *   keyspace; older types (ziplist-era 10, 12, 13, 14, the linked list 1,
 *   zset 3) are converted as 7.0 converts them.
 * - Decoding starts at `start` and stops after the checksum, reporting
 *   `endOffset`: the AOF loader continues from there when an AOF file opens
 *   with an RDB preamble.
 * - Failures are values, not exceptions: the reason Redis gives, the rdb.c
 *   line it is reported from, the exact byte offset where it was detected,
 *   and the warnings a redis-server would log before exiting.
 * - Expired keys are dropped only when the caller passes `nowMs` and the RDB
 *   is not an AOF base, as a master does; `nowMs: null` keeps every key.
 *
 * Values Redis can hold but this model cannot (streams, module values) make
 * the decode fail with kind "unsupported" and say so; a module value fails
 * exactly as in a redis-server without that module.
 */
import { DB_COUNT, emptyDb, type RedisDb, type RedisString, type RedisValue } from '../RedisValue';
import { Crc64 } from './crc64';
import { decodeIntset } from './intset';
import { decodeListpack } from './listpack';
import { lzfDecompress, lzfDecompressInto } from './lzf';
import { QUICKLIST_NODE_CONTAINER_PACKED, QUICKLIST_NODE_CONTAINER_PLAIN, RDB_OPCODE, RDB_TYPE, RDB_VERSION, rdbIsObjectType } from './rdbConstants';
import { strtod } from './redisNumbers';
import { decodeZiplist } from './ziplist';
import { latin1String } from './latin1';

// Local copies: property reads on an imported object go through module getters.
const OP = { ...RDB_OPCODE };
const T = { ...RDB_TYPE };

export type RedisLogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** A line as serverLog would write it, without the pid/time prefix. */
export interface RedisLogLine {
  readonly level: RedisLogLevel;
  readonly message: string;
}

export type RdbLoadErrorKind =
  /** Not "REDIS" at the start (rdbLoad returns C_ERR, errno EINVAL). */
  | 'signature'
  /** A version this Redis cannot read. */
  | 'version'
  /** The file ends early (rdbLoadRio's eoferr). */
  | 'short-read'
  /** rdbReportCorruptRDB / rdbReportReadError: bad content. */
  | 'corrupt'
  /** Stored and computed CRC-64 differ. */
  | 'checksum'
  /** A key twice in one db: Redis panics. */
  | 'duplicate-key'
  /** SELECTDB beyond the configured databases: Redis exits. */
  | 'too-many-dbs'
  /** Valid for Redis, but not representable here (streams, modules). */
  | 'unsupported';

/** redis-check-rdb's "While doing" states (rdb_check_doing_string). */
export type RdbCheckDoing =
  | 'start'
  | 'read-type'
  | 'read-expire'
  | 'read-key'
  | 'read-object-value'
  | 'check-sum'
  | 'read-len'
  | 'read-aux'
  | 'read-module-aux'
  | 'read-functions';

export interface RdbLoadError {
  readonly kind: RdbLoadErrorKind;
  /** The reason text, e.g. "Unexpected EOF reading RDB file" or "RDB CRC error". */
  readonly reason: string;
  /** rdb.c (7.0.15) line the report comes from, when it goes through rdbReportError. */
  readonly rdbLine: number | null;
  /** Byte offset (from the start of the file) where the problem was found. */
  readonly offset: number;
  /** What the loader was doing, the key being read and its type, as redis-check-rdb reports them. */
  readonly doing: RdbCheckDoing;
  readonly key: RedisString | null;
  readonly keyType: number | null;
}

/** Progress callbacks; offsets are bytes consumed from `start` (rio processed_bytes). */
export interface RdbDecodeObserver {
  aux?(key: RedisString, value: RedisString, offset: number): void;
  selectDb?(db: number, offset: number): void;
  moduleAux?(name: string, offset: number): void;
  /** After a key and its value were read. */
  key?(key: RedisString, type: number, expireAtMs: number | null): void;
}

export interface RdbDecodeOptions {
  /** Current time for dropping keys that expired before the load; null keeps all. */
  readonly nowMs: number | null;
  /** Loading an AOF base or preamble (RDBFLAGS_AOF_PREAMBLE): expired keys are kept. */
  readonly aofPreamble?: boolean;
  /** `rdbchecksum` of the loading server (yes: verify a non-zero stored checksum). */
  readonly rdbchecksum?: boolean;
  /** Offset of the "REDIS" signature in `bytes`. */
  readonly start?: number;
  /** `databases` of the loading server. */
  readonly databases?: number;
  /**
   * redis-check-rdb semantics: an invalid type byte is refused before its key
   * is read, empty aggregates and module values are errors, duplicate keys
   * are not looked for, expired keys are kept.
   */
  readonly checkMode?: boolean;
  readonly observer?: RdbDecodeObserver;
}

export interface RdbDecoded {
  readonly ok: true;
  readonly dbs: RedisDb[];
  readonly rdbVersion: number;
  /** AUX fields in file order. */
  readonly aux: [RedisString, RedisString][];
  /** FUNCTION LOAD payloads stored in the file. */
  readonly functions: RedisString[];
  /** Offset just after the checksum (or the EOF opcode before RDB 5). */
  readonly endOffset: number;
  readonly keysLoaded: number;
  readonly keysExpired: number;
  readonly emptyKeysSkipped: number;
  /** 'ok' verified; 'disabled' stored as zero; 'skipped' not verified (rdbchecksum no or RDB < 5). */
  readonly checksum: 'ok' | 'disabled' | 'skipped';
  readonly log: RedisLogLine[];
}

export interface RdbDecodeFailure {
  readonly ok: false;
  readonly error: RdbLoadError;
  /** The warnings redis-server logs for this failure, in order. */
  readonly log: RedisLogLine[];
}

export type RdbDecodeResult = RdbDecoded | RdbDecodeFailure;

/** loading-process-events-interval-bytes: how often loading_loaded_bytes advances. */
const LOADING_INTERVAL_BYTES = 2 * 1024 * 1024;
/**
 * rdb.c line numbers of each report in the upstream 7.0.15 source. Builds with
 * distribution patches print other numbers (Debian's 7.0.15-1~deb12u10 says
 * rdb.c:2214 for the intset report, upstream line 2212).
 */
const RDB_LINE = {
  lenEncoding: 236,
  intEncoding: 308,
  lzf: 413,
  stringEncoding: 529,
  dupSet: 1808,
  zsetNan: 1881,
  dupZset: 1893,
  hashDupElements: 1950,
  dupHash: 2018,
  quicklistIntegrity: 2047,
  listpackIntegrity: 2070,
  ziplistIntegrity: 2080,
  listZiplist: 2187,
  intset: 2212,
  zsetZiplist: 2227,
  zsetListpack: 2253,
  hashZiplist: 2273,
  hashListpack: 2299,
  moduleType: 2627,
  unknownType: 2672,
  badWhenOpcode: 3057,
  crc: 3216,
  eof: 3240,
} as const;

class RdbError extends Error {
  constructor(
    readonly kind: RdbLoadErrorKind,
    readonly reason: string,
    readonly rdbLine: number | null,
    readonly offset: number,
    readonly preLog: RedisLogLine[] = [],
  ) {
    super(reason);
  }
}

/** Thrown by reads past the end: becomes rdbLoadRio's eoferr. */
class ShortRead extends Error {
  constructor(readonly offset: number) {
    super('short read');
  }
}

/** Where rdbLoadObject reports an empty aggregate (RDB_LOAD_ERR_EMPTY_KEY). */
const EMPTY_KEY = Symbol('empty key');

const MODULE_TYPE_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** module.c moduleTypeNameByID: the 9-character type name in a module id. */
export function moduleTypeNameById(moduleId: bigint): string {
  let id = moduleId >> 10n;
  const chars: string[] = [];
  for (let j = 0; j < 9; j++) {
    chars.unshift(MODULE_TYPE_CHARSET[Number(id & 63n)]!);
    id >>= 6n;
  }
  return chars.join('');
}

class RdbReader {
  pos: number;
  /** server.loading_loaded_bytes as the progress callback would have set it. */
  loadedBytes = 0;
  private nextBoundary = LOADING_INTERVAL_BYTES;

  constructor(
    readonly bytes: Uint8Array,
    readonly start: number,
  ) {
    this.pos = start;
  }

  /** Claims `n` bytes, as one rioRead; throws ShortRead when they are not all there. */
  need(n: number): number {
    const p = this.pos;
    if (p + n > this.bytes.length) throw new ShortRead(p);
    const processed = p - this.start;
    if (processed + n >= this.nextBoundary) this.progress(processed, n);
    this.pos = p + n;
    return p;
  }

  /**
   * rioRead splits a read into chunks of at most 2 MiB and runs the loading
   * progress callback before counting each; a chunk that crosses a 2 MiB
   * boundary sets loading_loaded_bytes to where it starts.
   */
  private progress(processed: number, n: number): void {
    const I = LOADING_INTERVAL_BYTES;
    for (let cs = processed; cs < processed + n; cs += I) {
      const len = Math.min(I, processed + n - cs);
      if (Math.floor((cs + len) / I) > Math.floor(cs / I)) this.loadedBytes = cs;
    }
    this.nextBoundary = (Math.floor((processed + n) / I) + 1) * I;
  }

  u8(): number {
    return this.bytes[this.need(1)]!;
  }

  corrupt(reason: string, line: number): RdbError {
    return new RdbError('corrupt', reason, line, this.pos);
  }

  private scratch = new Uint8Array(4096);
  doing: RdbCheckDoing = 'start';
  key: string | null = null;
  keyType: number | null = null;
  checkMode = false;

  /** Set by lenOrEncoding: whether the last length was a special encoding. */
  isEncoded = false;

  /** rdbLoadLenByRef: the length, or the encoding kind when `isEncoded`. */
  lenOrEncoding(): number {
    const at = this.pos;
    const b = this.bytes[this.need(1)]!;
    const type = b >> 6;
    this.isEncoded = type === 3;
    if (type === 0 || type === 3) return b & 0x3f;
    if (type === 1) return ((b & 0x3f) << 8) | this.bytes[this.need(1)]!;
    if (b === 0x80) {
      const p = this.need(4);
      const v = this.bytes;
      return ((v[p]! << 24) | (v[p + 1]! << 16) | (v[p + 2]! << 8) | v[p + 3]!) >>> 0;
    }
    if (b === 0x81) {
      const p = this.need(8);
      const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + p, 8);
      const big = view.getBigUint64(0, false);
      // Lengths this large can only be corrupt counts; keep them huge but finite.
      return big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
    }
    this.pos = at + 1;
    throw this.corrupt(`Unknown length encoding ${type} in rdbLoadLen()`, RDB_LINE.lenEncoding);
  }

  /** rdbLoadLen: callers ignore isencoded, so an encoding byte reads as its 6 bits. */
  len(): number {
    return this.lenOrEncoding();
  }

  latin1(p: number, n: number): string {
    return latin1String(this.bytes, p, n);
  }

  /** rdbGenericLoadStringObject as a binary string. */
  string(): string {
    const len = this.lenOrEncoding();
    if (this.isEncoded) return this.encodedString(len);
    if (len === 0) return '';
    const p = this.need(len);
    return this.latin1(p, len);
  }

  /** rdbGenericLoadStringObject as bytes (RDB_LOAD_PLAIN). */
  blob(): Uint8Array {
    const len = this.lenOrEncoding();
    if (!this.isEncoded) {
      const p = this.need(len);
      return this.bytes.subarray(p, p + len);
    }
    if (len === 3) return this.lzf();
    return Buffer.from(this.encodedString(len), 'latin1');
  }

  /** The integer (rdbLoadIntegerObject) and LZF encodings. */
  private encodedString(enc: number): string {
    const b = this.bytes;
    switch (enc) {
      case 0: {
        const v = b[this.need(1)]!;
        return String(v >= 128 ? v - 256 : v);
      }
      case 1: {
        const p = this.need(2);
        const v = b[p]! | (b[p + 1]! << 8);
        return String(v >= 32768 ? v - 65536 : v);
      }
      case 2: {
        const p = this.need(4);
        return String(b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24));
      }
      case 3: {
        const clen = this.len();
        const len = this.len();
        const p = this.need(clen);
        if (len > this.scratch.length) this.scratch = new Uint8Array(Math.max(len, this.scratch.length * 2));
        if (!lzfDecompressInto(this.bytes, p, p + clen, this.scratch, len)) {
          throw this.corrupt('Invalid LZF compressed string', RDB_LINE.lzf);
        }
        return latin1String(this.scratch, 0, len);
      }
      default:
        throw this.corrupt(`Unknown RDB string encoding type ${enc}`, RDB_LINE.stringEncoding);
    }
  }

  private lzf(): Uint8Array {
    const clen = this.len();
    const len = this.len();
    const p = this.need(clen);
    const out = lzfDecompress(this.bytes, len, p, p + clen);
    if (out === null) throw this.corrupt('Invalid LZF compressed string', RDB_LINE.lzf);
    return out;
  }

  /** rdbLoadDoubleValue (RDB_TYPE_ZSET, strings with a length byte). */
  stringDouble(): number {
    const len = this.u8();
    if (len === 255) return -Infinity;
    if (len === 254) return Infinity;
    if (len === 253) return NaN;
    const p = this.need(len);
    const v = strtod(this.latin1(p, len));
    if (Number.isNaN(v)) throw new ShortRead(p); // sscanf failure returns -1: reported as a read error
    return v;
  }

  binaryDouble(): number {
    const p = this.need(8);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + p, 8).getFloat64(0, true);
  }

  i64le(): number {
    const p = this.need(8);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + p, 8);
    return Number(view.getBigInt64(0, true));
  }

  i32le(): number {
    const p = this.need(4);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + p, 4).getInt32(0, true);
  }
}

/** Decodes an RDB image; see the module comment for what is guaranteed. */
export function decodeRdb(bytes: Uint8Array, options: RdbDecodeOptions): RdbDecodeResult {
  const log: RedisLogLine[] = [];
  const r = new RdbReader(bytes, options.start ?? 0);
  r.checkMode = options.checkMode ?? false;
  const context = () => ({ doing: r.doing, key: r.key, keyType: r.keyType });
  try {
    return loadRio(r, options, log);
  } catch (e) {
    if (e instanceof ShortRead) {
      const error: RdbLoadError = {
        kind: 'short-read',
        reason: 'Unexpected EOF reading RDB file',
        rdbLine: RDB_LINE.eof,
        offset: e.offset,
        ...context(),
      };
      log.push({ level: 'warning', message: 'Short read or OOM loading DB. Unrecoverable error, aborting now.' });
      // rdbReportError then runs redis-check-rdb on the file (to stdout), which exits.
      log.push(internalError(r.loadedBytes, error));
      return { ok: false, error, log };
    }
    if (e instanceof RdbError) {
      const error: RdbLoadError = { kind: e.kind, reason: e.reason, rdbLine: e.rdbLine, offset: e.offset, ...context() };
      log.push(...e.preLog);
      if (e.rdbLine !== null) {
        log.push(internalError(r.loadedBytes, error));
      } else if (e.kind !== 'unsupported' || e.preLog.length === 0) {
        log.push({ level: 'warning', message: e.reason });
      }
      return { ok: false, error, log };
    }
    throw e;
  }
}

function internalError(loadedBytes: number, error: RdbLoadError): RedisLogLine {
  return {
    level: 'warning',
    message: `Internal error in RDB reading offset ${loadedBytes}, function at rdb.c:${error.rdbLine} -> ${error.reason}`,
  };
}

function loadRio(r: RdbReader, options: RdbDecodeOptions, log: RedisLogLine[]): RdbDecoded {
  const databases = options.databases ?? DB_COUNT;
  const dbs: RedisDb[] = Array.from({ length: databases }, emptyDb);
  const aux: [string, string][] = [];
  const functions: string[] = [];
  const nowMs = options.nowMs;
  const dropExpired = nowMs !== null && !options.aofPreamble;

  const sigAt = r.need(9);
  const header = r.latin1(sigAt, 9);
  if (!header.startsWith('REDIS')) {
    throw new RdbError('signature', 'Wrong signature trying to load DB from file', null, sigAt);
  }
  const rdbVersion = atoi(header.slice(5));
  if (rdbVersion < 1 || rdbVersion > RDB_VERSION) {
    throw new RdbError('version', `Can't handle RDB format version ${rdbVersion}`, null, sigAt + 5);
  }

  let db = dbs[0]!;
  let dbId = 0;
  let expireAt = -1;
  let keysLoaded = 0;
  let keysExpired = 0;
  let emptyKeysSkipped = 0;
  const checkMode = options.checkMode ?? false;
  const observer = options.observer;
  const processed = () => r.pos - r.start;

  for (;;) {
    r.doing = 'read-type';
    const typeAt = r.pos;
    const type = r.u8();
    if (type === OP.EXPIRETIME) {
      r.doing = 'read-expire';
      expireAt = r.i32le() * 1000;
      continue;
    } else if (type === OP.EXPIRETIME_MS) {
      r.doing = 'read-expire';
      expireAt = r.i64le();
      continue;
    } else if (type === OP.FREQ) {
      r.u8();
      continue;
    } else if (type === OP.IDLE) {
      r.len();
      continue;
    } else if (type === OP.EOF) {
      break;
    } else if (type === OP.SELECTDB) {
      r.doing = 'read-len';
      dbId = r.len();
      observer?.selectDb?.(dbId, processed());
      if (checkMode) continue;
      if (dbId >= databases) {
        throw new RdbError(
          'too-many-dbs',
          `FATAL: Data file was created with a Redis server configured to handle more than ${databases} databases. Exiting\n`,
          null,
          typeAt,
        );
      }
      db = dbs[dbId]!;
      continue;
    } else if (type === OP.RESIZEDB) {
      r.doing = 'read-len';
      r.len();
      r.len();
      continue;
    } else if (type === OP.AUX) {
      r.doing = 'read-aux';
      const key = r.string();
      const value = r.string();
      aux.push([key, value]);
      observer?.aux?.(key, value, processed());
      logAux(key, value, nowMs, log);
      continue;
    } else if (type === OP.MODULE_AUX) {
      r.doing = 'read-module-aux';
      const moduleId = BigInt(r.len());
      const whenOpcode = r.len();
      r.len();
      if (whenOpcode !== 2) throw r.corrupt('bad when_opcode', RDB_LINE.badWhenOpcode);
      const name = moduleTypeNameById(moduleId);
      observer?.moduleAux?.(name, processed());
      const message = `The RDB file contains AUX module data I can't load: no matching module '${name}'`;
      throw new RdbError('unsupported', message, null, typeAt, [{ level: 'warning', message }]);
    } else if (type === OP.FUNCTION2) {
      r.doing = 'read-functions';
      functions.push(r.string());
      continue;
    } else if (type === OP.FUNCTION) {
      r.doing = 'read-functions';
      const name = r.string();
      const engine = r.string();
      if (r.len()) r.string();
      const blob = r.string();
      functions.push(`#!${engine} name=${name}\n${blob}`);
      continue;
    }
    if (checkMode && !rdbIsObjectType(type)) {
      throw new RdbError('corrupt', `Invalid object type: ${type}`, null, r.pos);
    }

    r.keyType = type;
    r.doing = 'read-key';
    const key = r.string();
    r.key = key;
    r.doing = 'read-object-value';
    const value = loadObject(r, type);
    if (value === EMPTY_KEY) {
      if (checkMode) throw new ShortRead(r.pos); // rdbLoadObject returned NULL: the checker's eoferr
      if (emptyKeysSkipped++ < 10) log.push({ level: 'warning', message: `rdbLoadObject skipping empty key: ${key}` });
    } else if (checkMode || !(dropExpired && expireAt !== -1 && expireAt < nowMs)) {
      const sizeBefore = db.dict.size;
      db.dict.set(key, value); // one lookup; a duplicate aborts the load anyway
      if (db.dict.size === sizeBefore && !checkMode) {
        const message = `RDB has duplicated key '${key}' in DB ${dbId}`;
        throw new RdbError('duplicate-key', 'Duplicated key found in RDB file', null, typeAt, [{ level: 'warning', message }]);
      }
      keysLoaded++;
      if (expireAt !== -1) db.expires.set(key, expireAt);
    } else {
      keysExpired++;
    }
    observer?.key?.(key, type, expireAt === -1 ? null : expireAt);
    r.key = null;
    r.keyType = null;
    expireAt = -1;
  }

  let checksum: RdbDecoded['checksum'] = 'skipped';
  if (rdbVersion >= 5 && !(checkMode && options.rdbchecksum === false)) {
    r.doing = 'check-sum';
    const eofEnd = r.pos;
    const p = r.need(8);
    if (options.rdbchecksum ?? true) {
      const stored = r.bytes.subarray(p, p + 8);
      if (stored.every((b) => b === 0)) {
        checksum = 'disabled';
        log.push({ level: 'warning', message: 'RDB file was saved with checksum disabled: no check performed.' });
      } else {
        const crc = new Crc64().update(r.bytes, r.start, eofEnd);
        if (!crc.equalsLE(r.bytes, p)) {
          const got = new DataView(r.bytes.buffer, r.bytes.byteOffset + p, 8).getBigUint64(0, true);
          const expected = crc.digest();
          throw new RdbError('checksum', 'RDB CRC error', RDB_LINE.crc, p + 8, [
            { level: 'warning', message: `Wrong RDB checksum expected: (${expected.toString(16)}) but got (${got.toString(16)}). Aborting now.` },
          ]);
        }
        checksum = 'ok';
      }
    }
  }

  if (emptyKeysSkipped) {
    log.push({
      level: 'warning',
      message: `Done loading RDB, keys loaded: ${keysLoaded}, keys expired: ${keysExpired}, empty keys skipped: ${emptyKeysSkipped}.`,
    });
  } else {
    log.push({ level: 'notice', message: `Done loading RDB, keys loaded: ${keysLoaded}, keys expired: ${keysExpired}.` });
  }
  return { ok: true, dbs, rdbVersion, aux, functions, endOffset: r.pos, keysLoaded, keysExpired, emptyKeysSkipped, checksum, log };
}

/** C atoi: optional spaces and sign, then digits, stopping at anything else. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** What rdbLoadRio logs for the aux fields it knows. */
function logAux(key: string, value: string, nowMs: number | null, log: RedisLogLine[]): void {
  const k = key.toLowerCase();
  if (key.startsWith('%')) {
    log.push({ level: 'notice', message: `RDB '${key}': ${value}` });
  } else if (k === 'redis-ver') {
    log.push({ level: 'notice', message: `Loading RDB produced by version ${value}` });
  } else if (k === 'ctime') {
    if (nowMs !== null) {
      const age = Math.max(0, Math.floor(nowMs / 1000) - (parseInt(value, 10) || 0));
      log.push({ level: 'notice', message: `RDB age ${age} seconds` });
    }
  } else if (k === 'used-mem') {
    log.push({ level: 'notice', message: `RDB memory usage when created ${((parseInt(value, 10) || 0) / (1024 * 1024)).toFixed(2)} Mb` });
  } else if (k === 'aof-preamble') {
    if (parseInt(value, 10)) log.push({ level: 'notice', message: 'RDB has an AOF tail' });
  } else if (k === 'aof-base') {
    if (parseInt(value, 10)) log.push({ level: 'notice', message: 'RDB is base AOF' });
  } else if (k !== 'redis-bits' && k !== 'repl-stream-db' && k !== 'repl-id' && k !== 'repl-offset' && k !== 'lua') {
    log.push({ level: 'debug', message: `Unrecognized RDB AUX field: '${key}'` });
  }
}

/** rdb.c rdbLoadObject for the types the value model holds. */
function loadObject(r: RdbReader, type: number): RedisValue | typeof EMPTY_KEY {
  switch (type) {
    case T.STRING:
      return { type: 'string', value: r.string() };
    case T.LIST: {
      const n = r.len();
      if (n === 0) return EMPTY_KEY;
      const value: string[] = [];
      for (let i = 0; i < n; i++) value.push(r.string());
      return { type: 'list', value };
    }
    case T.SET: {
      const n = r.len();
      if (n === 0) return EMPTY_KEY;
      const value = new Set<string>();
      for (let i = 0; i < n; i++) {
        const m = r.string();
        if (value.has(m)) throw r.corrupt('Duplicate set members detected', RDB_LINE.dupSet);
        value.add(m);
      }
      return { type: 'set', value };
    }
    case T.ZSET:
    case T.ZSET_2: {
      const n = r.len();
      if (n === 0) return EMPTY_KEY;
      const value = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const m = r.string();
        const score = type === T.ZSET_2 ? r.binaryDouble() : r.stringDouble();
        if (Number.isNaN(score)) throw r.corrupt('Zset with NAN score detected', RDB_LINE.zsetNan);
        if (value.has(m)) throw r.corrupt('Duplicate zset fields detected', RDB_LINE.dupZset);
        value.set(m, score);
      }
      return { type: 'zset', value };
    }
    case T.HASH: {
      const n = r.len();
      if (n === 0) return EMPTY_KEY;
      const value = new Map<string, string>();
      for (let i = 0; i < n; i++) {
        const f = r.string();
        const v = r.string();
        if (value.has(f)) {
          // With deep sanitization (redis-check-rdb) small hashes are checked first.
          if (r.checkMode && n <= 512) throw r.corrupt('Hash with dup elements', RDB_LINE.hashDupElements);
          throw r.corrupt('Duplicate hash fields detected', RDB_LINE.dupHash);
        }
        value.set(f, v);
      }
      return { type: 'hash', value };
    }
    case T.LIST_QUICKLIST:
    case T.LIST_QUICKLIST_2:
      return loadQuicklist(r, type);
    case T.LIST_ZIPLIST: {
      const items = decodeZiplist(r.blob());
      if (items === null) throw r.corrupt('List ziplist integrity check failed.', RDB_LINE.listZiplist);
      return items.length === 0 ? EMPTY_KEY : { type: 'list', value: items };
    }
    case T.SET_INTSET: {
      const items = decodeIntset(r.blob());
      if (items === null) throw r.corrupt('Intset integrity check failed.', RDB_LINE.intset);
      return { type: 'set', value: new Set(items) };
    }
    case T.ZSET_ZIPLIST:
    case T.ZSET_LISTPACK: {
      const isZiplist = type === T.ZSET_ZIPLIST;
      const blob = r.blob();
      const items = isZiplist ? decodeZiplist(blob) : decodeListpack(blob);
      const value = items === null ? null : zsetFromPairs(items);
      if (value === null) {
        throw isZiplist
          ? r.corrupt('Zset ziplist integrity check failed.', RDB_LINE.zsetZiplist)
          : r.corrupt('Zset listpack integrity check failed.', RDB_LINE.zsetListpack);
      }
      return value.size === 0 ? EMPTY_KEY : { type: 'zset', value };
    }
    case T.HASH_ZIPLIST:
    case T.HASH_LISTPACK: {
      const isZiplist = type === T.HASH_ZIPLIST;
      const blob = r.blob();
      const items = isZiplist ? decodeZiplist(blob) : decodeListpack(blob);
      const value = items === null ? null : hashFromPairs(items);
      if (value === null) {
        throw isZiplist
          ? r.corrupt('Hash ziplist integrity check failed.', RDB_LINE.hashZiplist)
          : r.corrupt('Hash listpack integrity check failed.', RDB_LINE.hashListpack);
      }
      return value.size === 0 ? EMPTY_KEY : { type: 'hash', value };
    }
    case T.MODULE:
    case T.MODULE_2: {
      const name = moduleTypeNameById(BigInt(r.len()));
      throw r.corrupt(`The RDB file contains module data I can't load: no matching module type '${name}'`, RDB_LINE.moduleType);
    }
    case T.STREAM_LISTPACKS:
    case T.STREAM_LISTPACKS_2:
      throw new RdbError('unsupported', `faultline: RDB type ${type} (stream) is not supported by the value model`, null, r.pos);
    case T.HASH_ZIPMAP:
      throw new RdbError('unsupported', 'faultline: RDB type 9 (zipmap, Redis 2.4) is not supported', null, r.pos);
    default:
      throw new RdbError('corrupt', `Unknown RDB encoding type ${type}`, RDB_LINE.unknownType, r.pos);
  }
}

function loadQuicklist(r: RdbReader, type: number): RedisValue | typeof EMPTY_KEY {
  const nodes = r.len();
  if (nodes === 0) return EMPTY_KEY;
  const value: string[] = [];
  for (let i = 0; i < nodes; i++) {
    let container: number = QUICKLIST_NODE_CONTAINER_PACKED;
    if (type === T.LIST_QUICKLIST_2) {
      container = r.len();
      if (container !== QUICKLIST_NODE_CONTAINER_PACKED && container !== QUICKLIST_NODE_CONTAINER_PLAIN) {
        throw r.corrupt('Quicklist integrity check failed.', RDB_LINE.quicklistIntegrity);
      }
    }
    const at = r.pos;
    const blob = r.blob();
    if (blob.length === 0) throw new ShortRead(at); // rdbLoadObject returns NULL: reported as eoferr
    if (container === QUICKLIST_NODE_CONTAINER_PLAIN) {
      value.push(Buffer.from(blob.buffer, blob.byteOffset, blob.length).toString('latin1'));
      continue;
    }
    const items = type === T.LIST_QUICKLIST_2 ? decodeListpack(blob) : decodeZiplist(blob);
    if (items === null) {
      throw type === T.LIST_QUICKLIST_2
        ? r.corrupt('Listpack integrity check failed.', RDB_LINE.listpackIntegrity)
        : r.corrupt('Ziplist integrity check failed.', RDB_LINE.ziplistIntegrity);
    }
    for (const item of items) value.push(item); // empty nodes are skipped silently
  }
  return value.length === 0 ? EMPTY_KEY : { type: 'list', value };
}

/** Member/score pairs; null on an odd count, a duplicate member or a NaN score. */
function zsetFromPairs(items: string[]): Map<string, number> | null {
  if (items.length % 2) return null;
  const value = new Map<string, number>();
  for (let i = 0; i < items.length; i += 2) {
    const score = strtod(items[i + 1]!);
    if (Number.isNaN(score) || value.has(items[i]!)) return null;
    value.set(items[i]!, score);
  }
  return value;
}

/** Field/value pairs; null on an odd count or a duplicate field. */
function hashFromPairs(items: string[]): Map<string, string> | null {
  if (items.length % 2) return null;
  const value = new Map<string, string>();
  for (let i = 0; i < items.length; i += 2) {
    if (value.has(items[i]!)) return null;
    value.set(items[i]!, items[i + 1]!);
  }
  return value;
}
