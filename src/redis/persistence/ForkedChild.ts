/**
 * A child process forked by redis-server to write a snapshot: BGSAVE's
 * (rdbSaveBackground) or BGREWRITEAOF's (rewriteAppendOnlyFileBackground).
 *
 * The child sees the keyspace as it was at fork time: its file's bytes are
 * encoded at the fork (`image`), then written over the child's lifetime at
 * the host's save rate, in chunks every 100 ms of simulated time, into a
 * temporary file. Then the child fsyncs (taking the disk's fsync latency),
 * renames the file to its final name (and for an RDB fsyncs the directory,
 * as 7.0's rdbSave does), logs, and exits 0. Any write error makes it log,
 * unlink its temp file and exit 1. The parent learns of the exit only when
 * its serverCron reaps the child (checkChildrenDone).
 *
 * While the child runs, the parent's writes copy pages (CowTracker); the
 * child samples its private dirty memory about once a second and reports it
 * to the parent, as sendChildInfo does, and reports it once more at exit.
 *
 * The child belongs to the host, not to the server: when redis-server
 * crashes the child carries on as an orphan (an RDB child still renames its
 * dump over dump.rdb); a power loss ends it.
 */
import type { Timer } from '../../sim/Simulation';
import type { FileHandle } from '../../sim/SimDisk';
import type { CowTracker } from './CowTracker';
import { errnoOf, renameFile, strerror, type Errno } from './diskErrors';
import { saveDurationMs } from './hostModel';
import type { RedisProcessEnv } from './RedisProcessEnv';

export type ChildType = 'rdb' | 'aof';

/** SIGUSR1: how the parent kills a child without it counting as an error (killRDBChild). */
export const SIGUSR1 = 10;
export const SIGKILL = 9;

export interface ChildSpec {
  readonly type: ChildType;
  readonly pid: number;
  readonly image: Uint8Array;
  /** Written first (temp-<pid>.rdb, temp-rewriteaof-<pid>.aof). */
  readonly tempPath: string;
  /** Renamed to at the end (dump.rdb, temp-rewriteaof-bg-<pid>.aof). */
  readonly finalPath: string;
  /** Directory fsynced after the rename (rdbSave's fsyncFileDir), or null. */
  readonly fsyncDir: string | null;
  readonly keysTotal: number;
  readonly cow: CowTracker;
}

export interface ChildInfo {
  readonly cowBytes: number;
  readonly keysProcessed: number;
  readonly progress: number;
}

export interface ChildExit {
  readonly exitCode: number;
  /** Signal number when killed, 0 otherwise. */
  readonly bySignal: number;
  readonly atMs: number;
}

const CHUNK_MS = 100;
const COW_SAMPLE_MS = 1000;
const MB = 1024 * 1024;

export class ForkedChild {
  readonly startedAtMs: number;
  exit: ChildExit | null = null;
  private handle: FileHandle | null = null;
  private written = 0;
  private readonly durationMs: number;
  private timer: Timer | undefined;
  private lastSampleMs: number;
  private peakCow = 0;
  private sumCow = 0;
  private samples = 0;

  constructor(
    private readonly env: RedisProcessEnv,
    readonly spec: ChildSpec,
    /** Called when the child reports progress and copy-on-write size. */
    private readonly report: (info: ChildInfo) => void,
  ) {
    this.startedAtMs = env.nowMs;
    this.lastSampleMs = env.nowMs;
    this.durationMs = saveDurationMs(env.model, spec.image.length);
  }

  get type(): ChildType {
    return this.spec.type;
  }

  get pid(): number {
    return this.spec.pid;
  }

  get running(): boolean {
    return this.exit === null;
  }

  get bytesWritten(): number {
    return this.written;
  }

  /** What a save child announces last: its final copy-on-write size. */
  get finalCowBytes(): number {
    return this.spec.cow.copiedBytes;
  }

  start(): void {
    try {
      this.handle = this.env.disk.open(this.spec.tempPath, { create: true, truncate: true });
    } catch (error) {
      this.fail(`open ${this.spec.tempPath}`, errnoOf(error), 'open');
      return;
    }
    this.scheduleChunk();
  }

  /** The parent kills the child (SIGUSR1), or the OS does (SIGKILL). */
  kill(signal: number): void {
    if (!this.running) return;
    this.env.cancel(this.timer);
    this.timer = undefined;
    this.exit = { exitCode: -1, bySignal: signal, atMs: this.env.nowMs };
  }

  /** Power loss: the child is gone with everything else; nobody will reap it. */
  powerOff(): void {
    this.env.cancel(this.timer);
    this.timer = undefined;
    if (this.running) this.exit = { exitCode: -1, bySignal: SIGKILL, atMs: this.env.nowMs };
  }

  private scheduleChunk(): void {
    const elapsed = this.env.nowMs - this.startedAtMs;
    const delay = Math.min(CHUNK_MS, this.durationMs - elapsed);
    this.timer = this.env.schedule(Math.max(0, delay), `${this.env.host}: ${this.spec.type} child ${this.spec.pid}`, () => this.writeChunk());
  }

