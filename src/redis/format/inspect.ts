/**
 * `faultline redis inspect`: load a keyspace from Redis files and show it.
 *
 * Loading (`loadKeyspaceFromFiles`) takes a path and a reader of the
 * (simulated or real) file system, `read(path) => bytes | null` (null for a
 * missing file or a directory), and recognises:
 *   - an RDB file ("REDIS" signature): decoded keeping every key, expired or
 *     not, since the point is to see what the file holds;
 *   - a manifest (`file … seq … type …` lines) or an appendonlydir (null from
 *     `read`, with `<dir>/<appendfilename>.manifest` inside): BASE and INCR
 *     files replayed as Redis loads them (aofLoad.ts), through the built-in
 *     applier or the server model's;
 *   - any other file: an old-style AOF, possibly with an RDB preamble.
 * A truncated tail is reported, never written back: inspect only reads.
 *
 * Showing: `keyspaceToJson` gives, per non-empty db index, key ⇒ {type,
 * value, expireAtMs}: strings as strings, lists as arrays, sets as arrays
 * sorted by bytes, hashes as objects, sorted sets as [member, score] pairs in
 * ZRANGE order (scores are numbers, "inf" / "-inf" for the infinities),
 * expireAtMs null when none. Bytes become text with RedisValue.toUtf8; a key
 * whose bytes are not valid UTF-8 is shown escaped as sdscatrepr would
 * (without the quotes), so distinct keys never collapse into one.
 * `keyspaceToText` is the same for people.
 */
import { DB_COUNT, emptyDb, fromUtf8, toUtf8, type RedisDb, type RedisString, type RedisValue } from '../RedisValue';
import type { AofCommandApplier, AofCommandLookup } from './aofApply';
import { loadAofFiles, loadSingleAof } from './aofLoad';
import { DEFAULT_APPENDFILENAME, manifestFileName, parseAofManifest, repr } from './aofManifest';
import { decodeRdb, type RedisLogLine } from './rdbDecode';
import { sortedZset } from './rdbEncode';

export type JsonScore = number | 'inf' | '-inf';

export type InspectedValue =
  | { readonly type: 'string'; readonly value: string; readonly expireAtMs: number | null }
  | { readonly type: 'list'; readonly value: string[]; readonly expireAtMs: number | null }
  | { readonly type: 'set'; readonly value: string[]; readonly expireAtMs: number | null }
  | { readonly type: 'hash'; readonly value: Record<string, string>; readonly expireAtMs: number | null }
  | { readonly type: 'zset'; readonly value: [string, JsonScore][]; readonly expireAtMs: number | null };

export type InspectedKeyspace = Record<string, Record<string, InspectedValue>>;

/** Byte order, which is JS code unit order for binary strings. */
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Text for a key: UTF-8 when the bytes are UTF-8, escaped otherwise. */
export function displayKey(key: RedisString): string {
  const text = toUtf8(key);
  return fromUtf8(text) === key ? text : repr(key).slice(1, -1);
}

function score(d: number): JsonScore {
  return d === Infinity ? 'inf' : d === -Infinity ? '-inf' : d;
}

function inspectValue(v: RedisValue, expireAtMs: number | null): InspectedValue {
  switch (v.type) {
    case 'string':
      return { type: 'string', value: toUtf8(v.value), expireAtMs };
    case 'list':
      return { type: 'list', value: v.value.map(toUtf8), expireAtMs };
    case 'set':
      return { type: 'set', value: [...v.value].sort(byBytes).map(toUtf8), expireAtMs };
    case 'hash': {
      const value: Record<string, string> = {};
      for (const [f, x] of v.value) value[displayKey(f)] = toUtf8(x);
      return { type: 'hash', value, expireAtMs };
    }
    case 'zset':
      return { type: 'zset', value: sortedZset(v.value).map(([m, d]) => [toUtf8(m), score(d)]), expireAtMs };
  }
}

/** The JSON of `faultline redis inspect --json`. */
export function keyspaceToJson(dbs: readonly RedisDb[]): InspectedKeyspace {
  const out: InspectedKeyspace = {};
  dbs.forEach((db, index) => {
    if (db.dict.size === 0) return;
    const keys: Record<string, InspectedValue> = {};
    for (const key of [...db.dict.keys()].sort(byBytes)) {
      keys[displayKey(key)] = inspectValue(db.dict.get(key)!, db.expires.get(key) ?? null);
    }
    out[String(index)] = keys;
  });
  return out;
}

