/**
 * What a redis-server process sees of the host it runs on: the kernel's
 * clock and timers, the host's disk and log, the physical model, pids, and
 * the ways a process leaves (exit) or holds up its event loop (a blocking
 * SAVE, fork, an fsync with appendfsync always).
 *
 * RedisHost provides it; DiskPersistence and the forked children use it.
 */
import type { Timer } from '../../sim/Simulation';
import type { SimDisk } from '../../sim/SimDisk';
import type { Trace } from '../../sim/Trace';
import type { ForkedChild } from './ForkedChild';
import type { RedisHostModel } from './hostModel';
import type { RedisLog } from './RedisLog';

export interface RedisProcessEnv {
  readonly host: string;
  readonly disk: SimDisk;
  readonly log: RedisLog;
  readonly model: RedisHostModel;
  readonly trace: Trace;
  readonly nowMs: number;
  schedule(delayMs: number, label: string, run: () => void): Timer;
  cancel(timer: Timer | undefined): void;
  /** A pid for a new process (the server, or a child it forks). */
  nextPid(): number;
  /** fork(2) fails (ENOMEM) while true: a fault a scenario can inject. */
  readonly forkFails: boolean;
  /** The server process calls exit(code): it stops at once (RedisHost halts it). */
  exit(code: number, reason: string): void;
  /** The event loop was blocked for `ms` (SAVE, fork, fsync): accounted, and scenario steps let that time pass. */
  block(ms: number, why: string): void;
  /** The parent's resident memory grew by copy-on-write; the host may run out. */
  memoryChanged(): void;
  /** A child was forked: it belongs to the host and outlives a crash of its parent, not a power loss. */
  childForked(child: ForkedChild): void;
}
