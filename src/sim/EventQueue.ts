/**
 * The one event queue of a simulation, after FoundationDB's sim2 task queue:
 * events are ordered by (atMs, seq) where seq is a counter that only grows, so
 * two events due at the same millisecond run in the order they were scheduled,
 * never in the order a sort comparator happens to leave them.
 *
 * A binary min-heap over plain records. Cancellation is lazy: a cancelled
 * event stays in the heap and is skipped when it reaches the top, which keeps
 * cancel O(1) (timers are cancelled far more often than they fire).
 *
 * Firings of periodic tasks (`pushPeriodic`) are the one exception to FIFO:
 * at a given millisecond they come before every other event, in the order the
 * tasks were created (their rank), as the ticks of a fixed-rate executor. So a
 * firing's place does not depend on when it was queued, which is what lets a
 * quiescent task skip firings and come back exactly where it would have been
 * (Simulation.every). Ranks become negative sequence numbers, below every
 * FIFO number, so one comparison orders everything.
 */
import { assert } from './assert';

export interface QueuedEvent {
  readonly atMs: number;
  readonly seq: number;
  /** Short label for traces and for "the queue is stuck at ..." messages. */
  readonly label: string;
  readonly run: () => void;
  cancelled: boolean;
}

export class EventQueue {
  private readonly heap: QueuedEvent[] = [];
  private nextSeq = 0;
  private liveCount = 0;

  get size(): number {
    return this.liveCount;
  }

  push(atMs: number, label: string, run: () => void): QueuedEvent {
    return this.insert(atMs, this.nextSeq++, label, run);
  }

  /**
   * Queue a firing of the periodic task of rank `rank` (0, 1, ... in creation
   * order): before every other event due at `atMs`. A task has at most one
   * firing queued, so (atMs, rank) is unique.
   */
  pushPeriodic(atMs: number, rank: number, label: string, run: () => void): QueuedEvent {
    assert(Number.isInteger(rank) && rank >= 0 && rank < PERIODIC_RANKS, () => `event ${label}: bad periodic rank ${rank}`);
    return this.insert(atMs, periodicSeq(rank), label, run);
  }

  private insert(atMs: number, seq: number, label: string, run: () => void): QueuedEvent {
    assert(Number.isFinite(atMs), () => `event ${label}: atMs must be finite, got ${atMs}`);
    const event: QueuedEvent = { atMs, seq, label, run, cancelled: false };
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = event;
    this.liveCount++;
    return event;
  }

  cancel(event: QueuedEvent): void {
    if (event.cancelled) return;
    event.cancelled = true;
    this.liveCount--;
  }

  /** The next live event without removing it, or undefined when idle. */
  peek(): QueuedEvent | undefined {
    this.dropCancelledTop();
    return this.heap[0];
  }

  pop(): QueuedEvent | undefined {
    this.dropCancelledTop();
    const top = this.heap[0];
    if (top === undefined) return undefined;
    this.removeTop();
    this.liveCount--;
    // Mark as done so a late cancel() of a fired timer does not miscount.
    top.cancelled = true;
    return top;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.removeTop();
  }

  private removeTop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

/** Periodic ranks map to [-2^52, 0): below every FIFO sequence number. */
const PERIODIC_RANKS = 2 ** 52;

/** The sequence number of a firing of the periodic task of `rank`. */
export function periodicSeq(rank: number): number {
  return rank - PERIODIC_RANKS;
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
