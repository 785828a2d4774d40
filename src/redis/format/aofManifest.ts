/**
 * The multi-part AOF manifest of Redis 7.0 (aof.c), its file naming, and the
 * pure transitions a rewrite makes to it.
 *
 *   file appendonly.aof.1.base.rdb seq 1 type b\n
 *   file appendonly.aof.1.incr.aof seq 1 type h\n
 *   file appendonly.aof.2.incr.aof seq 2 type i\n
 *
 * Formatting (getAofManifestAsString): BASE first, then HISTORY, then INCR;
 * a file name that needs it is quoted with sdscatrepr. Parsing
 * (aofLoadManifestFromFile): lines of at most 1024 bytes, '#' comments,
 * sdssplitargs tokens, key/value pairs in any order with unknown keys
 * ignored, and the same errors in the same order as Redis, which logs them
 * and exits.
 *
 * Names: `<appendfilename>.<seq>.base.rdb` (aof-use-rdb-preamble yes) or
 * `.base.aof`, `<appendfilename>.<seq>.incr.aof`, the manifest
 * `<appendfilename>.manifest`, all inside `appenddirname`.
 */
import type { RedisString } from '../RedisValue';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofInfo {
  readonly fileName: RedisString;
  readonly fileSeq: number;
  readonly fileType: AofFileType;
}

export interface AofManifest {
  readonly base: AofInfo | null;
  readonly incrList: readonly AofInfo[];
  readonly historyList: readonly AofInfo[];
  readonly currBaseFileSeq: number;
  readonly currIncrFileSeq: number;
}

export const EMPTY_AOF_MANIFEST: AofManifest = { base: null, incrList: [], historyList: [], currBaseFileSeq: 0, currIncrFileSeq: 0 };

export const DEFAULT_APPENDFILENAME = 'appendonly.aof';
export const DEFAULT_APPENDDIRNAME = 'appendonlydir';

export function manifestFileName(appendfilename = DEFAULT_APPENDFILENAME): string {
  return `${appendfilename}.manifest`;
}

export function tempManifestFileName(appendfilename = DEFAULT_APPENDFILENAME): string {
  return `temp-${appendfilename}.manifest`;
}

export function baseFileName(seq: number, options: { appendfilename?: string; aofUseRdbPreamble: boolean }): string {
  return `${options.appendfilename ?? DEFAULT_APPENDFILENAME}.${seq}.base.${options.aofUseRdbPreamble ? 'rdb' : 'aof'}`;
}

export function incrFileName(seq: number, appendfilename = DEFAULT_APPENDFILENAME): string {
  return `${appendfilename}.${seq}.incr.aof`;
}

/** getTempIncrAofName: where writes go while a rewrite runs with AOF off. */
export function tempIncrFileName(appendfilename = DEFAULT_APPENDFILENAME): string {
  return `temp-${appendfilename}.incr`;
}

/** The temporary base a rewrite child writes (aof.c rewriteAppendOnlyFileBackground). */
export function tempRewriteFileName(childPid: number): string {
  return `temp-rewriteaof-bg-${childPid}.aof`;
}

// --- formatting -------------------------------------------------------------

/** C isprint in the C locale. */
const isprint = (c: number) => c >= 0x20 && c <= 0x7e;
/** C isspace in the C locale. */
const isspace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** sds.c sdsneedsrepr. */
export function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c || c === 0x22 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x07 || c === 0x08 || !isprint(c) || isspace(c)) return true;
  }
  return false;
}

/** sds.c sdscatrepr: a double-quoted, escaped copy. */
export function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        out += isprint(c) ? s[i] : `\\x${c.toString(16).padStart(2, '0')}`;
    }
  }
  return out + '"';
}

/** aofInfoFormat: one manifest line. */
export function formatAofInfo(ai: AofInfo): string {
  const name = needsRepr(ai.fileName) ? repr(ai.fileName) : ai.fileName;
  return `file ${name} seq ${ai.fileSeq} type ${ai.fileType}\n`;
}

