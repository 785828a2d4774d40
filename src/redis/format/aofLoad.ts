/**
 * Loading an AOF as Redis 7.0 does (aof.c loadSingleAppendOnlyFile and
 * loadAppendOnlyFiles), deciding exactly what redis-server decides and
 * logging what it logs, over bytes the caller reads from its (simulated) disk.
 *
 * Per file: an RDB preamble when the file starts with "REDIS" (a base
 * `.base.rdb`, or an old-style appendonly.aof with preamble), then RESP
 * commands replayed through an applier on a fresh AOF client (db 0, no
 * MULTI). The outcomes:
 *   - ok;
 *   - truncated: the file ends inside a command, or inside a MULTI that never
 *     got its EXEC (reverted to just before the MULTI). With
 *     aof-load-truncated yes the file is cut at the last complete command
 *     (`truncateToBytes`, which the caller applies to the file) and loading
 *     continues; with no, or when the file is not the last one, it fails;
 *   - failed: bad format in the middle, an unknown command, an RDB preamble
 *     that does not load; Redis exits;
 *   - empty (0 bytes), not-exist.
 *
 * Queued MULTI commands run at EXEC, as the AOF client's do. Nothing here
 * touches a clock: `nowMs` is only for the applier's relative commands.
 */
import { DB_COUNT, emptyDb, type RedisDb, type RedisString } from '../RedisValue';
import { applyAofCommand, lookupAofCommand, type AofApplyContext, type AofCommandApplier, type AofCommandLookup } from './aofApply';
import type { AofManifest } from './aofManifest';
import { decodeRdb, type RedisLogLine } from './rdbDecode';
import { AofReader } from './resp';

export type AofLoadStatus = 'ok' | 'truncated' | 'failed' | 'empty' | 'not-exist';

export interface AofLoadOptions {
  /** aof-load-truncated (default yes). */
  readonly aofLoadTruncated?: boolean;
  /** rdbchecksum, for an RDB preamble. */
  readonly rdbchecksum?: boolean;
  readonly nowMs: number;
  /** The server's command replay; defaults to the minimal built-in one. */
  readonly applyCommand?: AofCommandApplier;
  /** The server's lookupCommand; defaults to the built-in applier's. */
  readonly lookupCommand?: AofCommandLookup;
  /** appendfilename: an RDB preamble in a file of this name is "old style". */
  readonly appendfilename?: string;
}

export interface AofFileLoadResult {
  readonly status: AofLoadStatus;
  /** Set when aof-load-truncated cut the file: its new length. */
  readonly truncateToBytes: number | null;
  /** Commands replayed (MULTI and EXEC included). */
  readonly commands: number;
  /** Why it failed, in faultline's words, when status is 'failed'. */
  readonly failure: string | null;
}

/**
 * loadSingleAppendOnlyFile: replays `bytes` (null when the file does not
 * exist) into `dbs`, appending Redis's log lines to `log`.
 */
