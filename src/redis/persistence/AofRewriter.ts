/**
 * Background AOF rewrites (aof.c rewriteAppendOnlyFileBackground,
 * backgroundRewriteDoneHandler, aofRewriteLimited; 7.0):
 *
 *   1. flush the AOF buffer, open a new INCR file and persist the manifest
 *      that names it (openNewIncrAofForAppend): from here on new writes go
 *      to the new INCR file, and a crash finds them;
 *   2. fork: the child writes the keyspace as of the fork to
 *      temp-rewriteaof-<pid>.aof, fsyncs it and renames it
 *      temp-rewriteaof-bg-<pid>.aof (ForkedChild);
 *   3. when serverCron reaps the child, the parent renames that file to the
 *      next BASE, turns the old BASE and the rewritten INCR files into
 *      HISTORY, persists the manifest, deletes the history files.
 * A crash before step 3 completes leaves the old manifest naming complete
 * files; the child's temp file is left behind.
 *
 * Failures count in aof_rewrites_consecutive_failures (a fork failure does
 * not: 7.0 only counts children that fail); after 3, automatic rewrites
 * wait 1, 2, 4 … up to 60 minutes between attempts. BGREWRITEAOF by hand
 * resets the count.
 */
import { tempIncrFileName, withNewBaseFile, withNewIncrFile, withRewrittenIncrAsHistory } from '../format/aofManifest';
import type { RedisServer } from '../RedisServer';
import type { AppendOnlyFile } from './AppendOnlyFile';
import { errnoOf, joinPath, strerror } from './diskErrors';
import { SIGUSR1, type ChildExit, type ForkedChild } from './ForkedChild';
import type { Forker } from './Forker';
import type { RedisLogLevel } from './RedisLog';
import type { RedisProcessEnv } from './RedisProcessEnv';
import { aofBaseImage } from './snapshot';

/** AOF_REWRITE_LIMITE_THRESHOLD and AOF_REWRITE_LIMITE_MAX_MINUTES. */
const REWRITE_LIMIT_THRESHOLD = 3;
const REWRITE_LIMIT_MAX_MINUTES = 60;

export class AofRewriter {
  /** aof_rewrite_scheduled: start one as soon as no child runs. */
  scheduled = false;
  /** aof_lastbgrewrite_status. */
  lastOk = true;
  /** stat_aof_rewrites and stat_aofrw_consecutive_failures. */
  rewrites = 0;
  consecutiveFailures = 0;
  /** aof_rewrite_time_start and aof_rewrite_time_last, in seconds. */
  timeStartSec = -1;
  timeLastSec = -1;
  private limitNextDelayMinutes = 0;
  private limitNextRewriteTimeSec = 0;

  constructor(
    private readonly env: RedisProcessEnv,
    private readonly server: RedisServer,
    private readonly aof: AppendOnlyFile,
    private readonly forker: Forker & { discardChild(): void },
  ) {}

  private get unixtime(): number {
    return Math.floor(this.env.nowMs / 1000);
  }

  private log(level: RedisLogLevel, message: string): void {
    this.env.log.write(this.server.pid, 'M', level, message);
  }

  // ---- when ----------------------------------------------------------------------

  /** serverCron's automatic rewrite condition (without the rate limit). */
  autoRewriteDue(): boolean {
    const perc = this.server.config.get('auto-aof-rewrite-percentage');
    if (this.aof.state !== 'on' || perc === 0 || this.aof.currentSize <= this.server.config.get('auto-aof-rewrite-min-size')) return false;
    return this.growthPercent() >= perc;
  }

  growthPercent(): number {
    const base = this.aof.rewriteBaseSize || 1;
    return Math.trunc((this.aof.currentSize * 100) / base) - 100;
  }

  /** aofRewriteLimited: after 3 consecutive failures, wait 1, 2, 4 … 60 minutes between automatic attempts. */
  limited(): boolean {
    if (this.consecutiveFailures < REWRITE_LIMIT_THRESHOLD) {
      this.limitNextDelayMinutes = 0;
      this.limitNextRewriteTimeSec = 0;
      return false;
    }
    if (this.limitNextRewriteTimeSec !== 0) {
      if (this.unixtime < this.limitNextRewriteTimeSec) return true;
      this.limitNextRewriteTimeSec = 0;
      return false;
    }
    this.limitNextDelayMinutes = this.limitNextDelayMinutes === 0 ? 1 : this.limitNextDelayMinutes * 2;
    if (this.limitNextDelayMinutes > REWRITE_LIMIT_MAX_MINUTES) this.limitNextDelayMinutes = REWRITE_LIMIT_MAX_MINUTES;
    this.limitNextRewriteTimeSec = this.unixtime + this.limitNextDelayMinutes * 60;
    this.log('warning', `Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.limitNextDelayMinutes} minutes`);
    return true;
  }

  // ---- starting ------------------------------------------------------------------

