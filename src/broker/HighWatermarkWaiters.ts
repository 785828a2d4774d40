/**
 * Operations a broker keeps waiting until something about a partition
 * changes (Kafka's purgatories, reduced to what consumers and the group
 * coordinator need): a consumer's Fetch that found no data (DelayedFetch)
 * and an append to __consumer_offsets waiting for the ISR
 * (DelayedProduce). Each waiter says when it is ready; the broker asks
 * after every message it handled and after every append it made itself,
 * since a partition's high watermark and leadership only change then.
 *
 * A waiter completes exactly once: when ready, or when its timeout fires
 * first. Checking costs nothing while nobody waits.
 */
import type { Simulation, Timer } from '../sim/Simulation';

interface Waiter {
  readonly ready: () => boolean;
  readonly complete: (timedOut: boolean) => void;
  timer: Timer | undefined;
  done: boolean;
}

export class HighWatermarkWaiters {
  private waiters: Waiter[] = [];
  private checking = false;

  constructor(private readonly schedule: (delayMs: number, label: string, run: () => void) => Timer, private readonly sim: Simulation) {}

  get size(): number {
    return this.waiters.length;
  }

  /** Wait until `ready()` holds (checked now, then after every event), at most `timeoutMs`. */
  wait(label: string, timeoutMs: number, ready: () => boolean, complete: (timedOut: boolean) => void): void {
    if (ready()) return complete(false);
    const waiter: Waiter = { ready, complete, timer: undefined, done: false };
    waiter.timer = this.schedule(timeoutMs, label, () => {
      if (waiter.done) return;
      waiter.done = true;
      waiter.timer = undefined;
      this.waiters = this.waiters.filter((w) => w !== waiter);
      complete(true);
    });
    this.waiters.push(waiter);
  }

  /** Complete every waiter that is ready now. */
  check(): void {
    if (this.waiters.length === 0 || this.checking) return;
    this.checking = true;
    try {
      // Completions may add waiters (a coordinator's next append); they wait for the next check.
      const current = this.waiters;
      let ready: Waiter[] | null = null;
      for (const waiter of current) {
        if (!waiter.done && waiter.ready()) (ready ??= []).push(waiter);
      }
      if (ready === null) return;
      for (const waiter of ready) {
        waiter.done = true;
        this.sim.cancel(waiter.timer);
      }
      this.waiters = this.waiters.filter((w) => !w.done);
      for (const waiter of ready) waiter.complete(false);
    } finally {
      this.checking = false;
    }
  }

  /** The process is gone: nothing completes. */
  clear(): void {
    for (const waiter of this.waiters) this.sim.cancel(waiter.timer);
    this.waiters = [];
  }
}