export function loadSingleAof(
  fileName: string,
  bytes: Uint8Array | null,
  dbs: RedisDb[],
  options: AofLoadOptions,
  log: RedisLogLine[],
): AofFileLoadResult {
  const warn = (message: string) => log.push({ level: 'warning', message });
  const notice = (message: string) => log.push({ level: 'notice', message });
  const result = (status: AofLoadStatus, truncateToBytes: number | null = null, failure: string | null = null): AofFileLoadResult => ({
    status,
    truncateToBytes,
    commands,
    failure,
  });
  let commands = 0;

  if (bytes === null) {
    warn(`The append log file ${fileName} doesn't exist: No such file or directory`);
    return result('not-exist');
  }
  if (bytes.length === 0) return result('empty');

  const loadTruncated = options.aofLoadTruncated ?? true;
  const apply = options.applyCommand ?? applyAofCommand;
  const lookup = options.lookupCommand ?? (options.applyCommand ? () => 'ok' as const : lookupAofCommand);
  const ctx: AofApplyContext = { dbs, db: 0, nowMs: options.nowMs };
  let start = 0;

  if (bytes.length >= 5 && Buffer.from(bytes.buffer, bytes.byteOffset, 5).toString('latin1') === 'REDIS') {
    const oldStyle = fileName === (options.appendfilename ?? 'appendonly.aof');
    notice(oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
    const rdb = decodeRdb(bytes, { nowMs: options.nowMs, aofPreamble: true, rdbchecksum: options.rdbchecksum ?? true });
    log.push(...rdb.log);
    if (!rdb.ok) {
      // rdbReportError exits the process for content errors; a bad signature
      // or version returns to loadSingleAppendOnlyFile's readerr instead.
      if (rdb.error.kind === 'signature' || rdb.error.kind === 'version') {
        warn(
          oldStyle
            ? `Error reading the RDB preamble of the AOF file ${fileName}, AOF loading aborted`
            : `Error reading the RDB base file ${fileName}, AOF loading aborted`,
        );
        warn(`Unrecoverable error reading the append only file ${fileName}: Invalid argument`);
      }
      return result('failed', null, `RDB preamble: ${rdb.error.reason}`);
    }
    for (let i = 0; i < dbs.length && i < rdb.dbs.length; i++) mergeDb(dbs[i]!, rdb.dbs[i]!);
    start = rdb.endOffset;
    if (oldStyle) notice('Reading the remaining AOF tail...');
  }

  const reader = new AofReader(bytes, start);
  let validUpTo = 0; // only advanced with aof-load-truncated, as in aof.c
  let validBeforeMulti = 0;
  let inMulti = false;
  let queued: RedisString[][] = [];

  for (;;) {
    const rec = reader.next();
    if (rec.kind === 'annotation') continue;
    if (rec.kind === 'command') {
      commands++;
      const known = lookup(rec.argv);
      if (known !== 'ok') return unknown(rec.argv, known);
      const first = rec.argv[0]!;
      // Only MULTI and EXEC matter here; skip lower-casing every other name.
      const name = first.length === 4 || first.length === 5 ? first.toLowerCase() : '';
      if (name === 'multi') validBeforeMulti = validUpTo;
      if (inMulti && name !== 'exec') {
        queued.push(rec.argv);
      } else if (name === 'multi') {
        inMulti = true;
        queued = [];
      } else if (name === 'exec') {
        if (inMulti) {
          for (const argv of queued) {
            const r = apply(ctx, argv);
            if (r !== 'ok') return unknown(argv, r);
          }
        }
        inMulti = false;
        queued = [];
      } else {
        const r = apply(ctx, rec.argv);
        if (r !== 'ok') return unknown(rec.argv, r);
      }
      if (loadTruncated) validUpTo = rec.end;
      continue;
    }
    if (rec.kind === 'eof') {
      if (inMulti) {
        warn(`Revert incomplete MULTI/EXEC transaction in AOF file ${fileName}`);
        return unexpectedEof(validBeforeMulti);
      }
      return result('ok');
    }
    if (rec.kind === 'truncated') return unexpectedEof(validUpTo);
    if (rec.kind === 'read-error') {
      warn(`Unrecoverable error reading the append only file ${fileName}: Success`);
      return result('failed', null, `read error at offset ${rec.at}`);
    }
    warn(
      `Bad file format reading the append only file ${fileName}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
    );
    return result('failed', null, `bad file format at offset ${rec.at}`);
  }

  function unknown(argv: RedisString[], r: 'unknown-command' | 'unsupported'): AofFileLoadResult {
    if (r === 'unknown-command') {
      warn(`Unknown command '${argv[0]}' reading the append only file ${fileName}`);
      return result('failed', null, `unknown command '${argv[0]}'`);
    }
    return result('failed', null, `faultline: command '${argv[0]}' is not supported by the AOF applier`);
  }

  function unexpectedEof(validUpToBytes: number): AofFileLoadResult {
    if (loadTruncated) {
      warn(`!!! Warning: short read while loading the AOF file ${fileName}!!!`);
      warn(`!!! Truncating the AOF ${fileName} at offset ${validUpToBytes} !!!`);
      warn(`AOF ${fileName} loaded anyway because aof-load-truncated is enabled`);
      return result('truncated', validUpToBytes);
    }
    warn(
      `Unexpected end of file reading the append only file ${fileName}. You can: ` +
        '1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ' +
        "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
    );
    return result('failed', null, 'unexpected end of file');
  }
}

/** Moves every key of `from` into `into` (an RDB base loads into empty dbs). */
function mergeDb(into: RedisDb, from: RedisDb): void {
  for (const [k, v] of from.dict) into.dict.set(k, v);
  for (const [k, at] of from.expires) into.expires.set(k, at);
}

export interface AofDirLoadResult {
  readonly status: AofLoadStatus;
  readonly dbs: RedisDb[];
  readonly log: RedisLogLine[];
  /** Files aof-load-truncated cut, with their new lengths (only ever the last file). */
  readonly truncations: { readonly fileName: string; readonly toBytes: number }[];
  /** server.aof_current_size after loading: BASE + INCR sizes before any truncation. */
  readonly aofCurrentSizeBytes: number;
  /** server.aof_rewrite_base_size: the BASE file's size. */
  readonly aofRewriteBaseSizeBytes: number;
  readonly failure: string | null;
}

/**
 * loadAppendOnlyFiles: BASE then each INCR in manifest order, into 16 empty
 * dbs. `read(name)` returns a file of the AOF directory, null if missing.
 */
export function loadAofFiles(manifest: AofManifest, read: (fileName: string) => Uint8Array | null, options: AofLoadOptions): AofDirLoadResult {
  const log: RedisLogLine[] = [];
  const dbs = Array.from({ length: DB_COUNT }, emptyDb);
  const truncations: { fileName: string; toBytes: number }[] = [];
  const done = (status: AofLoadStatus, failure: string | null = null, sizes = { current: 0, base: 0 }): AofDirLoadResult => ({
    status,
    dbs,
    log,
    truncations,
    aofCurrentSizeBytes: sizes.current,
    aofRewriteBaseSizeBytes: sizes.base,
    failure,
  });

  const files = [...(manifest.base ? [{ info: manifest.base, kind: 'base' as const }] : []), ...manifest.incrList.map((info) => ({ info, kind: 'incr' as const }))];
  if (files.length === 0) return done('not-exist');

  // getBaseAndIncrAppendOnlyFilesSize: every listed file must exist.
  let total = 0;
  const contents: Uint8Array[] = [];
  for (const f of files) {
    const bytes = read(f.info.fileName);
    if (bytes === null) {
      log.push({ level: 'warning', message: `Unable to obtain the AOF file ${f.info.fileName} length. stat: No such file or directory` });
      return done('failed', `missing file ${f.info.fileName}`);
    }
    contents.push(bytes);
    total += bytes.length;
  }
  if (total === 0) return done('empty');
  const baseSize = manifest.base ? contents[0]!.length : 0;

  for (let i = 0; i < files.length; i++) {
    const { info, kind } = files[i]!;
    const lastFile = i === files.length - 1;
    const r = loadSingleAof(info.fileName, contents[i]!, dbs, options, log);
    let status = r.status;
    if (status === 'ok' || (status === 'truncated' && lastFile)) {
      log.push({ level: 'notice', message: `DB loaded from ${kind} file ${info.fileName}: 0.000 seconds` });
    }
    if (status === 'empty' && kind === 'incr') status = 'ok';
    if (status === 'truncated') {
      truncations.push({ fileName: info.fileName, toBytes: r.truncateToBytes! });
      if (!lastFile) {
        log.push({ level: 'warning', message: 'Fatal error: the truncated file is not the last file' });
        return done('failed', `truncated file ${info.fileName} is not the last file`);
      }
    }
    if (status === 'failed') return done('failed', r.failure);
    if (lastFile) return done(status, null, { current: total, base: baseSize });
  }
  return done('ok', null, { current: total, base: baseSize });
}
