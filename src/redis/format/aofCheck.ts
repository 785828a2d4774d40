/**
 * The logic and output of `redis-check-aof [--fix] <file>` of Redis 7.0
 * (redis-check-aof.c), as a pure function over the files it would read.
 *
 * Given a manifest it checks BASE then each INCR in order (only the last may
 * be truncated by --fix); given a single file it checks it as an old-style
 * AOF, with its RDB preamble if it starts with "REDIS". The report is stdout
 * byte for byte (the --fix prompt "Continue? [y/N]: " has no newline, so the
 * next message follows it on the same line), the exit code, and the
 * truncation --fix would make, which the caller applies.
 *
 * Mirrored quirks: `ok_up_to_line` counts lines over all files checked so
 * far; inside a MULTI the good prefix stops before the MULTI; an "Expected
 * \r\n, got: …" after a line cut short shows a byte left over in the
 * reader's 128-byte line buffer, modelled as one buffer shared by every read
 * (the real value is whatever that stack memory held).
 */
import { parseAofManifest } from './aofManifest';
import { checkRdb, serverLogPrefix } from './rdbCheck';

export interface AofCheckOptions {
  readonly fix: boolean;
  /** The answer typed at "Continue? [y/N]: " (default 'y'). */
  readonly answer?: string;
  /** For the RDB preamble's "already expired" and log prefixes. */
  readonly nowMs: number;
  readonly pid?: number;
}

export interface AofCheckResult {
  readonly exitCode: 0 | 1;
  /** Everything printed to stdout. */
  readonly output: string;
  /** `output` split into lines. */
  readonly lines: string[];
  /** What --fix truncated: the file's path and its new length. */
  readonly truncation: { readonly path: string; readonly toBytes: number } | null;
}

type ReadFile = (path: string) => Uint8Array | null;

class Exit extends Error {
  constructor(readonly code: 0 | 1) {
    super(`exit ${code}`);
  }
}

/** redis_check_aof_main(argv = [--fix] path). */
export function checkAof(path: string, read: ReadFile, options: AofCheckOptions): AofCheckResult {
  const checker = new AofChecker(read, options);
  let exitCode: 0 | 1 = 0;
  try {
    checker.main(path);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    exitCode = e.code;
  }
  const output = checker.out;
  const lines = output.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return { exitCode, output, lines, truncation: checker.truncation };
}

const AOF_CHECK_OK = 0;
const AOF_CHECK_EMPTY = 1;
const AOF_CHECK_TRUNCATED = 2;

class AofChecker {
  out = '';
  truncation: { path: string; toBytes: number } | null = null;
  /** Globals of redis-check-aof.c. */
  private error = '';
  private epos = 0;
  private line = 1;
  /** readLong's char buf[128], kept between calls. */
  private readonly lineBuf = new Uint8Array(128);

  // Per-file reading state (the FILE*).
  private bytes: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private eof = false;

  constructor(
    private readonly read: ReadFile,
    private readonly options: AofCheckOptions,
  ) {}

  private printf(s: string): void {
    this.out += s;
  }

  private exit(code: 0 | 1): never {
    throw new Exit(code);
  }

  main(filepath: string): void {
    const slash = filepath.lastIndexOf('/');
    const dirpath = slash === -1 ? '.' : slash === 0 ? '/' : filepath.slice(0, slash);
    const bytes = this.read(filepath);
    if (bytes === null) {
      this.printf(`Cannot open file ${filepath}: No such file or directory\n`);
      this.exit(1);
    }
    if (fileIsManifest(bytes)) this.checkMultiPart(dirpath, bytes);
    else this.checkOldStyle(filepath, bytes.length >= 8 && startsWithRedis(bytes));
    this.exit(0);
  }

  private checkOldStyle(filepath: string, preamble: boolean): void {
    this.printf('Start checking Old-Style AOF\n');
    const ret = this.checkSingle(filepath, filepath, true, preamble);
    if (ret === AOF_CHECK_OK) this.printf(`AOF ${filepath} is valid\n`);
    else if (ret === AOF_CHECK_EMPTY) this.printf(`AOF ${filepath} is empty\n`);
    else this.printf(`Successfully truncated AOF ${filepath}\n`);
  }

