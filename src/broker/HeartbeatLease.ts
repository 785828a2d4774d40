/**
 * Broker heartbeats kept virtual while they are a known no-op.
 *
 * A registered, unfenced broker heartbeats to the controller every
 * `broker.heartbeat.interval.ms`. While nothing changes, an exchange only
 * moves the controller's last-heard time forward and arms the broker's next
 * heartbeat, yet simulating it costs four events and two network messages:
 * in an idle cluster that is nearly everything there is. So after a heartbeat
 * response that leaves everything as it was, the broker takes a lease instead
 * of arming its timer: the exchanges go on virtually, on a fixed schedule,
 * until something could change their outcome. Then the lease is revoked and
 * materialized: the controller's last-heard time and the broker's next
 * heartbeat become what the virtual exchanges would have made them, and real
 * heartbeats resume from there.
 *
 * A lease is granted only when (ClusterNetwork.leaseHeartbeats,
 * Controller.acceptHeartbeatLease):
 *   - the broker is registered, unfenced as the controller last said, not
 *     shutting down, and its heartbeat has just been answered;
 *   - the controller agrees: same broker epoch, unfenced, not in controlled
 *     shutdown, and every record it has written is applied by the broker
 *     (records written later reach the broker by push, over the same clean
 *     connection, as they would between real heartbeats);
 *   - the connection is clean: both processes up, neither link cut, lossy or
 *     slowed by a fault, the connection not broken;
 *   - a heartbeat cycle is shorter than `broker.session.timeout.ms` (else real
 *     heartbeats would let the session lapse between them);
 *   - the simulation fast-forwards (`fastForward.leases`).
 * It is revoked, before anything else happens, by:
 *   - a network fault on either link between the broker and the controller
 *     (a heal excepted: the links are clean already) (ClusterNetwork);
 *   - the broker process stopping for any reason, or beginning a controlled
 *     shutdown (BrokerLifecycleManager);
 *   - the controller halting (Controller).
 * Nothing else can change a heartbeat's outcome: the controller fences a
 * broker only when its session lapses (which the lease prevents), when it
 * asks to shut down, or when a new incarnation registers (after this process
 * stopped); a scenario that reads the controller's last-heard time meanwhile
 * gets the virtual value (Controller's `lastHeartbeatMs`).
 *
 * The virtual schedule. With a one-way delay of L ms (the links' latency: the
 * exact delay on a network without jitter, the mean with the default
 * symmetric jitter), a heartbeat sent at S is heard at S + L and answered at
 * S + 2L, and the next one is sent an interval after the answer. Counting from
 * the response that granted the lease at G, the controller hears virtual
 * heartbeats at H_k = G + interval + L + k × (interval + 2L). When the lease is
 * revoked at t:
 *   - the controller has heard every H_k <= t (its session then lapses at the
 *     last of them + broker.session.timeout.ms, the same millisecond as with
 *     real heartbeats on a network without jitter);
 *   - if the broker stopped, a heartbeat it sent before t but that was not yet
 *     heard (H_k - L <= t < H_k) still arrives, as messages in flight from a
 *     dead process do: the controller hears it at H_k;
 *   - the broker sends its next heartbeat at H_k - L for the first H_k > t, or
 *     at once if that time has passed.
 * What the model leaves out: an exchange in flight at t (2L ms of every
 * cycle) is taken as not yet sent or as complete, so a fault landing in those
 * milliseconds can move the broker's own retries by up to one cycle; and with
 * jitter, real heartbeats drift from any fixed schedule by a random walk of
 * about a millisecond per cycle. Both are within what random message delays
 * already do to real heartbeats.
 */
import { assert } from '../sim/assert';

export type LeaseRevocationCause = 'connection' | 'broker-stopped' | 'controlled-shutdown' | 'controller-halted';

export interface LeaseRevocation {
  readonly cause: LeaseRevocationCause;
  /** The broker's applied metadata offset when it stopped (cause 'broker-stopped'). */
  readonly metadataOffset?: number;
}

export type LeaseRevocationHandler = (lease: HeartbeatLease, revocation: LeaseRevocation) => void;

export interface HeartbeatLeaseOptions {
  readonly brokerId: number;
  readonly brokerEpoch: number;
  /** Endpoint names. */
  readonly broker: string;
  readonly controller: string;
  /** What the broker has applied of the metadata log (its next offset). */
  readonly metadataOffset: number;
  readonly intervalMs: number;
  /** One-way delay L of the links. */
  readonly oneWayMs: number;
  /** When the response that grants the lease arrived. */
  readonly grantedAtMs: number;
}

export class HeartbeatLease {
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly broker: string;
  readonly controller: string;
  readonly metadataOffset: number;
  readonly oneWayMs: number;
  /** interval + 2L: from one heartbeat to the next. */
  readonly cycleMs: number;
  /** H_0: when the controller hears the first virtual heartbeat. */
  readonly firstHeardMs: number;
  private readonly handlers: LeaseRevocationHandler[] = [];
  private revoked = false;

  constructor(options: HeartbeatLeaseOptions) {
    assert(options.intervalMs > 0 && options.oneWayMs >= 0, () => `heartbeat lease: bad interval ${options.intervalMs} or delay ${options.oneWayMs}`);
    this.brokerId = options.brokerId;
    this.brokerEpoch = options.brokerEpoch;
    this.broker = options.broker;
    this.controller = options.controller;
    this.metadataOffset = options.metadataOffset;
    this.oneWayMs = options.oneWayMs;
    this.cycleMs = options.intervalMs + 2 * options.oneWayMs;
    this.firstHeardMs = options.grantedAtMs + options.intervalMs + options.oneWayMs;
  }

  get active(): boolean {
    return !this.revoked;
  }

  /** Called once, at revocation, in the order registered. */
  onRevoked(handler: LeaseRevocationHandler): void {
    assert(!this.revoked, 'heartbeat lease: a handler added after revocation');
    this.handlers.push(handler);
  }

  /** End the lease: every holder materializes what the virtual exchanges did. A second call does nothing. */
  revoke(revocation: LeaseRevocation): void {
    if (this.revoked) return;
    this.revoked = true;
    for (const handler of this.handlers) handler(this, revocation);
  }

  /** The last virtual heartbeat heard by `nowMs`, or -Infinity before the first. */
  lastHeardMs(nowMs: number): number {
    if (nowMs < this.firstHeardMs) return -Infinity;
    return this.firstHeardMs + Math.floor((nowMs - this.firstHeardMs) / this.cycleMs) * this.cycleMs;
  }

  /** H_k for the first heartbeat not heard by `nowMs`. */
  private nextHeardMs(nowMs: number): number {
    if (nowMs < this.firstHeardMs) return this.firstHeardMs;
    return this.lastHeardMs(nowMs) + this.cycleMs;
  }

  /** A heartbeat sent by `nowMs` and not yet heard (the broker stopped with it in flight): when it is heard, or null. */
  inFlightHeardMs(nowMs: number): number | null {
    const next = this.nextHeardMs(nowMs);
    return next - this.oneWayMs <= nowMs ? next : null;
  }

  /** When the broker sends its next heartbeat after revocation at `nowMs`. */
  nextSendMs(nowMs: number): number {
    return Math.max(nowMs, this.nextHeardMs(nowMs) - this.oneWayMs);
  }
}