/** getAofManifestAsString: BASE, then HISTORY, then INCR. */
export function formatAofManifest(m: AofManifest): string {
  let out = m.base ? formatAofInfo(m.base) : '';
  for (const ai of m.historyList) out += formatAofInfo(ai);
  for (const ai of m.incrList) out += formatAofInfo(ai);
  return out;
}

// --- parsing ----------------------------------------------------------------

export type AofManifestParseResult =
  | { readonly ok: true; readonly manifest: AofManifest }
  | {
      readonly ok: false;
      /** The error text aof.c logs, e.g. "Invalid AOF manifest file format". */
      readonly error: string;
      /** 1-based line number, when the error is about a line. */
      readonly lineNumber: number | null;
      /** The trimmed offending line. */
      readonly line: string | null;
      /** What redis-server logs before exiting. */
      readonly log: string[];
    };

const MANIFEST_MAX_LINE = 1024;

/** sds.c sdssplitargs: tokens, or null on unbalanced quotes. */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let p = 0;
  const n = line.length;
  const at = (i: number) => (i < n ? line.charCodeAt(i) : 0);
  for (;;) {
    while (p < n && isspace(at(p))) p++;
    if (p >= n) return out;
    let inq = false;
    let insq = false;
    let done = false;
    let current = '';
    while (!done) {
      const c = at(p);
      if (inq) {
        if (c === 0x5c && at(p + 1) === 0x78 && isHex(at(p + 2)) && isHex(at(p + 3))) {
          current += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === 0x5c && p + 1 < n) {
          p++;
          const e = line[p]!;
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === 0x22) {
          if (p + 1 < n && !isspace(at(p + 1))) return null; // closing quote must be followed by a space
          done = true;
        } else if (p >= n) {
          return null; // unterminated quotes
        } else {
          current += line[p];
        }
      } else if (insq) {
        if (c === 0x5c && at(p + 1) === 0x27) {
          p++;
          current += "'";
        } else if (c === 0x27) {
          if (p + 1 < n && !isspace(at(p + 1))) return null;
          done = true;
        } else if (p >= n) {
          return null;
        } else {
          current += line[p];
        }
      } else if (p >= n || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) {
        done = true;
      } else if (c === 0x22) {
        inq = true;
      } else if (c === 0x27) {
        insq = true;
      } else {
        current += line[p];
      }
      if (p < n) p++;
    }
    out.push(current);
  }
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** C atoll. */
function atoll(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** aof.c aofLoadManifestFromFile over the manifest's bytes (a binary string). */
export function parseAofManifest(text: RedisString): AofManifestParseResult {
  let base: AofInfo | null = null;
  const incrList: AofInfo[] = [];
  const historyList: AofInfo[] = [];
  let currBaseFileSeq = 0;
  let currIncrFileSeq = 0;
  let maxseq = 0;
  let linenum = 0;
  let pos = 0;

  const fail = (error: string, line: string | null) => {
    const log = ['\n*** FATAL AOF MANIFEST FILE ERROR ***\n'];
    if (line !== null) log.push(`Reading the manifest file, at line ${linenum}\n`, `>>> '${line}'\n`);
    log.push(`${error}\n`);
    return { ok: false as const, error, lineNumber: line !== null ? linenum : null, line, log };
  };

  for (;;) {
    if (pos >= text.length) {
      if (linenum === 0) return fail('Found an empty AOF manifest', null);
      break;
    }
    // fgets(buf, MANIFEST_MAX_LINE + 1): up to 1024 bytes or through '\n'.
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 || nl - pos + 1 > MANIFEST_MAX_LINE ? Math.min(text.length, pos + MANIFEST_MAX_LINE) : nl + 1;
    let buf = text.slice(pos, lineEnd);
    pos = lineEnd;
    linenum++;
    if (buf[0] === '#') continue;
    if (!buf.includes('\n')) return fail('The AOF manifest file contains too long line', null);
    // sdsnew(buf) stops at a NUL byte; sdstrim removes " \t\r\n" at both ends.
    const nul = buf.indexOf('\0');
    if (nul !== -1) buf = buf.slice(0, nul);
    const line = buf.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line.length === 0) return fail('Invalid AOF manifest file format', line);
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2) return fail('Invalid AOF manifest file format', line);

    let fileName: string | null = null;
    let fileSeq = 0;
    let fileType = '';
    for (let i = 0; i < argv.length; i += 2) {
      const key = argv[i]!.toLowerCase();
      if (key === 'file') {
        fileName = argv[i + 1]!.split('\0')[0]!;
        if (fileName.includes('/') || fileName.includes('\\')) return fail("File can't be a path, just a filename", line);
      } else if (key === 'seq') {
        fileSeq = atoll(argv[i + 1]!);
      } else if (key === 'type') {
        fileType = argv[i + 1]![0] ?? '';
      }
    }
    if (!fileName || !fileSeq || !fileType) return fail('Invalid AOF manifest file format', line);

    if (fileType === 'b') {
      if (base) return fail('Found duplicate base file information', line);
      base = { fileName, fileSeq, fileType };
      currBaseFileSeq = fileSeq;
    } else if (fileType === 'h') {
      historyList.push({ fileName, fileSeq, fileType });
    } else if (fileType === 'i') {
      if (fileSeq <= maxseq) return fail('Found a non-monotonic sequence number', line);
      incrList.push({ fileName, fileSeq, fileType });
      currIncrFileSeq = fileSeq;
      maxseq = fileSeq;
    } else {
      return fail('Unknown AOF file type', line);
    }
  }
  return { ok: true, manifest: { base, incrList, historyList, currBaseFileSeq, currIncrFileSeq } };
}