  /** rewriteAppendOnlyFileBackground: true when a child was forked. */
  start(): boolean {
    if (this.forker.activeChild !== null) return false;
    const aof = this.aof;
    if (!aof.dirCreateIfMissing()) {
      this.lastOk = false;
      return false;
    }
    if (!aof.flushForRewrite()) return false;
    if (!aof.openNewIncrForAppend()) {
      this.lastOk = false;
      return false;
    }
    this.rewrites++;
    const dir = aof.dir;
    const result = this.forker.fork({
      type: 'aof',
      image: (usedMemBytes) => aofBaseImage(this.server, usedMemBytes),
      tempPath: (pid) => joinPath(dir, `temp-rewriteaof-${pid}.aof`),
      finalPath: (pid) => joinPath(dir, `temp-rewriteaof-bg-${pid}.aof`),
      fsyncDir: null,
    });
    if (!result.ok) {
      this.lastOk = false;
      this.log('warning', `Can't rewrite append only file in background: fork: ${strerror(result.errno)}`);
      return false;
    }
    this.log('notice', `Background append only file rewriting started by pid ${result.pid}`);
    this.scheduled = false;
    this.timeStartSec = this.unixtime;
    return true;
  }

  // ---- finishing -----------------------------------------------------------------

  /** backgroundRewriteDoneHandler. */
  done(child: ForkedChild, exit: ChildExit): void {
    const { exitCode, bySignal } = exit;
    if (bySignal === 0 && exitCode === 0) this.install(child);
    else if (bySignal === 0) {
      this.lastOk = false;
      this.consecutiveFailures++;
      this.log('warning', 'Background AOF rewrite terminated with error');
    } else {
      if (bySignal !== SIGUSR1) {
        this.lastOk = false;
        this.consecutiveFailures++;
      }
      this.log('warning', `Background AOF rewrite terminated by signal ${bySignal}`);
    }
    this.removeTempFiles(child.pid);
    if (this.aof.state === 'wait-rewrite') {
      this.aof.clearBuffer();
      this.removeTempIncr();
    }
    this.timeLastSec = this.unixtime - this.timeStartSec;
    this.timeStartSec = -1;
  }

  /** The success branch: new BASE, history, manifest, deletions. */
  private install(child: ForkedChild): void {
    const aof = this.aof;
    const disk = this.env.disk;
    this.log('notice', 'Background AOF rewrite terminated with success');
    const tempName = `temp-rewriteaof-bg-${child.pid}.aof`;
    const failed = (): void => {
      this.lastOk = false;
      this.consecutiveFailures++;
    };
    const base = withNewBaseFile(aof.manifest, { appendfilename: aof.appendfilename, aofUseRdbPreamble: this.server.config.get('aof-use-rdb-preamble') });
    let manifest = base.manifest;
    const basePath = aof.inAofDir(base.fileName);
    try {
      disk.rename(joinPath(aof.dir, tempName), basePath);
    } catch (error) {
      this.log('warning', `Error trying to rename the temporary AOF base file ${tempName} into ${basePath}: ${strerror(errnoOf(error))}`);
      return failed();
    }
    this.log('notice', `Successfully renamed the temporary AOF base file ${tempName} into ${base.fileName}`);
    let newIncrPath: string | null = null;
    if (aof.state === 'wait-rewrite') {
      const tempIncr = tempIncrFileName(aof.appendfilename);
      const incr = withNewIncrFile(manifest, aof.appendfilename);
      newIncrPath = aof.inAofDir(incr.fileName);
      try {
        disk.rename(aof.inAofDir(tempIncr), newIncrPath);
      } catch (error) {
        this.log('warning', `Error trying to rename the temporary AOF incr file ${aof.inAofDir(tempIncr)} into ${newIncrPath}: ${strerror(errnoOf(error))}`);
        if (disk.exists(basePath)) disk.unlink(basePath);
        return failed();
      }
      this.log('notice', `Successfully renamed the temporary AOF incr file ${tempIncr} into ${incr.fileName}`);
      manifest = incr.manifest;
    }
    manifest = withRewrittenIncrAsHistory(manifest, { aofEnabled: aof.hasOpenFile });
    if (!aof.persistManifest(manifest)) {
      if (disk.exists(basePath)) disk.unlink(basePath);
      if (newIncrPath !== null && disk.exists(newIncrPath)) disk.unlink(newIncrPath);
      return failed();
    }
    aof.manifest = manifest;
    if (aof.state !== 'off') {
      aof.currentSize = aof.fileSize(base.fileName) + aof.incrSize;
      aof.rewriteBaseSize = aof.currentSize;
    }
    aof.delHistoryFiles();
    this.lastOk = true;
    this.consecutiveFailures = 0;
    this.log('notice', 'Background AOF rewrite finished successfully');
    if (aof.state === 'wait-rewrite') aof.state = 'on';
  }

  /** aofRemoveTempFile. */
  private removeTempFiles(childPid: number): void {
    for (const name of [`temp-rewriteaof-bg-${childPid}.aof`, `temp-rewriteaof-${childPid}.aof`]) {
      const path = joinPath(this.aof.dir, name);
      if (this.env.disk.exists(path)) this.env.disk.unlink(path);
    }
  }

  /** aofDelTempIncrAofFile. */
  private removeTempIncr(): void {
    const name = tempIncrFileName(this.aof.appendfilename);
    this.log('notice', `Removing the temp incr aof file ${name} in the background`);
    const path = this.aof.inAofDir(name);
    if (this.env.disk.exists(path)) this.env.disk.unlink(path);
  }

  /** killAppendOnlyChild: kill it, wait for it, remove its temp files. */
  killChild(): void {
    const child = this.forker.activeChild;
    if (child === null || child.type !== 'aof') return;
    this.log('notice', `Killing running AOF rewrite child: ${child.pid}`);
    child.kill(SIGUSR1);
    this.removeTempFiles(child.pid);
    this.forker.discardChild();
    this.timeStartSec = -1;
  }
}
