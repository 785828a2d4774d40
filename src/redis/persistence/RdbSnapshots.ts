/**
 * RDB snapshots of a redis-server process, as rdb.c and serverCron (7.0)
 * take them:
 *   - save points `save <seconds> <changes>`: serverCron starts a BGSAVE
 *     when `dirty >= changes && unixtime - lastsave > seconds &&
 *     (unixtime - lastbgsave_try > 5 || lastbgsave_status == ok)`;
 *   - SAVE blocks and writes dump.rdb itself; BGSAVE forks a child that
 *     sees the keyspace as of the fork (ForkedChild), and when it is reaped
 *     `dirty -= dirty_before_bgsave` and lastsave moves on;
 *   - a failed background save sets rdb_last_bgsave_status:err and, with
 *     stop-writes-on-bgsave-error and save points, denies writes with
 *     -MISCONF until a save succeeds.
 */
import { err, error, OK, simple, type Reply } from '../reply';
import type { RedisServer } from '../RedisServer';
import { joinPath, pathInDir, strerror } from './diskErrors';
import { SIGUSR1, type ChildExit, type ForkedChild } from './ForkedChild';
import type { Forker } from './Forker';
import { rdbSaveSync } from './rdbSaveSync';
import type { RedisLogLevel } from './RedisLog';
import type { RedisProcessEnv } from './RedisProcessEnv';
import { rdbImage } from './snapshot';

/** CONFIG_BGSAVE_RETRY_DELAY: seconds before a failed BGSAVE is retried by save points. */
export const BGSAVE_RETRY_DELAY_SEC = 5;

/** shared.bgsaveerr, without the leading '-' and the CRLF. */
export const MISCONF_RDB =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

export class RdbSnapshots {
  lastsaveSec: number;
  lastbgsaveTrySec = 0;
  lastbgsaveOk = true;
  dirtyBeforeBgsave = 0;
  saves = 0;
  saveTimeStartSec = -1;
  saveTimeLastSec = -1;
  bgsaveScheduled = false;
  lastLoadKeysExpired = 0;
  lastLoadKeysLoaded = 0;

  constructor(
    private readonly env: RedisProcessEnv,
    private readonly server: RedisServer,
    private readonly forker: Forker,
    private readonly usedMemory: () => number,
  ) {
    this.lastsaveSec = this.unixtime;
  }

  private get unixtime(): number {
    return Math.floor(this.env.nowMs / 1000);
  }

  private log(level: RedisLogLevel, message: string): void {
    this.env.log.write(this.server.pid, 'M', level, message);
  }

  private get rdbChild(): ForkedChild | null {
    const child = this.forker.activeChild;
    return child !== null && child.type === 'rdb' ? child : null;
  }

  // ---- SAVE -------------------------------------------------------------------

  /** rdbSave by the server itself; on success dirty is 0 and lastsave is now. */
  rdbSave(): boolean {
    const server = this.server;
    const image = rdbImage(server, { aofBase: false, usedMemBytes: this.usedMemory() });
    const ok = rdbSaveSync(this.env, { dir: server.config.get('dir'), dbfilename: server.config.get('dbfilename'), pid: server.pid }, image);
    if (!ok) return false;
    server.dirty = 0;
    this.lastsaveSec = this.unixtime;
    this.lastbgsaveOk = true;
    return true;
  }

  /** saveCommand. */
  saveCommand(): Reply {
    if (this.rdbChild !== null) return err('Background save already in progress');
    this.saves++;
    return this.rdbSave() ? OK : error('ERR');
  }

  // ---- BGSAVE -----------------------------------------------------------------