  private writeChunk(): void {
    this.timer = undefined;
    const image = this.spec.image;
    const elapsed = this.env.nowMs - this.startedAtMs;
    const due = elapsed >= this.durationMs ? image.length : Math.floor((image.length * elapsed) / this.durationMs);
    if (due > this.written) {
      const want = due - this.written;
      try {
        const n = this.env.disk.append(this.handle!, image.subarray(this.written, due));
        this.written += n;
        // fwrite reports a short write as an error (ENOSPC) at the next flush.
        if (n < want) throw new ShortWrite();
      } catch (error) {
        this.fail('rdbSaveRio', error instanceof ShortWrite ? 'ENOSPC' : errnoOf(error), 'write');
        return;
      }
    }
    if (this.env.nowMs - this.lastSampleMs >= COW_SAMPLE_MS) this.sample(false);
    if (this.written < image.length) {
      this.scheduleChunk();
      return;
    }
    this.env.disk.fsyncInBackground(this.handle!, (error) => {
      if (!this.running) return;
      if (error !== null) {
        this.fail('fsync', error.code, 'fsync');
        return;
      }
      this.finish();
    });
  }

  private finish(): void {
    const disk = this.env.disk;
    try {
      renameFile(disk, this.spec.tempPath, this.spec.finalPath);
    } catch (error) {
      this.fail('rename', errnoOf(error), 'rename');
      return;
    }
    if (this.spec.fsyncDir !== null) {
      try {
        disk.fsyncDir(this.spec.fsyncDir);
      } catch (error) {
        this.fail('fsyncFileDir', errnoOf(error), 'fsync-dir');
        return;
      }
    }
    if (this.spec.type === 'rdb') {
      this.log('notice', 'DB saved on disk');
      this.sample(true);
    } else {
      this.log('notice', `Successfully created the temporary AOF base file ${baseName(this.spec.finalPath)}`);
      this.sample(true);
    }
    this.exit = { exitCode: 0, bySignal: 0, atMs: this.env.nowMs };
  }

  /** werr: log what rdbSave / rewriteAppendOnlyFile log, unlink the temp file, exit(1). */
  private fail(op: string, errno: Errno, stage: 'open' | 'write' | 'fsync' | 'rename' | 'fsync-dir'): void {
    if (this.spec.type === 'rdb') {
      if (stage === 'open') {
        this.log('warning', `Failed opening the temp RDB file ${baseName(this.spec.tempPath)} (in server root dir ${dirName(this.spec.tempPath)}) for saving: ${strerror(errno)}`);
      } else if (stage === 'rename') {
        this.log(
          'warning',
          `Error moving temp DB file ${baseName(this.spec.tempPath)} on the final destination ${baseName(this.spec.finalPath)} (in server root dir ${dirName(this.spec.tempPath)}): ${strerror(errno)}`,
        );
      } else {
        this.log('warning', `Write error saving DB on disk(${op}): ${strerror(errno)}`);
      }
    } else if (stage === 'open') {
      this.log('warning', `Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${strerror(errno)}`);
    } else if (stage === 'rename') {
      this.log('warning', `Error moving temp append only file on the final destination: ${strerror(errno)}`);
    } else {
      this.log('warning', `Write error writing append only file on disk: ${strerror(errno)}`);
    }
    if (stage !== 'open' && this.env.disk.exists(this.spec.tempPath)) {
      try {
        this.env.disk.unlink(this.spec.tempPath);
      } catch {
        // unlink(2) of a file that is there only fails with EIO; the temp file stays.
      }
    }
    this.exit = { exitCode: 1, bySignal: 0, atMs: this.env.nowMs };
  }

  /** sendChildInfoGeneric: measure private dirty memory and report it. */
  private sample(final: boolean): void {
    const cow = this.spec.cow.copiedBytes;
    this.lastSampleMs = this.env.nowMs;
    if (cow > this.peakCow) this.peakCow = cow;
    this.sumCow += cow;
    this.samples++;
    if (cow > 0 || final) {
      const what = this.spec.type === 'rdb' ? 'RDB' : 'AOF rewrite';
      this.log(final ? 'notice' : 'verbose', `Fork CoW for ${what}: current ${Math.floor(cow / MB)} MB, peak ${Math.floor(this.peakCow / MB)} MB, average ${Math.floor(this.sumCow / this.samples / MB)} MB`);
    }
    const progress = this.spec.image.length === 0 ? 1 : this.written / this.spec.image.length;
    this.report({ cowBytes: cow, keysProcessed: Math.floor(this.spec.keysTotal * progress), progress });
  }

  private log(level: 'notice' | 'warning' | 'verbose', message: string): void {
    this.env.log.write(this.spec.pid, 'C', level, message);
  }
}

class ShortWrite extends Error {}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i);
}
