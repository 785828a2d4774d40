/**
 * The simulation loop: a virtual clock in milliseconds, one event queue, one
 * root RNG and one trace. Time only moves when the loop jumps to the next
 * event, so seven idle days cost what the events in them cost, not the days.
 *
 * Nothing here (or anywhere under src/) reads wall-clock time, calls
 * Math.random or uses real timers; a test enforces it.
 *
 * Periodic tasks (`every`) tick like a fixed-rate executor: a task fires at
 * start + k × period, and the firings due at a millisecond run before the
 * other events due then, in the order the tasks were created (EventQueue).
 *
 * Idle time is also cheap when a system has periodic work that does nothing
 * most of the time. Two mechanisms, both on unless `fastForward` turns them
 * off (the reference runs that the equivalence tests compare against):
 *
 *   - Quiescent periodic tasks: a task that returns QUIESCENT says "until
 *     something I read changes, every further run of mine does nothing". The
 *     loop stops queueing its firings, and its owner calls `wake()` whenever
 *     what the task reads changes; the task fires again at the next time on
 *     its grid that the loop has not passed yet. Because a firing's place
 *     among the events of its millisecond depends only on its task, not on
 *     when it was queued, the woken task does exactly what it would have done
 *     had it kept firing, at the same moments and in the same order, provided
 *     the runs it skipped would indeed have done nothing. This lives in the
 *     kernel rather than in each task because "skip the firings that provably
 *     do nothing, keep the grid" is the same for every periodic task: an owner
 *     only says when its task is idle and when that may have changed.
 *   - Leases (`fastForward.leases`): a periodic exchange between two
 *     processes that both sides know to be a no-op is not sent at all while
 *     nothing can change its outcome (Kafka's broker heartbeats; see
 *     broker/HeartbeatLease.ts). That needs knowledge of the network and of
 *     both ends, so it lives with them; this is only the switch.
 */
import { assert, InvariantError } from './assert';
import { EventQueue, periodicSeq, type QueuedEvent } from './EventQueue';
import { Rng } from './Rng';
import { Trace } from './Trace';

/** 2024-01-01T00:00:00Z: simulated clocks start here unless a scenario says otherwise. */
export const DEFAULT_START_MS = 1_704_067_200_000;

export interface SimulationOptions {
  readonly seed: string | number;
  /** Absolute epoch milliseconds at the start of the run. */
  readonly startMs?: number;
  /** Keep trace records in memory (off for bulk property runs). */
  readonly recordTrace?: boolean;
  /** Upper bound on events a single run* call may process. */
  readonly eventLimit?: number;
  /** Skip provably idle work (default: everything on; see the module comment). */
  readonly fastForward?: boolean | Partial<FastForward>;
}

export interface FastForward {
  /** Periodic tasks that return QUIESCENT stop firing until woken. */
  readonly quiescentTasks: boolean;
  /** Periodic exchanges known to be no-ops stay virtual (broker heartbeats). */
  readonly leases: boolean;
}

export type Timer = QueuedEvent;

/** What a periodic task returns when it has nothing to do until its owner wakes it. */
export const QUIESCENT: unique symbol = Symbol('quiescent');

export interface PeriodicTask {
  stop(): void;
  /**
   * What the task reads changed: a quiescent task fires again at the next
   * time on its grid. Cheap, and a no-op while the task is not quiescent, so
   * owners may call it on every change.
   */
  wake(): void;
  /** True while the task is skipping its firings. */
  readonly quiescent: boolean;
}

export class Simulation {
  nowMs: number;
  readonly startMs: number;
  readonly seed: string;
  readonly rng: Rng;
  readonly trace: Trace;
  readonly fastForward: FastForward;
  private readonly queue = new EventQueue();
  private readonly eventLimit: number;
  private eventsRun = 0;
  /** The event being run, if any. */
  private running: QueuedEvent | undefined;
  /** Periodic tasks created so far: the next one's rank. */
  private periodicTasks = 0;

  constructor(options: SimulationOptions) {
    this.seed = String(options.seed);
    this.startMs = options.startMs ?? DEFAULT_START_MS;
    this.nowMs = this.startMs;
    this.rng = new Rng(this.seed);
    this.trace = new Trace(this, options.recordTrace ?? true);
    this.eventLimit = options.eventLimit ?? 50_000_000;
    const ff = options.fastForward ?? true;
    this.fastForward = typeof ff === 'boolean' ? { quiescentTasks: ff, leases: ff } : { quiescentTasks: ff.quiescentTasks ?? true, leases: ff.leases ?? true };
  }

  /** Milliseconds since the start of the run. */
  get elapsedMs(): number {
    return this.nowMs - this.startMs;
  }

  get pendingEvents(): number {
    return this.queue.size;
  }

  get eventsProcessed(): number {
    return this.eventsRun;
  }