  /** bgsaveCommand: BGSAVE [SCHEDULE]. */
  bgsaveCommand(schedule: boolean, inExec: boolean): Reply {
    if (this.rdbChild !== null) return err('Background save already in progress');
    if (this.forker.activeChild !== null || inExec) {
      if (schedule || inExec) {
        this.bgsaveScheduled = true;
        return simple('Background saving scheduled');
      }
      return err("Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
    return this.saveBackground() ? simple('Background saving started') : error('ERR');
  }

  /** rdbSaveBackground: true when a child was forked. */
  saveBackground(): boolean {
    if (this.forker.activeChild !== null) return false;
    const server = this.server;
    this.saves++;
    this.dirtyBeforeBgsave = server.dirty;
    this.lastbgsaveTrySec = this.unixtime;
    const dir = server.config.get('dir');
    const dbfilename = server.config.get('dbfilename');
    const result = this.forker.fork({
      type: 'rdb',
      image: (usedMemBytes) => rdbImage(server, { aofBase: false, usedMemBytes }),
      tempPath: (pid) => joinPath(dir, `temp-${pid}.rdb`),
      finalPath: () => pathInDir(dir, dbfilename),
      fsyncDir: dir,
    });
    if (!result.ok) {
      this.lastbgsaveOk = false;
      this.log('warning', `Can't save in background: fork: ${strerror(result.errno)}`);
      return false;
    }
    this.log('notice', `Background saving started by pid ${result.pid}`);
    this.saveTimeStartSec = this.unixtime;
    return true;
  }

  /** backgroundSaveDoneHandlerDisk and backgroundSaveDoneHandler's bookkeeping. */
  bgsaveDone(child: ForkedChild, exit: ChildExit): void {
    const { exitCode, bySignal } = exit;
    if (bySignal === 0 && exitCode === 0) {
      this.log('notice', 'Background saving terminated with success');
      this.server.dirty = this.server.dirty - this.dirtyBeforeBgsave;
      this.lastsaveSec = this.unixtime;
      this.lastbgsaveOk = true;
    } else if (bySignal === 0) {
      this.log('warning', 'Background saving error');
      this.lastbgsaveOk = false;
    } else {
      this.log('warning', `Background saving terminated by signal ${bySignal}`);
      // rdbRemoveTempFile
      const temp = joinPath(this.server.config.get('dir'), `temp-${child.pid}.rdb`);
      if (this.env.disk.exists(temp)) this.env.disk.unlink(temp);
      if (bySignal !== SIGUSR1) this.lastbgsaveOk = false;
    }
    this.saveTimeLastSec = this.unixtime - this.saveTimeStartSec;
    this.saveTimeStartSec = -1;
  }

  /** killRDBChild: SIGUSR1; checkChildrenDone cleans up. */
  killChild(): void {
    this.rdbChild?.kill(SIGUSR1);
  }

  // ---- serverCron -------------------------------------------------------------

  /** The save points, checked when no child is active. */
  cronSavePoints(): void {
    const now = this.unixtime;
    for (const sp of this.server.config.get('save')) {
      if (
        this.server.dirty >= sp.changes &&
        now - this.lastsaveSec > sp.seconds &&
        (now - this.lastbgsaveTrySec > BGSAVE_RETRY_DELAY_SEC || this.lastbgsaveOk)
      ) {
        this.log('notice', `${sp.changes} changes in ${sp.seconds} seconds. Saving...`);
        this.saveBackground();
        break;
      }
    }
  }

  /** A BGSAVE SCHEDULE waiting for the AOF rewrite to finish. */
  cronScheduled(): void {
    if (this.forker.activeChild !== null || !this.bgsaveScheduled) return;
    if (this.unixtime - this.lastbgsaveTrySec > BGSAVE_RETRY_DELAY_SEC || this.lastbgsaveOk) {
      if (this.saveBackground()) this.bgsaveScheduled = false;
    }
  }

  /** Whether serverCron has save-point work coming (dirty enough for some point). */
  needsCron(): boolean {
    if (this.bgsaveScheduled) return true;
    for (const sp of this.server.config.get('save')) if (this.server.dirty >= sp.changes) return true;
    return false;
  }

  /** writeCommandsDeniedByDiskError, the RDB half. */
  writeDeniedError(): string | null {
    const config = this.server.config;
    if (config.get('stop-writes-on-bgsave-error') && config.get('save').length > 0 && !this.lastbgsaveOk) return MISCONF_RDB;
    return null;
  }
}
