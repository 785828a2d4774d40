/**
 * What `redis-check-rdb <file>` (redis-check-rdb.c, 7.0) prints for an RDB
 * image, line for line, and its exit code. The same output appears inside
 * `redis-check-aof` for a base or preamble in RDB format.
 *
 * Known differences: the "Terminating server after rdb file reading
 * failure." line carries serverLog's "<pid>:C <date> # " prefix, made here
 * from `pid` and `nowMs` (UTC); rdb.c line numbers are upstream 7.0.15's;
 * module values and streams are refused (faultline cannot read them) where
 * the real checker would walk through them.
 */
import { RDB_TYPE_NAMES } from './rdbConstants';
import { decodeRdb, type RdbLoadError } from './rdbDecode';

export interface RdbCheckOptions {
  /** For "already expired". */
  readonly nowMs: number;
  /** Process id in the serverLog prefix of the final error line. */
  readonly pid?: number;
  /** rdbchecksum (yes unless a config says otherwise). */
  readonly rdbchecksum?: boolean;
  /** Offset where the RDB starts (an AOF preamble is checked in place). */
  readonly start?: number;
}

export interface RdbCheckResult {
  readonly ok: boolean;
  /** Exit code of redis-check-rdb. */
  readonly exitCode: 0 | 1;
  /** stdout, line by line (no trailing newlines). */
  readonly lines: string[];
  /** Where the RDB ended (after its checksum), when it was read to the end. */
  readonly endOffset: number | null;
  /** True when the checker would exit itself (rdbReportError), not return. */
  readonly exitedInside: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** serverLog's prefix, "pid:C 28 Nov 2026 05:43:43.774 # ", in UTC. */
export function serverLogPrefix(pid: number, nowMs: number, role = 'C', level = '#'): string {
  const d = new Date(nowMs);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
  return `${pid}:${role} ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} ${level} `;
}

/** redis_check_rdb_main over `bytes`, named `fileName` in the output. */
export function checkRdb(fileName: string, bytes: Uint8Array, options: RdbCheckOptions): RdbCheckResult {
  const lines: string[] = [];
  const start = options.start ?? 0;
  const info = (offset: number, msg: string) => lines.push(`[offset ${offset}] ${msg}`);
  let keys = 0;
  let expires = 0;
  let alreadyExpired = 0;
  const stats = () => {
    lines.push(`[info] ${keys} keys read`, `[info] ${expires} expires`, `[info] ${alreadyExpired} already expired`);
  };

  info(0, `Checking RDB file ${fileName}`);
  let keyReadCountedFor: string | null = null;
  const result = decodeRdb(bytes, {
    nowMs: null,
    start,
    checkMode: true,
    rdbchecksum: options.rdbchecksum ?? true,
    observer: {
      aux: (k, v, offset) => info(offset, `AUX FIELD ${cString(k)} = '${cString(v)}'`),
      selectDb: (db, offset) => info(offset, `Selecting DB ID ${db}`),
      moduleAux: (name, offset) => info(offset, `MODULE AUX for: ${name}`),
      key: (key, _type, expireAtMs) => {
        keys++;
        keyReadCountedFor = key;
        if (expireAtMs !== null) {
          expires++;
          if (expireAtMs < options.nowMs) alreadyExpired++;
        }
      },
    },
  });

  if (result.ok) {
    const end = result.endOffset - start;
    if (result.checksum === 'disabled') info(end, 'RDB file was saved with checksum disabled: no check performed.');
    else if (result.checksum === 'ok') info(end, 'Checksum OK');
    info(end, '\\o/ RDB looks OK! \\o/');
    stats();
    return { ok: true, exitCode: 0, lines, endOffset: result.endOffset, exitedInside: false };
  }

  const e: RdbLoadError = result.error;
  // The checker counts a key as soon as it is read, before its value.
  if (e.key !== null && keyReadCountedFor !== e.key) keys++;
  const viaReportError = e.rdbLine !== null && e.kind !== 'short-read' && e.kind !== 'checksum';
  const message = viaReportError
    ? `Internal error in RDB reading offset 0, function at rdb.c:${e.rdbLine} -> ${e.reason}`
    : e.kind === 'checksum'
      ? 'RDB CRC error'
      : e.reason;
  lines.push('--- RDB ERROR DETECTED ---');
  info(e.offset - start, message);
  lines.push(`[additional info] While doing: ${e.doing}`);
  if (e.key !== null) lines.push(`[additional info] Reading key '${cString(e.key)}'`);
  if (e.keyType !== null) {
    const name = e.keyType < RDB_TYPE_NAMES.length ? RDB_TYPE_NAMES[e.keyType] : 'unknown';
    lines.push(`[additional info] Reading type ${e.keyType} (${name})`);
  }
  stats();
  if (viaReportError) {
    lines.push(`${serverLogPrefix(options.pid ?? 1, options.nowMs)}Terminating server after rdb file reading failure.`);
  }
  return { ok: false, exitCode: 1, lines, endOffset: null, exitedInside: viaReportError };
}

/** printf("%s") of a binary string: it stops at the first NUL byte. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}
