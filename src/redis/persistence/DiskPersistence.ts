/**
 * RDB and AOF persistence of one redis-server process on a simulated host
 * (the Persistence seam of RedisServer, implemented as Redis 7.0 does it).
 *
 *   attach       aofLoadManifestFromDisk, loadDataFromDisk,
 *                aofOpenIfNeededOnServerStart, aofDelHistoryFiles; a failure
 *                is the process exiting with status 1 (RedisHost sees it)
 *   beforeSleep  flushAppendOnlyFile: the AOF buffer reaches the page cache
 *                (and, with appendfsync always, the disk) before replies
 *   cron         serverCron's persistence duties in server.c's order:
 *                a scheduled rewrite, reaping a child or checking save points
 *                and automatic rewrites, postponed AOF flushes and AOF error
 *                retries, a scheduled BGSAVE; then beforeSleep's flush
 *   forks        one child at a time (ForkedChild), with the host's fork
 *                latency and copy-on-write accounting (CowTracker) fed by
 *                the server's key-change hook
 *   info         INFO persistence with 7.0's meanings
 *
 * The commands SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE and SHUTDOWN are in
 * persistenceCommands.ts.
 */
import { assert } from '../../sim/assert';
import type { CommandSpec } from '../command';
import type { Persistence, PersistenceInfo } from '../Persistence';
import type { ConfigName } from '../redisConfig';
import type { RedisServer } from '../RedisServer';
import { AppendOnlyFile } from './AppendOnlyFile';
import { CowTracker } from './CowTracker';
import { ForkedChild, type ChildInfo } from './ForkedChild';
import type { ForkRequest, ForkResult } from './Forker';
import { forkLatencyUsec } from './hostModel';
import { loadDataFromDisk } from './loadDataFromDisk';
import { usedMemoryBytes } from './memoryEstimate';
import { persistenceCommands } from './persistenceCommands';
import { RdbSnapshots } from './RdbSnapshots';
import type { RedisProcessEnv } from './RedisProcessEnv';

export class DiskPersistence implements Persistence {
  readonly commands: readonly CommandSpec[];
  /** Set when start-up failed: the process exits with this status. */
  startupExitCode: number | null = null;
  /** The forked child, while the server has not reaped it. */
  activeChild: ForkedChild | null = null;
  totalForks = 0;
  latestForkUsec = 0;
  /** used_memory when the current child was forked. */
  usedMemoryAtFork = 0;

  private serverRef: RedisServer | null = null;
  private rdbPart: RdbSnapshots | null = null;
  private aofPart: AppendOnlyFile | null = null;
  private cow: CowTracker | null = null;
  private currentCowPeak = 0;
  private currentCowBytes = 0;
  private currentCowUpdatedMs = 0;
  private currentSaveKeysProcessed = 0;
  private currentSaveKeysTotal = 0;
  private rdbLastCowBytes = 0;
  private aofLastCowBytes = 0;
  private lastEverySecondRunSec = -1;
  private shutdownRequested = false;

  constructor(readonly env: RedisProcessEnv) {
    this.commands = persistenceCommands(this);
  }

  get server(): RedisServer {
    assert(this.serverRef !== null, 'DiskPersistence: not attached');
    return this.serverRef;
  }

  get rdb(): RdbSnapshots {
    assert(this.rdbPart !== null, 'DiskPersistence: not attached');
    return this.rdbPart;
  }

  get aof(): AppendOnlyFile {
    assert(this.aofPart !== null, 'DiskPersistence: not attached');
    return this.aofPart;
  }

  // ---- the seam ---------------------------------------------------------------------