/** A readable listing: one line per key, grouped by db. */
export function keyspaceToText(dbs: readonly RedisDb[]): string {
  const json = keyspaceToJson(dbs);
  const lines: string[] = [];
  for (const [db, keys] of Object.entries(json)) {
    const entries = Object.entries(keys);
    const withTtl = entries.filter(([, v]) => v.expireAtMs !== null).length;
    lines.push(`db${db}: ${entries.length} key${entries.length === 1 ? '' : 's'}${withTtl ? `, ${withTtl} with an expiry` : ''}`);
    for (const [key, v] of entries) {
      const expiry = v.expireAtMs === null ? '' : `  (expires ${new Date(v.expireAtMs).toISOString()})`;
      lines.push(`  ${JSON.stringify(key)} ${v.type}${sizeNote(v)} ${JSON.stringify(v.value)}${expiry}`);
    }
  }
  if (lines.length === 0) lines.push('(empty keyspace)');
  return lines.join('\n') + '\n';
}

function sizeNote(v: InspectedValue): string {
  if (v.type === 'string') return '';
  const n = Array.isArray(v.value) ? v.value.length : Object.keys(v.value).length;
  return `[${n}]`;
}

// --- loading ------------------------------------------------------------------

export interface InspectLoadOptions {
  /** For relative commands (EXPIRE) found in old AOFs. */
  readonly nowMs: number;
  readonly appendfilename?: string;
  /** The server model's command replay and lookup, instead of the built-in applier. */
  readonly applyCommand?: AofCommandApplier;
  readonly lookupCommand?: AofCommandLookup;
}

export type InspectSource = 'rdb' | 'aof-multi-part' | 'aof';

export type InspectLoadResult =
  | {
      readonly ok: true;
      readonly source: InspectSource;
      readonly dbs: RedisDb[];
      /** Redis's log lines for the load, truncation warnings included. */
      readonly log: RedisLogLine[];
      /** Files whose tail Redis would cut (aof-load-truncated yes), and where. */
      readonly truncatedTails: { readonly fileName: string; readonly atBytes: number }[];
    }
  | { readonly ok: false; readonly source: InspectSource | null; readonly error: string; readonly log: RedisLogLine[] };

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

function looksLikeManifest(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes).toString('latin1');
  return text.split('\n').some((line) => !line.startsWith('#') && line.startsWith('file'));
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '.' : slash === 0 ? '/' : path.slice(0, slash);
}

/** Loads the keyspace that `path` (an RDB, an AOF, a manifest or an appendonlydir) holds. */
export function loadKeyspaceFromFiles(path: string, read: (path: string) => Uint8Array | null, options: InspectLoadOptions): InspectLoadResult {
  const appendfilename = options.appendfilename ?? DEFAULT_APPENDFILENAME;
  const aofOptions = {
    nowMs: options.nowMs,
    aofLoadTruncated: true,
    appendfilename,
    ...(options.applyCommand ? { applyCommand: options.applyCommand } : {}),
    ...(options.lookupCommand ? { lookupCommand: options.lookupCommand } : {}),
  };
  let bytes = read(path);
  let manifestPath = path;
  if (bytes === null) {
    manifestPath = `${path.replace(/\/+$/, '')}/${manifestFileName(appendfilename)}`;
    bytes = read(manifestPath);
    if (bytes === null) return { ok: false, source: null, error: `${path}: no such file, and no ${manifestFileName(appendfilename)} inside`, log: [] };
  }

  if (startsWith(bytes, 'REDIS')) {
    const r = decodeRdb(bytes, { nowMs: null });
    if (!r.ok) return { ok: false, source: 'rdb', error: r.error.reason, log: r.log };
    if (r.endOffset === bytes.length) return { ok: true, source: 'rdb', dbs: r.dbs, log: r.log, truncatedTails: [] };
    // An old-style AOF with an RDB preamble and a command tail.
  }

  if (looksLikeManifest(bytes)) {
    const parsed = parseAofManifest(Buffer.from(bytes).toString('latin1'));
    if (!parsed.ok) return { ok: false, source: 'aof-multi-part', error: parsed.error, log: parsed.log.map((message) => ({ level: 'warning', message })) };
    const dir = dirOf(manifestPath);
    const r = loadAofFiles(parsed.manifest, (name) => read(`${dir}/${name}`), aofOptions);
    const truncatedTails = r.truncations.map((t) => ({ fileName: t.fileName, atBytes: t.toBytes }));
    if (r.status === 'failed') return { ok: false, source: 'aof-multi-part', error: r.failure ?? 'AOF loading failed', log: r.log };
    return { ok: true, source: 'aof-multi-part', dbs: r.dbs, log: r.log, truncatedTails };
  }

  const dbs = Array.from({ length: DB_COUNT }, emptyDb);
  const log: RedisLogLine[] = [];
  const name = path.slice(path.lastIndexOf('/') + 1);
  const r = loadSingleAof(name, bytes, dbs, aofOptions, log);
  if (r.status === 'failed') return { ok: false, source: 'aof', error: r.failure ?? 'AOF loading failed', log };
  const truncatedTails = r.truncateToBytes === null ? [] : [{ fileName: name, atBytes: r.truncateToBytes }];
  return { ok: true, source: 'aof', dbs, log, truncatedTails };
}
