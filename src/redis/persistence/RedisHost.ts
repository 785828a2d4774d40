/**
 * A simulated machine running Redis 7.0: its disk (page cache, fsync,
 * journal, power loss), its log, and the redis-server process with the
 * children it forks.
 *
 * Lifecycle, and what each event leaves on disk (the loss windows come out
 * of the disk model and of when Redis writes and fsyncs, nothing here
 * decides them):
 *   start()      a new redis-server process loads what the disk holds now
 *                (with appendonly yes only the AOF, otherwise dump.rdb);
 *                it may refuse to start (a truncated AOF with
 *                aof-load-truncated no, a corrupt file): `start` says so
 *   crash()      the process dies (kill -9, a segfault, the OOM killer):
 *                whatever it wrote is in the page cache and survives; its
 *                AOF buffer does not; a forked child carries on
 *   powerLoss()  the machine loses power: every process dies, unsynced
 *                bytes are lost, the namespace rolls back to the last
 *                journal commit, a file's tail may be torn
 *   restart()    start() again, optionally with changed settings
 * Faults are plain properties: `disk.capacityBytes` (ENOSPC), `disk.failWrites`
 * (EIO), `disk.fsyncLatencyMs` (a slow disk), `forkFails` (ENOMEM).
 *
 * Blocking work of the server (SAVE, a fork, appendfsync always's fsync)
 * happens at once in simulated time; its duration is accounted in
 * `blockedMs` and `takeBlockedMs()` hands it to whoever drives the clock
 * (scenario steps let that much time pass after the command).
 *
 * Use:
 *   const host = new RedisHost({ sim, name: 'cache', config: { appendonly: 'yes' } });
 *   const started = host.start();               // { ok: true, server } or { ok: false, exitCode, log }
 *   const client = host.server!.connect();
 *   client.call('HSET', 'offsets', 'p0', '42');
 *   host.powerLoss(); host.restart();
 *   host.persistenceInfo();                     // INFO persistence fields
 */
import { assert } from '../../sim/assert';
import type { Simulation } from '../../sim/Simulation';
import { SimDisk } from '../../sim/SimDisk';
import type { PersistenceInfo } from '../Persistence';
import { RedisConfig, type RedisConfigInput } from '../redisConfig';
import { RedisServer } from '../RedisServer';
import { strerror } from './diskErrors';
import { DiskPersistence } from './DiskPersistence';
import type { ForkedChild } from './ForkedChild';
import { DEFAULT_HOST_MODEL, type RedisHostModel } from './hostModel';
import { formatLogLine, RedisLog } from './RedisLog';
import type { RedisProcessEnv } from './RedisProcessEnv';

export interface RedisDiskOptions {
  readonly capacityBytes?: number;
  readonly fsyncLatencyMs?: number;
  readonly tornWriteProbability?: number;
}

export interface RedisHostOptions {
  readonly sim: Simulation;
  readonly name: string;
  /** redis.conf settings used at every start (restart may override some). */
  readonly config?: RedisConfigInput;
  readonly disk?: RedisDiskOptions;
  readonly model?: Partial<RedisHostModel>;
  readonly port?: number;
}

export type RedisProcessState = 'never-started' | 'running' | 'crashed' | 'exited' | 'oom-killed' | 'powered-off';

export type RedisStartResult =
  | { readonly ok: true; readonly server: RedisServer }
  /** `log`: the lines this start wrote to the Redis log; `stderr`: what redis-server printed there instead (a config error). */
  | { readonly ok: false; readonly exitCode: number; readonly log: readonly string[]; readonly stderr: readonly string[] };

export interface RedisExit {
  readonly pid: number;
  readonly code: number;
  readonly reason: string;
  readonly atMs: number;
}

const FIRST_PID = 1000;

export class RedisHost {
  readonly name: string;
  readonly disk: SimDisk;
  readonly log: RedisLog;
  readonly model: RedisHostModel;
  /** fork(2) fails with ENOMEM while true. */
  forkFails = false;
  /** The settings every start uses (redis.conf). */
  config: RedisConfigInput;
  /** Total time the server's event loop was blocked. */
  blockedMs = 0;
  lastExit: RedisExit | null = null;

  private readonly sim: Simulation;
  private readonly port: number;
  private state: RedisProcessState = 'never-started';
  private current: RedisServer | null = null;
  private currentPersistence: DiskPersistence | null = null;
  private pidCounter = FIRST_PID;
  private unclaimedBlockedMs = 0;
  /** Forked children that may still be running. */
  private readonly children = new Set<ForkedChild>();