  attach(server: RedisServer): void {
    assert(this.serverRef === null, 'DiskPersistence: attached twice');
    this.serverRef = server;
    const persistence = this;
    const forker = {
      get activeChild(): ForkedChild | null {
        return persistence.activeChild;
      },
      fork: (request: ForkRequest) => this.fork(request),
      discardChild: () => this.resetChildState(),
    };
    this.rdbPart = new RdbSnapshots(this.env, server, forker, () => this.usedMemory());
    this.aofPart = new AppendOnlyFile(this.env, server, forker, () => this.usedMemory());
    server.onPropagate((db, argv) => this.aofPart!.feed(db, argv));
    server.onKeyChange((db, key) => {
      if (this.cow !== null) this.cow.touch(db, key, server.ks.peek(db, key));
    });
    const aof = this.aof;
    if (server.config.get('appendonly')) aof.state = 'on';
    if (!aof.loadManifest() || !loadDataFromDisk(this.env, server, aof, this.rdb) || !aof.openIfNeededOnServerStart()) {
      this.startupExitCode = 1;
      return;
    }
    aof.delHistoryFiles();
  }

  beforeSleep(): void {
    const aof = this.aof;
    if (aof.state !== 'off') aof.flush(false);
    if (this.activeChild !== null && this.cow !== null) this.env.memoryChanged();
    if (this.shutdownRequested) {
      this.shutdownRequested = false;
      this.env.exit(0, 'SHUTDOWN');
    }
  }

  cron(): void {
    const server = this.server;
    const aof = this.aof;
    const rdb = this.rdb;
    const nowSec = Math.floor(this.env.nowMs / 1000);
    const everySecond = nowSec !== this.lastEverySecondRunSec;
    if (everySecond) this.lastEverySecondRunSec = nowSec;

    const rewriter = aof.rewriter;
    if (this.activeChild === null && rewriter.scheduled && !rewriter.limited()) rewriter.start();
    if (this.activeChild !== null) {
      this.checkChildrenDone();
    } else {
      rdb.cronSavePoints();
      if (this.activeChild === null && rewriter.autoRewriteDue() && !rewriter.limited()) {
        this.env.log.write(server.pid, 'M', 'notice', `Starting automatic rewriting of AOF on ${rewriter.growthPercent()}% growth`);
        rewriter.start();
      }
    }
    aof.cronFlushes(everySecond);
    rdb.cronScheduled();
    // The event loop runs beforeSleep after the timer event too.
    if (aof.state !== 'off') aof.flush(false);
  }

  wantsCron(): boolean {
    return this.activeChild !== null || this.rdb.needsCron() || this.aof.needsCron();
  }

  writeDeniedError(): string | null {
    return this.rdb.writeDeniedError() ?? this.aof.writeDeniedError();
  }

  /** flushAllDataAndResetRDB: kill an RDB child; with save points, save the (now empty) dataset. */
  afterFlushAll(): void {
    if (this.activeChild?.type === 'rdb') this.rdb.killChild();
    if (this.server.config.get('save').length > 0) this.rdb.rdbSave();
  }

  /** updateAppendonly and the dir's chdir. */
  applyConfig(name: ConfigName): string | null {
    if (name === 'dir') {
      return this.env.disk.isDirectory(this.server.config.get('dir')) ? null : 'No such file or directory';
    }
    const aof = this.aof;
    const enabled = this.server.config.get('appendonly');
    if (!enabled && aof.state !== 'off') aof.stop();
    else if (enabled && aof.state === 'off' && !aof.start(false)) return 'Unable to turn on AOF. Check server logs.';
    return null;
  }

  // ---- shutdown ---------------------------------------------------------------------

