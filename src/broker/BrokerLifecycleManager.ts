/**
 * A broker process's conversation with the controller (Kafka's
 * `BrokerLifecycleManager`): register with a new incarnation id, then
 * heartbeat every `broker.heartbeat.interval.ms` with how far the broker has
 * applied the metadata log. The first heartbeat after the broker caught up
 * with the metadata log is sent at once, and is the one that unfences it. For
 * a controlled shutdown the heartbeats ask to shut down until the controller
 * says the broker may.
 *
 * A request to the controller times out after half the session timeout
 * (`broker.session.timeout.ms` / 2, capped by `controller.socket.timeout.ms`;
 * KAFKA-14392), counted from its creation, so the time spent waiting for a
 * connection counts too (NodeToControllerRequestThread). A failed or refused request (the old incarnation's session is
 * still valid: DUPLICATE_BROKER_REGISTRATION) is retried after an exponential
 * backoff of 100 ms doubling up to the session timeout, ±2%
 * (`resendExponentialBackoff`); a success resets it.
 *
 * While its heartbeats change nothing, the broker holds a heartbeat lease
 * instead of sending them (HeartbeatLease.ts): it asks for one after every
 * answered heartbeat that leaves it unfenced, caught up and not shutting down,
 * and when the lease is revoked it sends its next heartbeat when the virtual
 * schedule says. It revokes the lease itself when it begins a controlled
 * shutdown or stops.
 */
import type { Rng } from '../sim/Rng';
import type { Simulation, Timer } from '../sim/Simulation';
import type { ResolvedBrokerConfig } from './BrokerConfig';
import type { ClusterNetwork } from './ClusterNetwork';
import { exponentialBackoffMs, type ExponentialBackoffOptions } from './exponentialBackoff';
import type { HeartbeatLease } from './HeartbeatLease';
import type { MetadataCache } from './MetadataCache';
import type { NetworkClient } from './NetworkClient';
import type { BrokerHeartbeatResponseBody, BrokerRegistrationResponseBody, MetadataRecord, ResponseBody } from './protocol';

export interface LifecycleHost {
  readonly sim: Simulation;
  readonly brokerId: number;
  readonly config: ResolvedBrokerConfig;
  readonly client: NetworkClient;
  readonly network: ClusterNetwork;
  readonly metadata: MetadataCache;
  readonly controllerEndpoint: string;
  schedule(delayMs: number, label: string, run: () => void): Timer;
  applyMetadata(records: readonly MetadataRecord[]): void;
  onShutdownApproved(): void;
}

/** controller.socket.timeout.ms (default). */
const CONTROLLER_SOCKET_TIMEOUT_MS = 30_000;

export class BrokerLifecycleManager {
  brokerEpoch = -1;
  /** As the controller last said. */
  fenced = true;
  wantShutDown = false;
  private readonly host: LifecycleHost;
  private readonly incarnationId: number;
  private registered = false;
  private inFlight = false;
  private timer: Timer | undefined;
  private failedAttempts = 0;
  private readonly backoff: ExponentialBackoffOptions;
  private readonly requestTimeoutMs: number;
  private readonly rng: Rng;
  private lease: HeartbeatLease | null = null;
  private stopped = false;

