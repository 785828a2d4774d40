/**
 * RESP multibulk as Redis writes it to the AOF, and the AOF command reader
 * with the exact reading rules of aof.c loadSingleAppendOnlyFile (7.0).
 *
 * Writing (aof.c catAppendOnlyGenericCommand):
 *   *<argc>\r\n  then per argument  $<len>\r\n<bytes>\r\n
 *
 * Reading is line-based as Redis's is: `fgets` into a 1024-byte buffer for
 * the `*` and `$` lines (so a line is at most 1023 bytes), lengths parsed by
 * atoi/strtol (so "*3junk" reads as 3), argument bytes by fread, and the two
 * bytes after each argument are skipped without being checked. Lines that
 * start with '#' are annotations (7.0's "#TS:<unix time>\r\n"). The reader
 * stops in one of four ways:
 *   - eof:         the input ends between commands;
 *   - truncated:   the input ends inside a command (Redis: "short read");
 *   - format:      a byte where '*' or '$' is required, or argc < 1
 *                  (Redis: "Bad file format reading the append only file");
 *   - read-error:  a '*' line whose second byte is NUL before the end, which
 *                  Redis reports as an I/O error it cannot recover from.
 */
import type { RedisString } from '../RedisValue';
import { latin1String } from './latin1';

/** One command as RESP multibulk, as a binary string. */
export function respCommand(argv: readonly RedisString[]): RedisString {
  let out = `*${argv.length}\r\n`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    out += `$${a.length}\r\n${a}\r\n`;
  }
  return out;
}

/** One command as RESP multibulk bytes. */
export function respCommandBytes(argv: readonly RedisString[]): Uint8Array {
  return Buffer.from(respCommand(argv), 'latin1');
}

/** The SELECT that feedAppendOnlyFile writes when the db changes. */
export function respSelect(db: number): RedisString {
  const n = String(db);
  return `*2\r\n$6\r\nSELECT\r\n$${n.length}\r\n${n}\r\n`;
}

/** aof.c genAofTimestampAnnotationIfNeeded: "#TS:<unix seconds>\r\n" (aof-timestamp-enabled). */
export function aofTimestampAnnotation(nowMs: number): string {
  return `#TS:${Math.floor(nowMs / 1000)}\r\n`;
}

/** AOF_ANNOTATION_LINE_MAX_LEN: the fgets buffer of the loader. */
export const AOF_LINE_BUFFER_BYTES = 1024;

export type AofRecord =
  | { readonly kind: 'command'; readonly argv: RedisString[]; readonly start: number; readonly end: number }
  | { readonly kind: 'annotation'; readonly text: RedisString; readonly start: number; readonly end: number };

export type AofStop =
  /** Input ended between records. */
  | { readonly kind: 'eof'; readonly at: number }
  /** Input ended inside the command that starts at `commandStart`. */
  | { readonly kind: 'truncated'; readonly at: number; readonly commandStart: number }
  /** A format error at `at` in the command that starts at `commandStart`. */
  | { readonly kind: 'format'; readonly at: number; readonly commandStart: number }
  /** fgets returned a '*' line that ends in NUL before end of file. */
  | { readonly kind: 'read-error'; readonly at: number; readonly commandStart: number };

/**
 * Reads AOF records one at a time from `bytes[start, end)`. Each `next()`
 * returns a record, or the stop that ends the stream (then keeps returning it).
 */
export class AofReader {
  private pos: number;
  private stopped: AofStop | null = null;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  /** Offset of the next unread byte (ftello). */
  get offset(): number {
    return this.pos;
  }

  /** fgets(buf, 1024): [lineStart, lineEnd) or null at end of input. */
  private fgets(): [number, number] | null {
    const start = this.pos;
    if (start >= this.end) return null;
    const limit = Math.min(this.end, start + AOF_LINE_BUFFER_BYTES - 1);
    let p = start;
    while (p < limit) {
      if (this.bytes[p++] === 0x0a) break;
    }
    this.pos = p;
    return [start, p];
  }

  next(): AofRecord | AofStop {
    if (this.stopped) return this.stopped;
    const b = this.bytes;
    const commandStart = this.pos;
    const line = this.fgets();
    if (line === null) return this.stop({ kind: 'eof', at: commandStart });
    const [ls, le] = line;
    if (b[ls] === 0x23) {
      return { kind: 'annotation', text: Buffer.from(b.buffer, b.byteOffset + ls, le - ls).toString('latin1'), start: ls, end: le };
    }
    if (b[ls] !== 0x2a) return this.stop({ kind: 'format', at: ls, commandStart });
    // buf[1] == '\0': the line was "*" alone at end of file, or "*" then a NUL
    // byte. Redis then asks feof(): true only if fgets ran into the end.
    if (le - ls === 1 || b[ls + 1] === 0) {
      const hitEof = le === this.end && b[le - 1] !== 0x0a && le - ls < AOF_LINE_BUFFER_BYTES - 1;
      return this.stop(hitEof ? { kind: 'truncated', at: le, commandStart } : { kind: 'read-error', at: ls + 1, commandStart });
    }
    const argc = cNumber(b, ls + 1, le);
    if (argc < 1) return this.stop({ kind: 'format', at: ls, commandStart });
    const argv: RedisString[] = [];
    for (let j = 0; j < argc; j++) {
      const at = this.pos;
      const bulk = this.fgets();
      if (bulk === null) return this.stop({ kind: 'truncated', at, commandStart });
      if (b[bulk[0]] !== 0x24) return this.stop({ kind: 'format', at: bulk[0], commandStart });
      const len = cNumber(b, bulk[0] + 1, bulk[1]);
      if (len < 0) return this.stop({ kind: 'format', at: bulk[0], commandStart }); // Redis would try to allocate ~2^64 bytes
      if (this.pos + len > this.end) return this.stop({ kind: 'truncated', at: this.pos, commandStart });
      argv.push(latin1String(b, this.pos, len));
      this.pos += len;
      // "Discard CRLF": two bytes, whatever they are.
      if (this.pos + 2 > this.end) return this.stop({ kind: 'truncated', at: this.pos, commandStart });
      this.pos += 2;
    }
    return { kind: 'command', argv, start: commandStart, end: this.pos };
  }

  private stop(s: AofStop): AofStop {
    if (s.kind !== 'eof') this.pos = s.at;
    this.stopped = s;
    return s;
  }
}

/**
 * atoi / strtol(…, 10) over a line: leading whitespace, a sign, digits,
 * stopping at the first other byte; 0 when there are no digits.
 */
function cNumber(b: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end && (b[p] === 0x20 || (b[p]! >= 0x09 && b[p]! <= 0x0d))) p++;
  let negative = false;
  if (p < end && (b[p] === 0x2b || b[p] === 0x2d)) {
    negative = b[p] === 0x2d;
    p++;
  }
  let v = 0;
  while (p < end && b[p]! >= 0x30 && b[p]! <= 0x39) {
    v = v * 10 + (b[p]! - 0x30);
    p++;
  }
  return negative ? -v : v;
}