  constructor(options: RedisHostOptions) {
    this.sim = options.sim;
    this.name = options.name;
    this.config = { ...(options.config ?? {}) };
    this.port = options.port ?? 6379;
    this.model = { ...DEFAULT_HOST_MODEL, ...(options.model ?? {}) };
    this.disk = new SimDisk({
      host: options.name,
      sim: options.sim,
      rng: options.sim.rng.fork(`redis-host:${options.name}:disk`),
      capacityBytes: options.disk?.capacityBytes,
      fsyncLatencyMs: options.disk?.fsyncLatencyMs,
      tornWriteProbability: options.disk?.tornWriteProbability,
    });
    this.log = new RedisLog(options.name, options.sim, options.sim.trace);
    // The package installed the server: its working directory exists, durably.
    const dir = new RedisConfig(this.config).get('dir');
    this.disk.mkdir(dir, { recursive: true });
    this.disk.fsyncDir(dir);
  }

  /** The running redis-server, or null. */
  get server(): RedisServer | null {
    return this.state === 'running' ? this.current : null;
  }

  get persistence(): DiskPersistence | null {
    return this.state === 'running' ? this.currentPersistence : null;
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  get processState(): RedisProcessState {
    return this.state;
  }

  /** The settings the server would start with (or runs with): CONFIG GET's view. */
  get dir(): string {
    return (this.current?.config ?? new RedisConfig(this.config)).get('dir');
  }

  // ---- lifecycle --------------------------------------------------------------

  /** Start redis-server: it loads what the disk holds. `overrides` change the settings for this and later starts. */
  start(overrides: RedisConfigInput = {}): RedisStartResult {
    assert(this.state !== 'running', () => `redis host ${this.name}: start while a server is running`);
    this.config = { ...this.config, ...overrides };
    const pid = this.nextPid();
    const startedAtMs = this.sim.nowMs;
    const dir = new RedisConfig(this.config).get('dir');
    if (!this.disk.isDirectory(dir)) {
      // loadServerConfig fails on `dir` (setConfigDirOption's chdir) before anything is logged:
      // loadServerConfigFromString prints to stderr and exits 1. Its "Reading the configuration
      // file, at line N" line is left out: N depends on a file faultline does not have.
      const stderr = ['', '*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***', `>>> 'dir "${dir}"'`, strerror('ENOENT')];
      return this.startFailed(pid, 1, `can't chdir to ${dir}`, startedAtMs, stderr);
    }
    this.log.write(pid, 'C', 'warning', `Redis version=7.0.15, bits=64, commit=00000000, modified=0, pid=${pid}, just started`);
    const persistence = new DiskPersistence(this.processEnv(pid));
    this.currentPersistence = persistence;
    this.state = 'running';
    const server = new RedisServer({ sim: this.sim, name: this.name, config: this.config, persistence, pid, port: this.port });
    this.current = server;
    if (persistence.startupExitCode !== null) {
      persistence.processExited();
      server.halt();
      return this.startFailed(pid, persistence.startupExitCode, 'loading failed', startedAtMs);
    }
    // server.c main: 7.0's text ("... on port N" was 3.x; 7.2 appends the listener type, "tcp").
    this.log.write(pid, 'M', 'notice', 'Ready to accept connections');
    this.sim.trace.emit('redis.host.start', { host: this.name, pid, keys: totalKeys(server) });
    return { ok: true, server };
  }

  restart(overrides: RedisConfigInput = {}): RedisStartResult {
    return this.start(overrides);
  }

  /** The server process dies at once (kill -9): page cache kept, AOF buffer lost, a child lives on. */
  crash(): void {
    if (this.state !== 'running') return;
    const pid = this.current!.pid;
    this.stopProcess();
    this.state = 'crashed';
    this.lastExit = { pid, code: 137, reason: 'killed (SIGKILL)', atMs: this.sim.nowMs };
    this.sim.trace.emit('redis.crash', { host: this.name, pid });
  }

  /** The machine loses power: processes die, only durable bytes remain. */
  powerLoss(): { readonly tornFiles: readonly string[] } {
    const pid = this.current?.pid ?? 0;
    if (this.state === 'running') {
      this.stopProcess();
      this.lastExit = { pid, code: 137, reason: 'power loss', atMs: this.sim.nowMs };
    }
    // Children die too, orphans of an earlier crash included.
    for (const child of this.children) child.powerOff();
    this.children.clear();
    this.state = 'powered-off';
    const { tornFiles } = this.disk.powerLoss();
    this.sim.trace.emit('redis.power-loss', { host: this.name, tornFiles: [...tornFiles] });
    return { tornFiles };
  }

  /**
   * The files a power loss right now would leave, path ⇒ bytes (for
   * exporting a run's durable state). It is a power loss: the processes end.
   */
  durableFilesAfterPowerLoss(): Map<string, Uint8Array> {
    this.powerLoss();
    const files = new Map<string, Uint8Array>();
    for (const path of this.disk.files()) files.set(path, this.disk.readFile(path));
    return files;
  }

  /** Blocked time not yet handed to the clock driver; resets it. */
  takeBlockedMs(): number {
    const ms = this.unclaimedBlockedMs;
    this.unclaimedBlockedMs = 0;
    return ms;
  }

  /** INFO persistence and the fork stats, with rdb_changes_since_last_save; null when not running. */
  persistenceInfo(): (PersistenceInfo & { readonly rdb_changes_since_last_save: number }) | null {
    const server = this.server;
    if (server === null) return null;
    return { ...server.persistence.info(), rdb_changes_since_last_save: server.dirty };
  }

  /** The log as redis-server's logfile would read. */
  logText(): string {
    return this.log.toText();
  }

  // ---- internals ----------------------------------------------------------------

  private nextPid(): number {
    return this.pidCounter++;
  }

  private startFailed(pid: number, exitCode: number, reason: string, sinceMs: number, stderr: readonly string[] = []): RedisStartResult {
    this.state = 'exited';
    this.lastExit = { pid, code: exitCode, reason, atMs: this.sim.nowMs };
    this.sim.trace.emit('redis.host.start-failed', { host: this.name, pid, exitCode, ...(stderr.length > 0 ? { stderr: [...stderr] } : {}) });
    const lines = this.log.lines.filter((l) => l.atMs >= sinceMs && l.pid === pid).map(formatLogLine);
    return { ok: false, exitCode, log: lines, stderr };
  }

  private stopProcess(): void {
    this.currentPersistence?.processExited();
    this.current?.halt();
  }

  private processEnv(pid: number): RedisProcessEnv {
    const host = this;
    const sim = this.sim;
    return {
      host: this.name,
      disk: this.disk,
      log: this.log,
      model: this.model,
      trace: sim.trace,
      get nowMs() {
        return sim.nowMs;
      },
      schedule: (delayMs, label, run) => sim.schedule(delayMs, label, run),
      cancel: (timer) => sim.cancel(timer),
      nextPid: () => this.nextPid(),
      get forkFails() {
        return host.forkFails;
      },
      exit: (code, reason) => {
        if (this.state !== 'running' || this.current?.pid !== pid) return;
        this.stopProcess();
        this.state = 'exited';
        this.lastExit = { pid, code, reason, atMs: sim.nowMs };
        sim.trace.emit('redis.exit', { host: this.name, pid, code, reason });
      },
      block: (ms, why) => {
        if (ms <= 0) return;
        this.blockedMs += ms;
        this.unclaimedBlockedMs += ms;
        if (sim.trace.active && ms >= 1) sim.trace.emit('redis.blocked', { host: this.name, pid, ms: Math.round(ms), why });
      },
      memoryChanged: () => this.checkMemory(pid),
      childForked: (child) => {
        for (const c of [...this.children]) if (!c.running) this.children.delete(c);
        this.children.add(child);
      },
    };
  }

  /** The OOM killer: the parent's dataset plus pages copied for a child must fit in RAM. */
  private checkMemory(pid: number): void {
    const persistence = this.currentPersistence;
    if (!Number.isFinite(this.model.memoryBytes) || persistence === null || this.state !== 'running') return;
    const rss = persistence.usedMemoryAtFork + persistence.cowBytes;
    if (rss <= this.model.memoryBytes) return;
    // The parent has the largest RSS (shared pages count for both; it also has its copies).
    this.stopProcess();
    this.state = 'oom-killed';
    this.lastExit = { pid, code: 137, reason: 'killed by the OOM killer', atMs: this.sim.nowMs };
    this.sim.trace.emit('redis.oom-kill', { host: this.name, pid, rssBytes: rss, memoryBytes: this.model.memoryBytes });
  }
}

function totalKeys(server: RedisServer): number {
  let n = 0;
  for (let db = 0; db < server.databases; db++) n += server.ks.keyCount(db);
  return n;
}