  private checkMultiPart(dirpath: string, manifestBytes: Uint8Array): void {
    this.printf('Start checking Multi Part AOF\n');
    const parsed = parseAofManifest(Buffer.from(manifestBytes).toString('latin1'));
    if (!parsed.ok) {
      const prefix = serverLogPrefix(this.options.pid ?? 1, this.options.nowMs);
      for (const msg of parsed.log) this.printf(`${prefix}${msg}\n`);
      this.exit(1);
    }
    const m = parsed.manifest;
    const total = (m.base ? 1 : 0) + m.incrList.length;
    let n = 0;
    if (m.base) {
      const name = m.base.fileName;
      const path = `${dirpath}/${name}`;
      const lastFile = ++n === total;
      const bytes = this.read(path);
      if (bytes === null) {
        this.printf(`Cannot open file ${path}: No such file or directory\n`);
        this.exit(1);
      }
      const preamble = bytes.length >= 8 && startsWithRedis(bytes);
      this.printf(`Start to check BASE AOF (${preamble ? 'RDB' : 'RESP'} format).\n`);
      const ret = this.checkSingle(name, path, lastFile, preamble);
      if (ret === AOF_CHECK_OK) this.printf(`BASE AOF ${name} is valid\n`);
      else if (ret === AOF_CHECK_EMPTY) this.printf(`BASE AOF ${name} is empty\n`);
      else this.printf(`Successfully truncated AOF ${name}\n`);
    }
    if (m.incrList.length) {
      this.printf('Start to check INCR files.\n');
      for (const ai of m.incrList) {
        const path = `${dirpath}/${ai.fileName}`;
        const lastFile = ++n === total;
        const ret = this.checkSingle(ai.fileName, path, lastFile, false);
        if (ret === AOF_CHECK_OK) this.printf(`INCR AOF ${ai.fileName} is valid\n`);
        else if (ret === AOF_CHECK_EMPTY) this.printf(`INCR AOF ${ai.fileName} is empty\n`);
        else this.printf(`Successfully truncated AOF ${ai.fileName}\n`);
      }
    }
    this.printf('All AOF files and manifest are valid\n');
  }

  /** checkSingleAof. */
  private checkSingle(name: string, path: string, lastFile: boolean, preamble: boolean): number {
    const bytes = this.read(path);
    if (bytes === null) {
      this.printf(`Cannot open file ${path}: No such file or directory, aborting...\n`);
      this.exit(1);
    }
    this.bytes = bytes;
    this.pos = 0;
    this.eof = false;
    const size = bytes.length;
    if (size === 0) return AOF_CHECK_EMPTY;

    if (preamble) {
      const rdb = checkRdb(name, bytes, { nowMs: this.options.nowMs, pid: this.options.pid ?? 1 });
      for (const l of rdb.lines) this.printf(`${l}\n`);
      if (!rdb.ok) {
        if (!rdb.exitedInside) this.printf('RDB preamble of AOF file is not sane, aborting.\n');
        this.exit(1);
      }
      this.printf('RDB preamble is OK, proceeding with AOF tail...\n');
      this.pos = rdb.endOffset!;
    }

    let pos = 0;
    const multi = { n: 0 };
    for (;;) {
      if (!multi.n) pos = this.pos;
      if (this.pos >= size) {
        this.eof = true;
        break;
      }
      const c = bytes[this.pos];
      if (c === 0x23) {
        this.epos = this.pos;
        this.fgets(1024); // processAnnotations without --truncate-to-timestamp
      } else if (c === 0x2a) {
        if (!this.processResp(path, multi)) break;
      } else {
        this.printf(`AOF ${name} format error\n`);
        break;
      }
    }

    if (this.eof && multi.n && this.error.length === 0) this.setError('Reached EOF before reading EXEC for MULTI');
    if (this.error.length > 0) this.printf(`${this.error}\n`);

    const diff = size - pos;
    this.printf(`AOF analyzed: filename=${name}, size=${size}, ok_up_to=${pos}, ok_up_to_line=${this.line}, diff=${diff}\n`);
    if (diff > 0) {
      if (this.options.fix) {
        if (!lastFile) {
          this.printf(`Failed to truncate AOF ${name} because it is not the last file\n`);
          this.exit(1);
        }
        this.printf(`This will shrink the AOF ${name} from ${size} bytes, with ${diff} bytes, to ${pos} bytes\n`);
        this.printf('Continue? [y/N]: ');
        const answer = this.options.answer ?? 'y';
        if (!answer.toLowerCase().startsWith('y')) {
          this.printf('Aborting...\n');
          this.exit(1);
        }
        this.truncation = { path, toBytes: pos };
        return AOF_CHECK_TRUNCATED;
      }
      this.printf(`AOF ${name} is not valid. Use the --fix option to try fixing it.\n`);
      this.exit(1);
    }
    return AOF_CHECK_OK;
  }

  /** ERROR(): "0x%16llx: <message>" at epos. */
  private setError(message: string): void {
    this.error = `0x${this.epos.toString(16).padStart(16, ' ')}: ${message}`;
  }