  /**
   * finishShutdown (no replicas): kill children, flush and fsync the AOF,
   * save when save points exist (or SAVE was asked, and not NOSAVE). True
   * when the server may exit; the exit happens after the current batch.
   */
  shutdown(flags: { readonly save: boolean; readonly nosave: boolean; readonly force: boolean }): boolean {
    const server = this.server;
    const log = (level: 'warning' | 'notice', message: string) => this.env.log.write(server.pid, 'M', level, message);
    log('warning', 'User requested shutdown...');
    const child = this.activeChild;
    if (child?.type === 'rdb') {
      log('warning', 'There is a child saving an .rdb. Killing it!');
      this.rdb.killChild();
      const temp = `${server.config.get('dir')}/temp-${child.pid}.rdb`;
      if (this.env.disk.exists(temp)) this.env.disk.unlink(temp);
    }
    if (child?.type === 'aof') {
      if (this.aof.state === 'wait-rewrite') {
        if (!flags.force) {
          log('warning', "Writing initial AOF, can't exit.");
          log('warning', 'Errors trying to shut down the server. Check the logs for more information.');
          return false;
        }
        log('warning', 'Writing initial AOF. Exit anyway.');
      }
      log('warning', 'There is a child rewriting the AOF. Killing it!');
      this.aof.rewriter.killChild();
    }
    this.aof.flushAndFsyncAtExit();
    if ((server.config.get('save').length > 0 && !flags.nosave) || flags.save) {
      log('notice', 'Saving the final RDB snapshot before exiting.');
      if (!this.rdb.rdbSave()) {
        if (flags.force) {
          log('warning', 'Error trying to save the DB. Exit anyway.');
        } else {
          log('warning', "Error trying to save the DB, can't exit.");
          log('warning', 'Errors trying to shut down the server. Check the logs for more information.');
          return false;
        }
      }
    }
    log('warning', 'Redis is now ready to exit, bye bye...');
    this.shutdownRequested = true;
    return true;
  }

  // ---- children -----------------------------------------------------------------------

  /** used_memory as the memory model estimates it now. */
  usedMemory(): number {
    return usedMemoryBytes(this.server.ks.dbs, this.server.ks.encodings);
  }

  /** Copy-on-write bytes of the running child (0 without one). */
  get cowBytes(): number {
    return this.cow?.copiedBytes ?? 0;
  }

  /** redisFork: fork latency, a pid, the child's image and its copy-on-write tracker. */
  private fork(request: ForkRequest): ForkResult {
    if (this.activeChild !== null) return { ok: false, errno: 'EEXIST' };
    if (this.env.forkFails) return { ok: false, errno: 'ENOMEM' };
    const server = this.server;
    const used = this.usedMemory();
    const pid = this.env.nextPid();
    this.totalForks++;
    this.latestForkUsec = forkLatencyUsec(this.env.model, used);
    this.env.block(this.latestForkUsec / 1000, 'fork');
    this.usedMemoryAtFork = used;
    this.currentCowPeak = 0;
    this.currentCowBytes = 0;
    this.currentCowUpdatedMs = 0;
    this.currentSaveKeysProcessed = 0;
    let keys = 0;
    for (let db = 0; db < server.databases; db++) keys += server.ks.keyCount(db);
    this.currentSaveKeysTotal = keys;
    const cow = new CowTracker(used, server.ks.encodings);
    const child = new ForkedChild(
      this.env,
      {
        type: request.type,
        pid,
        image: request.image(used),
        tempPath: request.tempPath(pid),
        finalPath: request.finalPath(pid),
        fsyncDir: request.fsyncDir,
        keysTotal: keys,
        cow,
      },
      (info) => this.childReported(child, info),
    );
    this.cow = cow;
    this.activeChild = child;
    if (this.env.trace.active) {
      this.env.trace.emit('redis.fork', { host: this.env.host, child: request.type, pid, usedMemoryBytes: used, forkUsec: this.latestForkUsec, imageBytes: child.spec.image.length });
    }
    this.env.childForked(child);
    child.start();
    return { ok: true, pid };
  }

  /** updateChildInfo (CHILD_INFO_TYPE_CURRENT_INFO), as the parent receives it. */
  private childReported(child: ForkedChild, info: ChildInfo): void {
    if (child !== this.activeChild) return;
    this.currentCowBytes = info.cowBytes;
    this.currentCowUpdatedMs = this.env.nowMs;
    if (info.cowBytes > this.currentCowPeak) this.currentCowPeak = info.cowBytes;
    this.currentSaveKeysProcessed = info.keysProcessed;
  }

  /** checkChildrenDone: reap an exited child and run its done handler. */
  private checkChildrenDone(): void {
    const child = this.activeChild;
    if (child === null || child.exit === null) return;
    const exit = child.exit;
    if (child.type === 'rdb') this.rdb.bgsaveDone(child, exit);
    else this.aof.rewriter.done(child, exit);
    if (exit.bySignal === 0 && exit.exitCode === 0) {
      // receiveChildInfo: the child's last report, its copy-on-write size.
      if (child.type === 'rdb') this.rdbLastCowBytes = child.finalCowBytes;
      else this.aofLastCowBytes = child.finalCowBytes;
    }
    if (this.env.trace.active) {
      this.env.trace.emit('redis.child-exit', { host: this.env.host, child: child.type, pid: child.pid, exitCode: exit.exitCode, signal: exit.bySignal, cowBytes: child.finalCowBytes });
    }
    this.resetChildState();
  }

