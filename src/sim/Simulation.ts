/**
 * The simulation loop: a virtual clock in milliseconds, one event queue, one
 * root RNG and one trace. Time only moves when the loop jumps to the next
 * event, so seven idle days cost what the events in them cost, not the days.
 *
 * Nothing here (or anywhere under src/) reads wall-clock time, calls
 * Math.random or uses real timers; a test enforces it.
 */
import { assert, InvariantError } from './assert';
import { EventQueue, type QueuedEvent } from './EventQueue';
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
}

export type Timer = QueuedEvent;

export interface PeriodicTask {
  stop(): void;
}

export class Simulation {
  nowMs: number;
  readonly startMs: number;
  readonly seed: string;
  readonly rng: Rng;
  readonly trace: Trace;
  private readonly queue = new EventQueue();
  private readonly eventLimit: number;
  private eventsRun = 0;

  constructor(options: SimulationOptions) {
    this.seed = String(options.seed);
    this.startMs = options.startMs ?? DEFAULT_START_MS;
    this.nowMs = this.startMs;
    this.rng = new Rng(this.seed);
    this.trace = new Trace(this, options.recordTrace ?? true);
    this.eventLimit = options.eventLimit ?? 50_000_000;
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
   * period), like a scheduled executor with a fixed rate.
   */
  every(periodMs: number, label: string, task: () => void, initialDelayMs = periodMs): PeriodicTask {
    assert(periodMs > 0, () => `every ${label}: period must be positive`);
    let timer: Timer | undefined;
    let stopped = false;
    const fire = (): void => {
      if (stopped) return;
      task();
      if (!stopped) timer = this.schedule(periodMs, label, fire);
    };
    timer = this.schedule(initialDelayMs, label, fire);
    return {
      stop: () => {
        stopped = true;
        this.cancel(timer);
      },
    };
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
    try {
      event.run();
    } catch (error) {
      throw this.withSeed(error);
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
