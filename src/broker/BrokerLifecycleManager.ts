/**
 * A broker process's conversation with the controller (Kafka's
 * `BrokerLifecycleManager`): register with a new incarnation id, then
 * heartbeat every `broker.heartbeat.interval.ms` with how far the broker has
 * applied the metadata log. A refused registration (the old incarnation's
 * session is still valid) is retried every heartbeat interval. The first
 * heartbeat after the broker caught up with the metadata log is sent at once,
 * and is the one that unfences it. For a controlled shutdown the heartbeats
 * ask to shut down until the controller says the broker may.
 */
import type { Simulation, Timer } from '../sim/Simulation';
import type { ResolvedBrokerConfig } from './BrokerConfig';
import type { MetadataCache } from './MetadataCache';
import type { NetworkClient } from './NetworkClient';
import type { BrokerHeartbeatResponseBody, BrokerRegistrationResponseBody, MetadataRecord } from './protocol';

export interface LifecycleHost {
  readonly sim: Simulation;
  readonly brokerId: number;
  readonly config: ResolvedBrokerConfig;
  readonly client: NetworkClient;
  readonly metadata: MetadataCache;
  readonly controllerEndpoint: string;
  schedule(delayMs: number, label: string, run: () => void): Timer;
  applyMetadata(records: readonly MetadataRecord[]): void;
  onShutdownApproved(): void;
}

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

  constructor(host: LifecycleHost, incarnationId: number) {
    this.host = host;
    this.incarnationId = incarnationId;
  }

  get isRegistered(): boolean {
    return this.registered;
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
    if (this.registered && !this.inFlight) this.scheduleNext(0);
  }

  /** New metadata arrived: a fenced broker that just caught up heartbeats at once. */
  onMetadataApplied(): void {
    if (this.fenced && this.caughtUp && !this.inFlight && !this.wantShutDown) this.scheduleNext(0);
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
    this.inFlight = true;
    this.host.client.send(
      this.host.controllerEndpoint,
      (correlationId) => ({ kind: 'broker-registration', correlationId, brokerId: this.host.brokerId, incarnationId: this.incarnationId }),
      (body, failure) => {
        this.inFlight = false;
        const response = body as BrokerRegistrationResponseBody | null;
        if (failure !== null || response === null || response.error !== null) {
          this.scheduleNext(this.host.config.brokerHeartbeatIntervalMs);
          return;
        }
        this.registered = true;
        this.brokerEpoch = response.brokerEpoch;
        this.fenced = true;
        if (this.host.sim.trace.active) this.host.sim.trace.emit('broker.registered', { broker: this.host.brokerId, brokerEpoch: response.brokerEpoch });
        this.scheduleNext(0);
      },
      this.host.config.brokerHeartbeatIntervalMs,
    );
  }

  private sendHeartbeat(): void {
    this.inFlight = true;
    this.host.client.send(
      this.host.controllerEndpoint,
      (correlationId) => ({
        kind: 'broker-heartbeat',
        correlationId,
        brokerId: this.host.brokerId,
        brokerEpoch: this.brokerEpoch,
        currentMetadataOffset: this.host.metadata.nextOffset,
        wantShutDown: this.wantShutDown,
      }),
      (body, failure) => {
        this.inFlight = false;
        const response = body as BrokerHeartbeatResponseBody | null;
        if (failure !== null || response === null) {
          this.scheduleNext(this.host.config.brokerHeartbeatIntervalMs);
          return;
        }
        if (response.error !== null) {
          // The controller no longer knows this incarnation: register again.
          this.registered = false;
          this.scheduleNext(this.host.config.brokerHeartbeatIntervalMs);
          return;
        }
        this.fenced = response.isFenced;
        if (response.records.length > 0) this.host.applyMetadata(response.records);
        if (this.wantShutDown && response.shouldShutDown) {
          this.host.onShutdownApproved();
          return;
        }
        const catchUpNow = this.fenced && this.caughtUp && !response.isCaughtUp && !this.wantShutDown;
        this.scheduleNext(catchUpNow ? 0 : this.host.config.brokerHeartbeatIntervalMs);
      },
      this.host.config.brokerHeartbeatIntervalMs,
    );
  }
}