  /** resetChildState. */
  private resetChildState(): void {
    this.activeChild = null;
    this.cow = null;
    this.currentCowPeak = 0;
    this.currentCowBytes = 0;
    this.currentCowUpdatedMs = 0;
    this.currentSaveKeysProcessed = 0;
    this.currentSaveKeysTotal = 0;
  }

  /** The server process died (crash, exit): the AOF's pending callbacks go nowhere. Children live on. */
  processExited(): void {
    this.aofPart?.processExited();
    this.cow = null;
  }

  // ---- INFO ---------------------------------------------------------------------------

  info(): PersistenceInfo {
    const server = this.server;
    const rdb = this.rdb;
    const aof = this.aof;
    const nowSec = Math.floor(this.env.nowMs / 1000);
    const childType = this.activeChild?.type ?? null;
    const forkPerc = this.currentSaveKeysTotal > 0 ? (this.currentSaveKeysProcessed / this.currentSaveKeysTotal) * 100 : 0;
    return {
      loading: server.loading ? 1 : 0,
      async_loading: 0,
      current_cow_peak: this.currentCowPeak,
      current_cow_size: this.currentCowBytes,
      current_cow_size_age: this.currentCowUpdatedMs !== 0 ? Math.floor((this.env.nowMs - this.currentCowUpdatedMs) / 1000) : 0,
      current_fork_perc: forkPerc,
      current_save_keys_processed: this.currentSaveKeysProcessed,
      current_save_keys_total: this.currentSaveKeysTotal,
      rdb_bgsave_in_progress: childType === 'rdb' ? 1 : 0,
      rdb_last_save_time: rdb.lastsaveSec,
      rdb_last_bgsave_status: rdb.lastbgsaveOk ? 'ok' : 'err',
      rdb_last_bgsave_time_sec: rdb.saveTimeLastSec,
      rdb_current_bgsave_time_sec: childType === 'rdb' ? nowSec - rdb.saveTimeStartSec : -1,
      rdb_saves: rdb.saves,
      rdb_last_cow_size: this.rdbLastCowBytes,
      rdb_last_load_keys_expired: rdb.lastLoadKeysExpired,
      rdb_last_load_keys_loaded: rdb.lastLoadKeysLoaded,
      aof_enabled: aof.state !== 'off' ? 1 : 0,
      aof_rewrite_in_progress: childType === 'aof' ? 1 : 0,
      aof_rewrite_scheduled: aof.rewriter.scheduled ? 1 : 0,
      aof_last_rewrite_time_sec: aof.rewriter.timeLastSec,
      aof_current_rewrite_time_sec: childType === 'aof' ? nowSec - aof.rewriter.timeStartSec : -1,
      aof_last_bgrewrite_status: aof.rewriter.lastOk ? 'ok' : 'err',
      aof_rewrites: aof.rewriter.rewrites,
      aof_rewrites_consecutive_failures: aof.rewriter.consecutiveFailures,
      aof_last_write_status: aof.lastWriteStatusOk ? 'ok' : 'err',
      aof_last_cow_size: this.aofLastCowBytes,
      module_fork_in_progress: 0,
      module_fork_last_cow_size: 0,
      aof: {
        aof_current_size: aof.currentSize,
        aof_base_size: aof.rewriteBaseSize,
        aof_pending_rewrite: aof.rewriter.scheduled ? 1 : 0,
        aof_buffer_length: aof.bufferLength,
        aof_pending_bio_fsync: aof.pendingBioFsyncs,
        aof_delayed_fsync: aof.delayedFsync,
      },
      latest_fork_usec: this.latestForkUsec,
      total_forks: this.totalForks,
    };
  }
}