  constructor(host: LifecycleHost, incarnationId: number) {
    this.host = host;
    this.incarnationId = incarnationId;
    const sessionMs = host.config.brokerSessionTimeoutMs;
    this.backoff = { initialMs: 100, multiplier: 2, maxMs: sessionMs, jitter: 0.02 };
    this.requestTimeoutMs = Math.min(CONTROLLER_SOCKET_TIMEOUT_MS, Math.trunc(sessionMs / 2));
    this.rng = host.sim.rng.fork(`broker-${host.brokerId}/lifecycle/${incarnationId}`);
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  /** True while the heartbeats are virtual (a lease is held). */
  get leased(): boolean {
    return this.lease !== null;
  }

  /** Metadata applied up to the registration record: the broker may be unfenced. */
  get caughtUp(): boolean {
    return this.registered && this.host.metadata.nextOffset > this.brokerEpoch;
  }

  start(): void {
    this.sendRegistration();
  }

  /** Cluster bootstrap: already registered and unfenced. */
  bootstrap(brokerEpoch: number): void {
    this.registered = true;
    this.brokerEpoch = brokerEpoch;
    this.fenced = false;
    this.scheduleNext(this.host.config.brokerHeartbeatIntervalMs);
  }

  beginControlledShutdown(): void {
    this.wantShutDown = true;
    this.lease?.revoke({ cause: 'controlled-shutdown' });
    if (this.registered && !this.inFlight) this.scheduleNext(0);
  }

  /** The process stopped: a lease ends, and the controller hears what was already on its way. */
  stop(): void {
    this.stopped = true;
    this.lease?.revoke({ cause: 'broker-stopped', metadataOffset: this.host.metadata.nextOffset });
    this.host.sim.cancel(this.timer);
    this.timer = undefined;
  }

  /** New metadata arrived: a fenced broker that just caught up heartbeats at once. */
  onMetadataApplied(): void {
    if (this.fenced && this.caughtUp && !this.inFlight && !this.wantShutDown) this.scheduleNext(0);
  }

  /** Send to the controller; `requestTimeoutMs` after now the request fails as timed out, sent or not. */
  private sendToController(build: Parameters<NetworkClient['send']>[1], handler: (body: ResponseBody | null) => void): void {
    this.inFlight = true;
    let done = false;
    let timer: Timer | undefined;
    const finish = (body: ResponseBody | null): void => {
      if (done) return;
      done = true;
      this.host.sim.cancel(timer);
      this.inFlight = false;
      handler(body);
    };
    const correlationId = this.host.client.send(this.host.controllerEndpoint, build, (body, failure) => finish(failure === null ? body : null), this.requestTimeoutMs);
    // Sent now: the client's request timeout is the deadline. Waiting for a connection: this one is.
    if (done || this.host.client.isConnected(this.host.controllerEndpoint)) return;
    timer = this.host.schedule(this.requestTimeoutMs, `broker ${this.host.brokerId} controller request timeout`, () => {
      timer = undefined;
      this.host.client.abandon(correlationId);
      finish(null);
    });
  }

  /** scheduleNextCommunicationAfterFailure. */
  private retryAfterFailure(): void {
    this.scheduleNext(exponentialBackoffMs(this.backoff, this.failedAttempts, this.rng));
    this.failedAttempts++;
  }

  private scheduleNext(delayMs: number): void {
    this.host.sim.cancel(this.timer);
    this.timer = this.host.schedule(delayMs, `broker ${this.host.brokerId} ${this.registered ? 'heartbeat' : 'registration'}`, () => {
      this.timer = undefined;
      if (this.registered) this.sendHeartbeat();
      else this.sendRegistration();
    });
  }

  private sendRegistration(): void {
    this.sendToController(
      (correlationId) => ({ kind: 'broker-registration', correlationId, brokerId: this.host.brokerId, incarnationId: this.incarnationId }),
      (body) => {
        const response = body as BrokerRegistrationResponseBody | null;
        if (response === null || response.error !== null) {
          this.retryAfterFailure();
          return;
        }
        this.failedAttempts = 0;
        this.registered = true;
        this.brokerEpoch = response.brokerEpoch;
        this.fenced = true;
        if (this.host.sim.trace.active) this.host.sim.trace.emit('broker.registered', { broker: this.host.brokerId, brokerEpoch: response.brokerEpoch });
        this.scheduleNext(0);
      },
    );
  }

  private sendHeartbeat(): void {
    this.sendToController(
      (correlationId) => ({
        kind: 'broker-heartbeat',
        correlationId,
        brokerId: this.host.brokerId,
        brokerEpoch: this.brokerEpoch,
        currentMetadataOffset: this.host.metadata.nextOffset,
        wantShutDown: this.wantShutDown,
      }),
      (body) => {
        const response = body as BrokerHeartbeatResponseBody | null;
        if (response === null) {
          this.retryAfterFailure();
          return;
        }
        if (response.error !== null) {
          // The controller no longer knows this incarnation: register again.
          this.registered = false;
          this.retryAfterFailure();
          return;
        }
        this.fenced = response.isFenced;
        if (response.records.length > 0) this.host.applyMetadata(response.records);
        if (this.wantShutDown && response.shouldShutDown) {
          this.host.onShutdownApproved();
          return;
        }
        const catchUpNow = this.fenced && this.caughtUp && !response.isCaughtUp && !this.wantShutDown;
        this.failedAttempts = 0;
        if (catchUpNow) this.scheduleNext(0);
        else if (!this.takeLease()) this.scheduleNext(this.host.config.brokerHeartbeatIntervalMs);
      },
    );
  }

  /** Instead of arming the next heartbeat, keep the heartbeats virtual if nothing they do can matter. */
  private takeLease(): boolean {
    if (this.stopped || this.fenced || this.wantShutDown || !this.registered) return false;
    const lease = this.host.network.leaseHeartbeats({
      brokerId: this.host.brokerId,
      brokerEpoch: this.brokerEpoch,
      broker: this.host.client.self,
      controller: this.host.controllerEndpoint,
      metadataOffset: this.host.metadata.nextOffset,
      intervalMs: this.host.config.brokerHeartbeatIntervalMs,
    });
    if (lease === null) return false;
    this.lease = lease;
    lease.onRevoked((revoked) => {
      if (this.lease !== revoked) return;
      this.lease = null;
      if (this.stopped) return;
      const now = this.host.sim.nowMs;
      this.scheduleNext(revoked.nextSendMs(now) - now);
    });
    return true;
  }
}
