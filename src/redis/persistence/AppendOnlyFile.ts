/**
 * The append-only file of a redis-server process, as aof.c (7.0) keeps it:
 * the multi-part directory (BASE, INCR, HISTORY, manifest), the AOF buffer
 * and when it reaches the disk.
 *
 * When bytes become durable (nothing here decides a loss window; the disk
 * model does):
 *   - every propagated command is appended to `aof_buf` (feedAppendOnlyFile,
 *     with a SELECT when the db changes);
 *   - before replies go out (beforeSleep), the buffer is written to the
 *     INCR file: from then on a process crash cannot lose it, the page
 *     cache has it (flushAppendOnlyFile);
 *   - `appendfsync always`: fsync right after the write, before the reply;
 *   - `everysec`: once the second changed, a background fsync (bio) of the
 *     bytes written so far; while one is still running the write itself is
 *     postponed, for up to 2 seconds, then done anyway (aof_delayed_fsync);
 *   - `no`: never fsynced by Redis; the kernel's flusher writes back what
 *     has been dirty for 30 s;
 *   - `no-appendfsync-on-rewrite yes`: no fsync while a child runs.
 * Write errors are remembered (aof_last_write_status) and deny writes with
 * -MISCONF until a write succeeds; with `always` they are fatal (exit 1),
 * as is a failed fsync.
 *
 * Background rewrites are AofRewriter's; this file gives them what they
 * need of the AOF: a flushed buffer, a new INCR file opened with the
 * manifest persisted first, the manifest, the history files.
 */
import type { FileHandle } from '../../sim/SimDisk';
import {
  EMPTY_AOF_MANIFEST,
  lastIncrFile,
  tempIncrFileName,
  withNewBaseFile,
  withNewIncrFile,
  withoutHistory,
  type AofManifest,
} from '../format/aofManifest';
import { respSelect } from '../format/resp';
import type { RedisServer } from '../RedisServer';
import type { RedisString } from '../RedisValue';
import { AofBuffer } from './AofBuffer';
import { loadManifestFromDisk, persistManifest } from './aofManifestFile';
import { AofRewriter } from './AofRewriter';
import { errnoOf, joinPath, strerror, type Errno } from './diskErrors';
import type { Forker } from './Forker';
import { saveDurationMs } from './hostModel';
import type { RedisLogLevel } from './RedisLog';
import type { RedisProcessEnv } from './RedisProcessEnv';
import { aofBaseImage } from './snapshot';

export type AofState = 'off' | 'on' | 'wait-rewrite';

/** AOF_WRITE_LOG_ERROR_RATE: seconds between two write-error log lines. */
const WRITE_ERROR_LOG_RATE_SEC = 30;

export class AppendOnlyFile {
  state: AofState = 'off';
  manifest: AofManifest = EMPTY_AOF_MANIFEST;
  /** aof_current_size and aof_rewrite_base_size. */
  currentSize = 0;
  rewriteBaseSize = 0;
  delayedFsync = 0;
  pendingBioFsyncs = 0;
  /** Background rewrites of this file. */
  readonly rewriter: AofRewriter;

  private fd: FileHandle | null = null;
  private readonly buf = new AofBuffer();
  private selectedDb = -1;
  private lastIncrSize = 0;
  private lastIncrFsyncOffset = 0;
  private lastFsyncSec: number;
  private flushPostponedStartSec = 0;
  private lastWriteOk = true;
  private lastWriteErrno: Errno = 'EIO';
  private bioFsyncOk = true;
  private bioFsyncErrno: Errno = 'EIO';
  private lastWriteErrorLogSec = 0;
  private curTimestampSec = 0;
  private alive = true;

  constructor(
    private readonly env: RedisProcessEnv,
    private readonly server: RedisServer,
    private readonly forker: Forker & { discardChild(): void },
    private readonly usedMemory: () => number,
  ) {
    this.lastFsyncSec = this.unixtime;
    this.rewriter = new AofRewriter(env, server, this, forker);
  }

  // ---- paths and small helpers ------------------------------------------------

  private get unixtime(): number {
    return Math.floor(this.env.nowMs / 1000);
  }

  get dir(): string {
    return this.server.config.get('dir');
  }

  get aofDir(): string {
    return joinPath(this.dir, this.server.config.get('appenddirname'));
  }

  get appendfilename(): string {
    return this.server.config.get('appendfilename');
  }

  inAofDir(name: string): string {
    return joinPath(this.aofDir, name);
  }