  /** fgets(buf, size): the bytes read (without the C terminator), or null at end of file. */
  private fgets(size: number): Uint8Array | null {
    const start = this.pos;
    if (start >= this.bytes.length) {
      this.eof = true;
      return null;
    }
    let p = start;
    const limit = Math.min(this.bytes.length, start + size - 1);
    while (p < limit) {
      if (this.bytes[p++] === 0x0a) break;
    }
    if (p === this.bytes.length && this.bytes[p - 1] !== 0x0a && p - start < size - 1) this.eof = true;
    this.pos = p;
    return this.bytes.subarray(start, p);
  }

  /** readLong(fp, prefix): the number, or null after setting the error. */
  private readLong(prefix: string): number | null {
    this.epos = this.pos;
    const got = this.fgets(this.lineBuf.length);
    if (got === null) return null;
    const buf = this.lineBuf;
    buf.set(got, 0);
    buf[got.length] = 0;
    if (buf[0] !== prefix.charCodeAt(0)) {
      this.setError(`Expected prefix '${prefix}', got: '${String.fromCharCode(buf[0]!)}'`);
      return null;
    }
    // strtol(buf+1, &eptr, 10)
    let p = 1;
    while (buf[p] === 0x20 || (buf[p]! >= 0x09 && buf[p]! <= 0x0d)) p++;
    let q = p;
    let negative = false;
    if (buf[q] === 0x2b || buf[q] === 0x2d) {
      negative = buf[q] === 0x2d;
      q++;
    }
    let v = 0;
    let digits = 0;
    while (buf[q]! >= 0x30 && buf[q]! <= 0x39) {
      v = v * 10 + (buf[q]! - 0x30);
      q++;
      digits++;
    }
    const eptr = digits ? q : 1;
    if (!this.consumeNewline(buf[eptr]!, buf[eptr + 1] ?? 0)) return null;
    return negative ? -v : v;
  }

  private consumeNewline(a: number, b: number): boolean {
    if (a !== 0x0d || b !== 0x0a) {
      this.setError(`Expected \\r\\n, got: ${charHex(a)}${charHex(b)}`);
      return false;
    }
    this.line += 1;
    return true;
  }

  /** readString: the argument, or null after setting the error. */
  private readString(): string | null {
    const len = this.readLong('$');
    if (len === null) return null;
    if (len < 0 || len > Number.MAX_SAFE_INTEGER - 2) {
      this.setError(`Expected to read string of ${len} bytes, which is not in the suitable range`);
      return null;
    }
    const want = len + 2;
    this.epos = this.pos;
    const real = Math.min(want, this.bytes.length - this.pos);
    const start = this.pos;
    this.pos += real;
    if (real !== want) {
      this.eof = true;
      this.setError(`Expected to read ${want} bytes, got ${real} bytes`);
      return null;
    }
    if (!this.consumeNewline(this.bytes[start + len]!, this.bytes[start + len + 1]!)) return null;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, len).toString('latin1');
  }

  /** processRESP: one command, counting MULTI/EXEC nesting. */
  private processResp(path: string, multi: { n: number }): boolean {
    const argc = this.readLong('*');
    if (argc === null) return false;
    for (let i = 0; i < argc; i++) {
      const str = this.readString();
      if (str === null) return false;
      if (i === 0) {
        const name = cString(str).toLowerCase();
        if (name === 'multi') {
          if (multi.n++) {
            this.setError(`Unexpected MULTI in AOF ${path}`);
            return false;
          }
        } else if (name === 'exec') {
          if (--multi.n) {
            this.setError(`Unexpected EXEC in AOF ${path}`);
            return false;
          }
        }
      }
    }
    return true;
  }
}

/** printf("%02x", (char)c): bytes >= 0x80 are negative chars, printed as ffffffXX. */
function charHex(c: number): string {
  return c >= 0x80 ? (0xffffff00 | c).toString(16).padStart(8, 'f') : c.toString(16).padStart(2, '0');
}

function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

function startsWithRedis(bytes: Uint8Array): boolean {
  return bytes[0] === 0x52 && bytes[1] === 0x45 && bytes[2] === 0x44 && bytes[3] === 0x49 && bytes[4] === 0x53;
}

/** fileIsManifest: some non-comment line (in 1024-byte fgets chunks) starts with "file". */
function fileIsManifest(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  let p = 0;
  while (p < bytes.length) {
    const start = p;
    const limit = Math.min(bytes.length, start + 1024);
    while (p < limit) {
      if (bytes[p++] === 0x0a) break;
    }
    if (bytes[start] === 0x23) continue;
    if (p - start >= 4 && bytes[start] === 0x66 && bytes[start + 1] === 0x69 && bytes[start + 2] === 0x6c && bytes[start + 3] === 0x65) return true;
  }
  return false;
}