// --- transitions (aof.c), each returning a new manifest ----------------------

/** getNewBaseFileNameAndMarkPreAsHistory: the old base becomes the first HISTORY entry. */
export function withNewBaseFile(
  m: AofManifest,
  options: { appendfilename?: string; aofUseRdbPreamble: boolean },
): { manifest: AofManifest; fileName: string } {
  const seq = m.currBaseFileSeq + 1;
  const fileName = baseFileName(seq, options);
  const historyList = m.base ? [{ ...m.base, fileType: 'h' as const }, ...m.historyList] : [...m.historyList];
  return { manifest: { ...m, base: { fileName, fileSeq: seq, fileType: 'b' }, historyList, currBaseFileSeq: seq }, fileName };
}

/** getNewIncrAofName: a new INCR file at the end of the list. */
export function withNewIncrFile(m: AofManifest, appendfilename = DEFAULT_APPENDFILENAME): { manifest: AofManifest; fileName: string } {
  const seq = m.currIncrFileSeq + 1;
  const fileName = incrFileName(seq, appendfilename);
  return { manifest: { ...m, incrList: [...m.incrList, { fileName, fileSeq: seq, fileType: 'i' }], currIncrFileSeq: seq }, fileName };
}

/** getLastIncrAofName: the INCR file being appended to, creating one if there is none. */
export function lastIncrFile(m: AofManifest, appendfilename = DEFAULT_APPENDFILENAME): { manifest: AofManifest; fileName: string } {
  const last = m.incrList.at(-1);
  return last ? { manifest: m, fileName: last.fileName } : withNewIncrFile(m, appendfilename);
}

/**
 * markRewrittenIncrAofAsHistory: after a successful rewrite every INCR file
 * but the one being written (when AOF is on) becomes HISTORY, newest first.
 */
export function withRewrittenIncrAsHistory(m: AofManifest, options: { aofEnabled: boolean }): AofManifest {
  if (m.incrList.length === 0) return m;
  const keep = options.aofEnabled ? m.incrList.slice(-1) : [];
  const moved = options.aofEnabled ? m.incrList.slice(0, -1) : m.incrList;
  const historyList = [...moved.map((ai) => ({ ...ai, fileType: 'h' as const })).reverse(), ...m.historyList];
  return { ...m, incrList: keep, historyList };
}

/** aofDelHistoryFiles: the HISTORY files to unlink, and the manifest without them. */
export function withoutHistory(m: AofManifest): { manifest: AofManifest; removed: string[] } {
  return { manifest: { ...m, historyList: [] }, removed: m.historyList.map((ai) => ai.fileName) };
}