  private log(level: RedisLogLevel, message: string): void {
    this.env.log.write(this.server.pid, 'M', level, message);
  }

  /** Size of a file of the AOF directory (0 when missing). */
  fileSize(name: string): number {
    const path = this.inAofDir(name);
    return this.env.disk.exists(path) ? this.env.disk.size(path) : 0;
  }

  /** aof_buf's length in bytes. */
  get bufferLength(): number {
    return this.buf.length;
  }

  /** aof_last_incr_size: bytes written to the INCR file being appended to. */
  get incrSize(): number {
    return this.lastIncrSize;
  }

  /** server.aof_fd != -1. */
  get hasOpenFile(): boolean {
    return this.fd !== null;
  }

  clearBuffer(): void {
    this.buf.clear();
  }

  /** aof_last_write_status and the bio fsync status, as INFO prints them. */
  get lastWriteStatusOk(): boolean {
    return this.lastWriteOk && this.bioFsyncOk;
  }

  /** The process died: background fsyncs that complete later report to no one. */
  processExited(): void {
    this.alive = false;
  }

  // ---- start-up -------------------------------------------------------------

  /** aofLoadManifestFromDisk: false when the manifest is unreadable (Redis exits). */
  loadManifest(): boolean {
    const loaded = loadManifestFromDisk(this.env.disk, this.aofDir, this.appendfilename, (level, message) => this.log(level, message));
    if (!loaded.ok) return false;
    this.manifest = loaded.manifest;
    return true;
  }

  /**
   * aofOpenIfNeededOnServerStart: with AOF on, make sure there is a BASE
   * (an empty one when starting empty), open the last INCR file for
   * appending (creating one), persist the manifest. False means exit(1).
   */
  openIfNeededOnServerStart(): boolean {
    if (this.state !== 'on') return true;
    if (!this.dirCreateIfMissing()) return false;
    let manifest = this.manifest;
    let dirty = false;
    const hadIncr = manifest.incrList.length > 0;
    if (manifest.base === null && !hadIncr) {
      const next = withNewBaseFile(manifest, { appendfilename: this.appendfilename, aofUseRdbPreamble: this.server.config.get('aof-use-rdb-preamble') });
      if (!this.rewriteAppendOnlyFileSync(this.inAofDir(next.fileName))) return false;
      manifest = next.manifest;
      dirty = true;
      this.log('notice', `Creating AOF base file ${next.fileName} on server start`);
    }
    const last = lastIncrFile(manifest, this.appendfilename);
    if (last.manifest !== manifest) dirty = true;
    manifest = last.manifest;
    try {
      this.fd = this.env.disk.open(this.inAofDir(last.fileName), { create: true });
    } catch (error) {
      this.log('warning', `Can't open the append-only file ${last.fileName}: ${strerror(errnoOf(error))}`);
      return false;
    }
    if (dirty && !this.persistManifest(manifest)) return false;
    this.manifest = manifest;
    this.lastIncrSize = this.fileSize(last.fileName);
    this.lastIncrFsyncOffset = this.lastIncrSize;
    this.log('notice', `${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${last.fileName} on server start`);
    return true;
  }

  /** After loading: aof_current_size and aof_rewrite_base_size as loadAppendOnlyFiles sets them. */
  setLoadedSizes(currentSize: number, baseSize: number): void {
    this.currentSize = currentSize;
    this.rewriteBaseSize = baseSize;
  }

  /** rewriteAppendOnlyFile run by the server itself (at start): temp file, fsync, rename. */
  private rewriteAppendOnlyFileSync(path: string): boolean {
    const disk = this.env.disk;
    const temp = joinPath(this.dir, `temp-rewriteaof-${this.server.pid}.aof`);
    const image = aofBaseImage(this.server, this.usedMemory());
    this.env.block(saveDurationMs(this.env.model, image.length) + disk.fsyncLatencyMs, 'AOF base');
    let handle: FileHandle;
    try {
      handle = disk.open(temp, { create: true, truncate: true });
    } catch (error) {
      this.log('warning', `Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${strerror(errnoOf(error))}`);
      return false;
    }
    try {
      if (disk.append(handle, image) < image.length) throw new ShortWriteError();
      disk.fsync(handle);
    } catch (error) {
      this.log('warning', `Write error writing append only file on disk: ${strerror(error instanceof ShortWriteError ? 'ENOSPC' : errnoOf(error))}`);
      if (disk.exists(temp)) disk.unlink(temp);
      return false;
    }
    try {
      disk.rename(temp, path);
    } catch (error) {
      this.log('warning', `Error moving temp append only file on the final destination: ${strerror(errnoOf(error))}`);
      if (disk.exists(temp)) disk.unlink(temp);
      return false;
    }
    return true;
  }