  schedule(delayMs: number, label: string, run: () => void): Timer {
    assert(delayMs >= 0, () => `schedule ${label}: negative delay ${delayMs}`);
    return this.queue.push(this.nowMs + delayMs, label, run);
  }

  at(atMs: number, label: string, run: () => void): Timer {
    assert(atMs >= this.nowMs, () => `at ${label}: ${atMs} is in the past (now ${this.nowMs})`);
    return this.queue.push(atMs, label, run);
  }

  cancel(timer: Timer | undefined): void {
    if (timer !== undefined) this.queue.cancel(timer);
  }

  /**
   * Run `task` every `periodMs`, first after `initialDelayMs` (default: one
   * period), like a scheduled executor with a fixed rate. A task that
   * returns QUIESCENT is not run again until `wake()` (see the module
   * comment); then it runs at the next time on its grid.
   */
  every(periodMs: number, label: string, task: () => unknown, initialDelayMs = periodMs): PeriodicTask {
    assert(periodMs > 0, () => `every ${label}: period must be positive`);
    assert(initialDelayMs >= 0, () => `every ${label}: negative initial delay ${initialDelayMs}`);
    const rank = this.periodicTasks++;
    const mayPark = this.fastForward.quiescentTasks;
    let timer: Timer | undefined;
    let stopped = false;
    /** While quiescent: the next time on the grid (the firing skipped first); -1 otherwise. */
    let parkedAtMs = -1;
    const fire = (): void => {
      timer = undefined;
      if (stopped) return;
      const outcome = task();
      if (stopped) return;
      if (outcome === QUIESCENT && mayPark) parkedAtMs = this.nowMs + periodMs;
      else timer = this.queue.pushPeriodic(this.nowMs + periodMs, rank, label, fire);
    };
    timer = this.queue.pushPeriodic(this.nowMs + initialDelayMs, rank, label, fire);
    return {
      stop: () => {
        stopped = true;
        parkedAtMs = -1;
        this.cancel(timer);
        timer = undefined;
      },
      wake: () => {
        if (parkedAtMs < 0) return;
        timer = this.queue.pushPeriodic(this.nextOnGrid(parkedAtMs, rank, periodMs), rank, label, fire);
        parkedAtMs = -1;
      },
      get quiescent() {
        return parkedAtMs >= 0;
      },
    };
  }

  /**
   * The first time `firstAtMs + k × periodMs` whose firing (of the task of
   * `rank`) the loop has not passed. A firing due this very millisecond is
   * still ahead only while a periodic firing of a lower rank is running: it
   * comes before every other event of its millisecond, and between runs every
   * event due now has run.
   */
  private nextOnGrid(firstAtMs: number, rank: number, periodMs: number): number {
    const nowMs = this.nowMs;
    if (firstAtMs > nowMs) return firstAtMs;
    const atMs = firstAtMs + Math.floor((nowMs - firstAtMs) / periodMs) * periodMs;
    const running = this.running;
    const stillAhead = atMs === nowMs && running !== undefined && running.atMs === nowMs && running.seq < periodicSeq(rank);
    return stillAhead ? atMs : atMs + periodMs;
  }

  /** Process every event due at or before `atMs`, then set the clock to `atMs`. */
  runUntil(atMs: number): void {
    assert(atMs >= this.nowMs, () => `runUntil: ${atMs} is in the past (now ${this.nowMs})`);
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.atMs > atMs) break;
      this.runOne();
    }
    this.nowMs = atMs;
  }

  advance(ms: number): void {
    this.runUntil(this.nowMs + ms);
  }

  /** Process events until the queue is empty or `until()` holds; bounded. */
  runWhile(condition: () => boolean, maxEvents = this.eventLimit): void {
    let budget = maxEvents;
    while (condition()) {
      if (this.queue.peek() === undefined) return;
      if (budget-- <= 0) throw this.withSeed(new InvariantError(`runWhile: more than ${maxEvents} events without reaching the condition`));
      this.runOne();
    }
  }

  /** Process one event; false when idle. */
  step(): boolean {
    if (this.queue.peek() === undefined) return false;
    this.runOne();
    return true;
  }

  private runOne(): void {
    const event = this.queue.pop()!;
    assert(event.atMs >= this.nowMs, () => `time went backwards: ${event.label} at ${event.atMs}, now ${this.nowMs}`);
    this.nowMs = event.atMs;
    if (++this.eventsRun > this.eventLimit) {
      throw this.withSeed(new InvariantError(`event limit ${this.eventLimit} exceeded (last: ${event.label})`));
    }
    this.running = event;
    try {
      event.run();
    } catch (error) {
      throw this.withSeed(error);
    } finally {
      this.running = undefined;
    }
  }

  /** Add "reproduce with seed=…" to an invariant failure, once. */
  withSeed(error: unknown): unknown {
    if (error instanceof InvariantError && !error.message.includes('reproduce with seed=')) {
      error.message += ` (at t=${this.elapsedMs}ms; reproduce with seed=${this.seed})`;
    }
    return error;
  }
}
