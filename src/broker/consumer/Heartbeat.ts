/**
 * The three clocks of a group member (Kafka's Heartbeat):
 *   - the heartbeat timer: the next heartbeat is due `heartbeat.interval.ms`
 *     after the last one was sent, or after a backoff when one failed;
 *   - the session timer: `session.timeout.ms` without a successful heartbeat
 *     response and the member assumes its coordinator is gone;
 *   - the poll timer: `max.poll.interval.ms` without a call to poll() and
 *     the member leaves the group on its own (the rebalance timeout).
 * Pure: times in, answers out; the coordinator's heartbeat loop acts on them.
 */
import type { Rng } from '../../sim/Rng';
import { retryBackoffMs } from '../ProducerConfig';

export interface HeartbeatConfig {
  readonly heartbeatIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly maxPollIntervalMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
}

export class Heartbeat {
  private heartbeatDueMs = 0;
  private sessionExpiresMs = 0;
  private pollExpiresMs = 0;
  private attempts = 0;
  inFlight = false;
  lastHeartbeatSendMs = 0;

  constructor(private readonly config: HeartbeatConfig, private readonly rng: Rng) {}

  /** poll() was called: the poll timer starts again. */
  poll(nowMs: number): void {
    this.pollExpiresMs = nowMs + this.config.maxPollIntervalMs;
  }

  sentHeartbeat(nowMs: number): void {
    this.lastHeartbeatSendMs = nowMs;
    this.inFlight = true;
    this.heartbeatDueMs = nowMs + this.config.heartbeatIntervalMs;
  }

  failHeartbeat(nowMs: number): void {
    this.inFlight = false;
    this.heartbeatDueMs = nowMs + retryBackoffMs(this.config, this.attempts++, this.rng);
  }

  receiveHeartbeat(nowMs: number): void {
    this.inFlight = false;
    this.attempts = 0;
    this.sessionExpiresMs = nowMs + this.config.sessionTimeoutMs;
  }

  shouldHeartbeat(nowMs: number): boolean {
    return nowMs >= this.heartbeatDueMs;
  }

  sessionTimeoutExpired(nowMs: number): boolean {
    return nowMs >= this.sessionExpiresMs;
  }

  pollTimeoutExpired(nowMs: number): boolean {
    return nowMs >= this.pollExpiresMs;
  }

  /** The next instant any of the three timers needs attention. */
  nextDeadlineMs(): number {
    return Math.min(this.heartbeatDueMs, this.sessionExpiresMs, this.pollExpiresMs);
  }

  resetTimeouts(nowMs: number): void {
    this.sessionExpiresMs = nowMs + this.config.sessionTimeoutMs;
    this.pollExpiresMs = nowMs + this.config.maxPollIntervalMs;
    this.heartbeatDueMs = nowMs + this.config.heartbeatIntervalMs;
  }

  resetSessionTimeout(nowMs: number): void {
    this.sessionExpiresMs = nowMs + this.config.sessionTimeoutMs;
  }

  get lastPollTimeMs(): number {
    return this.pollExpiresMs - this.config.maxPollIntervalMs;
  }
}