  /** aofDelHistoryFiles: unlink the HISTORY files, persist the manifest without them. */
  delHistoryFiles(): void {
    if (this.manifest.historyList.length === 0) return;
    const { manifest, removed } = withoutHistory(this.manifest);
    for (const name of removed) {
      this.log('notice', `Removing the history file ${name} in the background`);
      const path = this.inAofDir(name);
      if (this.env.disk.exists(path)) this.env.disk.unlink(path);
    }
    if (this.persistManifest(manifest)) this.manifest = manifest;
  }

  persistManifest(manifest: AofManifest): boolean {
    return persistManifest(this.env.disk, this.aofDir, this.appendfilename, manifest, (level, message) => this.log(level, message));
  }

  /** dirCreateIfMissing for the AOF directory, logging as Redis does. */
  dirCreateIfMissing(): boolean {
    const disk = this.env.disk;
    if (disk.isDirectory(this.aofDir)) return true;
    try {
      disk.mkdir(this.aofDir);
      return true;
    } catch (error) {
      const errno = disk.exists(this.aofDir) ? 'ENOTDIR' : errnoOf(error);
      this.log('warning', `Can't open or create append-only dir ${this.server.config.get('appenddirname')}: ${strerror(errno)}`);
      return false;
    }
  }

  // ---- feeding and flushing ---------------------------------------------------

  /** feedAppendOnlyFile: one propagated command. */
  feed(db: number, argv: readonly RedisString[]): void {
    if (this.state === 'off') return;
    // While waiting for the first rewrite only a rewrite child's writes are kept (they go to the temp INCR file).
    const keep = this.state === 'on' || this.forker.activeChild?.type === 'aof';
    if (this.server.config.get('aof-timestamp-enabled') && this.curTimestampSec < this.unixtime) {
      this.curTimestampSec = this.unixtime;
      if (keep) this.buf.appendText(`#TS:${this.curTimestampSec}\r\n`);
    }
    if (db !== this.selectedDb) {
      if (keep) this.buf.appendText(respSelect(db));
      this.selectedDb = db;
    }
    if (keep) this.buf.appendCommand(argv);
  }

  /** flushAppendOnlyFile. */
  flush(force: boolean): void {
    const policy = this.server.config.get('appendfsync');
    let syncInProgress = false;
    if (this.buf.length === 0) {
      if (policy === 'everysec' && this.lastIncrFsyncOffset !== this.lastIncrSize && this.unixtime > this.lastFsyncSec && this.pendingBioFsyncs === 0) {
        this.tryFsync(policy, false);
      } else if (policy === 'always' && this.lastIncrFsyncOffset !== this.lastIncrSize) {
        this.tryFsync(policy, false);
      }
      return;
    }
    if (policy === 'everysec') syncInProgress = this.pendingBioFsyncs > 0;
    if (policy === 'everysec' && !force && syncInProgress) {
      if (this.flushPostponedStartSec === 0) {
        this.flushPostponedStartSec = this.unixtime;
        this.traceAof('postponed');
        return;
      } else if (this.unixtime - this.flushPostponedStartSec < 2) {
        return;
      }
      this.delayedFsync++;
      this.log('notice', 'Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.');
    }
    if (!this.write()) return;
    this.tryFsync(policy, syncInProgress);
  }

