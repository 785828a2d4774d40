/**
 * The physical parameters of a simulated Redis host: how fast it forks,
 * how fast a save writes, how much memory it has. They are model inputs,
 * set per scenario; the defaults describe a modest physical machine.
 *
 *   forkUsecPerGb      page-table copy time of fork(2). Redis's latency
 *                      documentation measures 9..13 ms per GB on physical
 *                      hosts and VMware, ~240 ms per GB on Xen.
 *   forkBaseUsec       fork of an empty server (~250..500 µs measured).
 *   saveBytesPerSec    how fast rdbSave / rewriteAppendOnlyFile produce and
 *                      write their file (CPU-bound serialisation).
 *   memoryBytes        the host's RAM. When the parent's dataset plus the
 *                      pages copied on write exceed it, the kernel's OOM
 *                      killer kills redis-server (see RedisHost).
 */
import { assert } from '../../sim/assert';

export interface RedisHostModel {
  readonly forkUsecPerGb: number;
  readonly forkBaseUsec: number;
  readonly saveBytesPerSec: number;
  readonly memoryBytes: number;
}

export const DEFAULT_HOST_MODEL: RedisHostModel = {
  forkUsecPerGb: 13_000,
  forkBaseUsec: 250,
  saveBytesPerSec: 200 * 1024 * 1024,
  memoryBytes: Number.POSITIVE_INFINITY,
};

const GB = 1024 * 1024 * 1024;

/** latest_fork_usec for a process of `usedMemoryBytes`. */
export function forkLatencyUsec(model: RedisHostModel, usedMemoryBytes: number): number {
  return Math.round(model.forkBaseUsec + (model.forkUsecPerGb * usedMemoryBytes) / GB);
}

/** Milliseconds a save of `bytes` takes to produce and write (at least 1 ms). */
export function saveDurationMs(model: RedisHostModel, bytes: number): number {
  assert(model.saveBytesPerSec > 0, 'saveBytesPerSec must be positive');
  return Math.max(1, Math.ceil((bytes * 1000) / model.saveBytesPerSec));
}