  /** The write(2) of aof_buf and its error handling; true when the whole buffer was written. */
  private write(): boolean {
    const disk = this.env.disk;
    const bytes = this.buf.view();
    let nwritten: number;
    let errno: Errno = 'ENOSPC';
    try {
      nwritten = disk.append(this.fd!, bytes);
    } catch (error) {
      nwritten = -1;
      errno = errnoOf(error);
    }
    this.flushPostponedStartSec = 0;
    if (nwritten === bytes.length) {
      if (!this.lastWriteOk) {
        this.log('warning', 'AOF write error looks solved, Redis can write again.');
        this.lastWriteOk = true;
      }
      this.currentSize += nwritten;
      this.lastIncrSize += nwritten;
      this.buf.clear();
      this.traceAof('write', nwritten);
      return true;
    }
    const canLog = this.unixtime - this.lastWriteErrorLogSec > WRITE_ERROR_LOG_RATE_SEC;
    if (canLog) this.lastWriteErrorLogSec = this.unixtime;
    if (nwritten === -1) {
      if (canLog) this.log('warning', `Error writing to the AOF file: ${strerror(errno)}`);
      this.lastWriteErrno = errno;
    } else {
      if (canLog) this.log('warning', `Short write while writing to the AOF file: (nwritten=${nwritten}, expected=${bytes.length})`);
      try {
        disk.truncate(this.fd!, this.lastIncrSize);
        nwritten = -1;
      } catch (error) {
        if (canLog) {
          this.log(
            'warning',
            `Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: ${strerror(errnoOf(error))}`,
          );
        }
      }
      this.lastWriteErrno = 'ENOSPC';
    }
    this.traceAof('write-error', nwritten, this.lastWriteErrno);
    if (this.server.config.get('appendfsync') === 'always') {
      this.log('warning', "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      this.env.exit(1, `AOF write error with appendfsync always: ${strerror(this.lastWriteErrno)}`);
      return false;
    }
    this.lastWriteOk = false;
    if (nwritten > 0) {
      this.currentSize += nwritten;
      this.lastIncrSize += nwritten;
      this.buf.consume(nwritten);
    }
    return false;
  }

  /** try_fsync: label of flushAppendOnlyFile. */
  private tryFsync(policy: 'always' | 'everysec' | 'no', syncInProgress: boolean): void {
    if (this.server.config.get('no-appendfsync-on-rewrite') && this.forker.activeChild !== null) return;
    if (policy === 'always') {
      try {
        this.env.disk.fsync(this.fd!);
      } catch (error) {
        this.log('warning', `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${strerror(errnoOf(error))}. Exiting...`);
        this.env.exit(1, 'AOF fsync error with appendfsync always');
        return;
      }
      this.env.block(this.env.disk.fsyncLatencyMs, 'fsync');
      this.lastIncrFsyncOffset = this.lastIncrSize;
      this.lastFsyncSec = this.unixtime;
      this.traceAof('fsync', this.lastIncrSize);
    } else if (policy === 'everysec' && this.unixtime > this.lastFsyncSec) {
      if (!syncInProgress) {
        this.backgroundFsync(this.fd!);
        this.lastIncrFsyncOffset = this.lastIncrSize;
      }
      this.lastFsyncSec = this.unixtime;
    }
  }

  /** aof_background_fsync: a bio job; its outcome sets aof_bio_fsync_status. */
  private backgroundFsync(fd: FileHandle): void {
    this.pendingBioFsyncs++;
    const upTo = this.lastIncrSize;
    this.traceAof('fsync-start', upTo);
    this.env.disk.fsyncInBackground(fd, (error) => {
      if (!this.alive) return;
      this.pendingBioFsyncs--;
      if (error !== null) {
        const wasOk = this.bioFsyncOk;
        this.bioFsyncOk = false;
        this.bioFsyncErrno = error.code;
        if (wasOk) this.log('warning', `Fail to fsync the AOF file: ${strerror(error.code)}`);
        return;
      }
      this.bioFsyncOk = true;
      this.traceAof('fsync', upTo);
    });
  }

  /** writeCommandsDeniedByDiskError, the AOF half: the -MISCONF text or null. */
  writeDeniedError(): string | null {
    if (this.state === 'off') return null;
    if (!this.lastWriteOk) return `MISCONF Errors writing to the AOF file: ${strerror(this.lastWriteErrno)}`;
    if (!this.bioFsyncOk) {
      this.lastWriteErrno = this.bioFsyncErrno;
      return `MISCONF Errors writing to the AOF file: ${strerror(this.lastWriteErrno)}`;
    }
    return null;
  }

  /** Work serverCron must come back for. */
  needsCron(): boolean {
    if (this.state === 'off') return this.rewriter.scheduled;
    if (this.buf.length > 0 || this.flushPostponedStartSec !== 0 || !this.lastWriteOk || this.rewriter.scheduled) return true;
    if (this.server.config.get('appendfsync') === 'everysec' && this.lastIncrFsyncOffset !== this.lastIncrSize) return true;
    return this.rewriter.autoRewriteDue();
  }

  /** serverCron's AOF duties, in its order (the scheduled and automatic rewrites come from DiskPersistence). */
  cronFlushes(everySecond: boolean): void {
    if (this.state === 'off') return;
    if (this.flushPostponedStartSec !== 0) this.flush(false);
    if (everySecond && !this.lastWriteOk) this.flush(false);
  }

  private traceAof(event: string, bytes?: number, errno?: string): void {
    const trace = this.env.trace;
    if (!trace.active) return;
    trace.emit('redis.aof', {
      host: this.env.host,
      event,
      ...(bytes !== undefined ? { bytes } : {}),
      ...(errno !== undefined ? { errno } : {}),
      file: this.fd?.path ?? '',
    });
  }

  // ---- what a rewrite needs of the file ----------------------------------------

  /** rewriteAppendOnlyFileBackground's first steps: force a SELECT next, flush the buffer. False if that killed the process. */
  flushForRewrite(): boolean {
    this.selectedDb = -1;
    this.flush(true);
    return this.alive;
  }

  /** openNewIncrAofForAppend: a new INCR file (or the temp one while waiting for the first rewrite), manifest persisted first. */
  openNewIncrForAppend(): boolean {
    if (this.state === 'off') return true;
    let next: { manifest: AofManifest; fileName: string } | null = null;
    const name = this.state === 'wait-rewrite' ? tempIncrFileName(this.appendfilename) : (next = withNewIncrFile(this.manifest, this.appendfilename)).fileName;
    let fd: FileHandle;
    try {
      fd = this.env.disk.open(this.inAofDir(name), { create: true, truncate: true });
    } catch (error) {
      this.log('warning', `Can't open the append-only file ${name}: ${strerror(errnoOf(error))}`);
      return false;
    }
    if (next !== null && !this.persistManifest(next.manifest)) return false;
    this.log('notice', `Creating AOF incr file ${name} on background rewrite`);
    // The old INCR file is fsynced and closed by a bio job (aof_background_fsync_and_close).
    if (this.fd !== null) this.env.disk.fsyncInBackground(this.fd, () => {});
    this.lastFsyncSec = this.unixtime;
    this.fd = fd;
    this.lastIncrSize = 0;
    this.lastIncrFsyncOffset = 0;
    if (next !== null) this.manifest = next.manifest;
    return true;
  }

  // ---- turning the AOF on and off -------------------------------------------------

  /** startAppendOnly (CONFIG SET appendonly yes): false when no rewrite could start. */
  start(inExec: boolean): boolean {
    this.state = 'wait-rewrite';
    const child = this.forker.activeChild;
    if (child !== null && child.type !== 'aof') {
      this.rewriter.scheduled = true;
      this.log('warning', 'AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.');
    } else if (inExec) {
      this.rewriter.scheduled = true;
      this.log('warning', 'AOF was enabled during a transaction. An AOF background was scheduled to start when possible.');
    } else {
      if (child !== null) {
        this.log('warning', 'AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.');
        this.rewriter.killChild();
      }
      if (!this.rewriter.start()) {
        this.state = 'off';
        this.log('warning', "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
        return false;
      }
    }
    this.lastFsyncSec = this.unixtime;
    if (!this.bioFsyncOk) {
      this.log('warning', 'AOF reopen, just ignore the AOF fsync error in bio job');
      this.bioFsyncOk = true;
    }
    if (!this.lastWriteOk) {
      this.log('warning', 'AOF reopen, just ignore the last error.');
      this.lastWriteOk = true;
    }
    return true;
  }

  /** stopAppendOnly (CONFIG SET appendonly no). */
  stop(): void {
    this.flush(true);
    if (this.fd !== null) {
      try {
        this.env.disk.fsync(this.fd);
        this.lastFsyncSec = this.unixtime;
      } catch (error) {
        this.log('warning', `Fail to fsync the AOF file: ${strerror(errnoOf(error))}`);
      }
    }
    this.fd = null;
    this.selectedDb = -1;
    this.state = 'off';
    this.rewriter.scheduled = false;
    this.lastIncrSize = 0;
    this.lastIncrFsyncOffset = 0;
    this.rewriter.killChild();
    this.buf.clear();
  }

  /** finishShutdown: flush the buffer and fsync the AOF at exit. */
  flushAndFsyncAtExit(): void {
    if (this.state === 'off') return;
    this.log('notice', 'Calling fsync() on the AOF file.');
    this.flush(true);
    try {
      this.env.disk.fsync(this.fd!);
    } catch (error) {
      this.log('warning', `Fail to fsync the AOF file: ${strerror(errnoOf(error))}.`);
    }
  }
}

class ShortWriteError extends Error {}
