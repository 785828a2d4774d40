/**
 * The cluster's controller, after KRaft's `QuorumController` with its
 * `ClusterControlManager` (broker registrations and sessions) and
 * `ReplicationControlManager` (partition leaders, ISRs, elections). It owns
 * the metadata log: every change is a record, pushed to every registered
 * broker as it is written; a broker that missed some catches up from its next
 * heartbeat response.
 *
 * What it does, and when:
 *   - Registration: a broker process registers with a new incarnation id and
 *     gets a new broker epoch; it starts fenced. While an older incarnation
 *     still has a valid session the registration is refused with
 *     DUPLICATE_BROKER_REGISTRATION ("Another broker is registered with that
 *     broker id."), so a restarted broker always waits out its old session.
 *   - Sessions: a broker that has not heartbeated for
 *     `broker.session.timeout.ms` (9000; heartbeats every 2000 over the
 *     network) is fenced: removed from every ISR where it is not the last
 *     member, and replaced as leader (handleBrokerFenced). While a broker
 *     holds a heartbeat lease (HeartbeatLease.ts) its heartbeats are virtual:
 *     its session cannot lapse, and its last-heard time is the lease's.
 *   - Unfencing: once a fenced broker has caught up with the metadata log, its
 *     next heartbeat unfences it, and leaderless partitions that can elect it
 *     do (handleBrokerUnfenced).
 *   - Controlled shutdown: a heartbeat asking to shut down moves leadership
 *     away and takes the broker out of every ISR; once it leads nothing and
 *     has seen that, it is told to shut down and fenced.
 *   - AlterPartition from a leader changes the ISR if the leader and partition
 *     epochs match and every new member is eligible (KIP-497, KIP-841).
 *   - Every `leader.imbalance.check.interval.seconds` the preferred replica
 *     takes leadership back (auto.leader.rebalance.enable); every
 *     `unclean.leader.election.interval.ms` leaderless partitions of topics
 *     with unclean.leader.election.enable elect any live replica (KAFKA-12670).
 *
 * Simplified: the controller is one node that never fails (no Raft quorum);
 * a registration whose old session has just expired fences the old
 * incarnation first, as if the controller's periodic session check had
 * already run (in Kafka that race can leave a restarted broker in the ISR).
 */
import { assert } from '../sim/assert';
import type { PeriodicTask, Simulation, Timer } from '../sim/Simulation';
import type { ResolvedBrokerConfig } from './BrokerConfig';
import type { ClusterNetwork, NetworkEndpoint } from './ClusterNetwork';
import type { KafkaErrorCode } from './errors';
import type { HeartbeatLease, LeaseRevocation } from './HeartbeatLease';
import type { LogConfig } from './LogConfig';
import { buildPartitionChange, NO_LEADER, sameMembers, type PartitionChange, type PartitionRegistration } from './partitionElection';
import type {
  AlterPartitionRequest,
  AlterPartitionResponseBody,
  BrokerHeartbeatRequest,
  BrokerHeartbeatResponseBody,
  BrokerRecord,
  BrokerRegistrationRequest,
  BrokerRegistrationResponseBody,
  KafkaMessage,
  MetadataRecord,
  PartitionRecord,
  ResponseBody,
} from './protocol';

export const CONTROLLER_ENDPOINT = 'controller';

export interface BrokerRegistrationState {
  readonly brokerId: number;
  readonly incarnationId: number;
  readonly brokerEpoch: number;
  readonly fenced: boolean;
  readonly inControlledShutdown: boolean;
  /** When the controller last heard a heartbeat from this incarnation (virtual ones included). */
  readonly lastHeartbeatMs: number;
  /** Offset of the registration record: the broker is caught up once it applied it. */
  readonly registrationOffset: number;
  /** Offset after which a broker in controlled shutdown has seen its leadership move. */
  readonly controlledShutdownOffset: number;
  /** The heartbeat lease the broker holds, if any. */
  readonly lease: HeartbeatLease | null;
}

/** The controller's record of one registered broker incarnation. */
class BrokerRegistration implements BrokerRegistrationState {
  fenced: boolean;
  inControlledShutdown = false;
  controlledShutdownOffset = -1;
  lease: HeartbeatLease | null = null;
  /** The last real heartbeat (or the registration). */
  heardMs: number;

  constructor(
    private readonly sim: Simulation,
    readonly brokerId: number,
    readonly incarnationId: number,
    readonly brokerEpoch: number,
    options: { fenced: boolean },
  ) {
    this.fenced = options.fenced;
    this.heardMs = sim.nowMs;
  }

  get registrationOffset(): number {
    return this.brokerEpoch;
  }

  get lastHeartbeatMs(): number {
    return this.lease === null ? this.heardMs : Math.max(this.heardMs, this.lease.lastHeardMs(this.sim.nowMs));
  }
}

export interface TopicRegistration {
  readonly name: string;
  readonly topicId: string;
  config: LogConfig;
  readonly partitions: PartitionRegistration[];
}

type Reason = string;

type RecordBody =
  | Omit<BrokerRecord, 'offset'>
  | Omit<PartitionRecord, 'offset'>
  | { readonly type: 'topic'; readonly topic: string; readonly topicId: string; readonly config: LogConfig }
  | { readonly type: 'remove-topic'; readonly topic: string };

export class Controller implements NetworkEndpoint {
  readonly name = CONTROLLER_ENDPOINT;
  readonly log: MetadataRecord[] = [];
  readonly brokers: ReadonlyMap<number, BrokerRegistrationState>;
  private readonly registrations = new Map<number, BrokerRegistration>();
  readonly topics = new Map<string, TopicRegistration>();
  private readonly sim: Simulation;
  private readonly network: ClusterNetwork;
  private readonly config: ResolvedBrokerConfig;
  private fenceTimer: Timer | undefined;
  private readonly tasks: PeriodicTask[] = [];
  private halted = false;
  private nextProducerId = 0;
  /** Records written since the last push. */
  private unpushed = 0;

  constructor(options: { sim: Simulation; network: ClusterNetwork; config: ResolvedBrokerConfig }) {
    this.sim = options.sim;
    this.network = options.network;
    this.config = options.config;
    this.brokers = this.registrations;
    this.network.register(this.name, this);
    if (this.config.autoLeaderRebalanceEnable) {
      this.tasks.push(this.sim.every(this.config.leaderImbalanceCheckIntervalMs, 'controller preferred-leader-election', () => this.balancePartitionLeaders()));
    }
    this.tasks.push(this.sim.every(this.config.uncleanLeaderElectionIntervalMs, 'controller unclean-leader-election', () => this.electUncleanLeaders()));
  }

  /** Stop every timer and ignore every request from now on. */
  halt(): void {
    for (const b of this.sortedRegistrations()) b.lease?.revoke({ cause: 'controller-halted' });
    this.halted = true;
    for (const task of this.tasks) task.stop();
    this.sim.cancel(this.fenceTimer);
    this.fenceTimer = undefined;
  }

  // ---- queries --------------------------------------------------------------------

  partition(topic: string, partition: number): PartitionRegistration | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  /** Registered, unfenced and not shutting down (ClusterControlManager.isActive). */
  isActive(brokerId: number): boolean {
    const b = this.registrations.get(brokerId);
    return b !== undefined && !b.fenced && !b.inControlledShutdown;
  }

  unfencedBrokerIds(): number[] {
    return [...this.registrations.values()].filter((b) => !b.fenced).map((b) => b.brokerId).sort((a, b) => a - b);
  }

  allocateProducerId(): number {
    return this.nextProducerId++;
  }

  // ---- admin (synchronous, as an AdminClient call that waits for the commit) --------

  /** Register a broker at cluster start: unfenced at once, as a cluster already running. */
  bootstrapRegister(brokerId: number, incarnationId: number): number {
    const epoch = this.log.length;
    this.registrations.set(brokerId, new BrokerRegistration(this.sim, brokerId, incarnationId, epoch, { fenced: false }));
    this.write([{ type: 'broker', brokerId, brokerEpoch: epoch, fenced: false, inControlledShutdown: false }]);
    this.rescheduleFencing();
    return epoch;
  }

  createTopic(name: string, topicId: string, config: LogConfig, assignments: readonly (readonly number[])[]): void {
    assert(!this.topics.has(name), () => `topic ${name} exists`);
    const topic: TopicRegistration = { name, topicId, config, partitions: [] };
    this.topics.set(name, topic);
    const records: RecordBody[] = [{ type: 'topic', topic: name, topicId, config }];
    for (const replicas of assignments) records.push(this.newPartition(topic, replicas));
    this.write(records);
  }

  addPartitions(name: string, assignments: readonly (readonly number[])[]): void {
    const topic = this.topics.get(name);
    assert(topic !== undefined, () => `no topic ${name}`);
    this.write(assignments.map((replicas) => this.newPartition(topic, replicas)));
  }

  deleteTopic(name: string): void {
    assert(this.topics.delete(name), () => `no topic ${name}`);
    this.write([{ type: 'remove-topic', topic: name }]);
  }

  private newPartition(topic: TopicRegistration, replicas: readonly number[]): Omit<PartitionRecord, 'offset'> {
    const isr = replicas.filter((r) => this.isActive(r));
    const leader = isr[0] ?? NO_LEADER;
    const registration: PartitionRegistration = {
      topic: topic.name,
      partition: topic.partitions.length,
      replicas: [...replicas],
      isr: isr.length > 0 ? isr : [...replicas],
      leader,
      leaderEpoch: 0,
      partitionEpoch: 0,
    };
    topic.partitions.push(registration);
    return partitionRecord(registration);
  }

  // ---- requests ----------------------------------------------------------------------

  receive(from: string, message: KafkaMessage): void {
    if (this.halted) return;
    switch (message.kind) {
      case 'broker-registration':
        return this.respond(from, message.correlationId, this.registerBroker(message));
      case 'broker-heartbeat':
        return this.respond(from, message.correlationId, this.processBrokerHeartbeat(message));
      case 'alter-partition':
        return this.respond(from, message.correlationId, this.alterPartition(message));
      default:
        // Nothing else is addressed to the controller; a stray message is dropped.
        return;
    }
  }

  disconnected(): void {
    // The controller sends no requests of its own.
  }

  private respond(to: string, correlationId: number, body: ResponseBody): void {
    // Records first, so the broker applies them before the response that needs them.
    this.push();
    if (this.network.isListening(to)) this.network.send(this.name, to, { kind: 'response', correlationId, body });
  }

  /** ClusterControlManager.registerBroker. */
  private registerBroker(request: BrokerRegistrationRequest): BrokerRegistrationResponseBody {
    const now = this.sim.nowMs;
    const existing = this.registrations.get(request.brokerId);
    if (existing !== undefined && existing.incarnationId !== request.incarnationId) {
      if (this.hasValidSession(existing, now)) {
        this.trace('controller.register-rejected', { broker: request.brokerId, error: 'DUPLICATE_BROKER_REGISTRATION', message: 'Another broker is registered with that broker id.' });
        return { api: 'broker-registration', error: 'DUPLICATE_BROKER_REGISTRATION', brokerEpoch: -1 };
      }
      if (!existing.fenced) this.fence(existing, 'session expired');
    }
    if (existing !== undefined && existing.incarnationId === request.incarnationId) {
      return { api: 'broker-registration', error: null, brokerEpoch: existing.brokerEpoch };
    }
    const epoch = this.log.length;
    assert(existing?.lease == null, () => `broker ${request.brokerId} registers again while its old incarnation holds a heartbeat lease`);
    this.registrations.set(request.brokerId, new BrokerRegistration(this.sim, request.brokerId, request.incarnationId, epoch, { fenced: true }));
    this.write([{ type: 'broker', brokerId: request.brokerId, brokerEpoch: epoch, fenced: true, inControlledShutdown: false }]);
    this.trace('controller.register', { broker: request.brokerId, brokerEpoch: epoch });
    this.rescheduleFencing();
    return { api: 'broker-registration', error: null, brokerEpoch: epoch };
  }

  /** QuorumController.processBrokerHeartbeat / BrokerHeartbeatManager. */
  private processBrokerHeartbeat(request: BrokerHeartbeatRequest): BrokerHeartbeatResponseBody {
    const state = this.registrations.get(request.brokerId);
    if (state === undefined || state.brokerEpoch !== request.brokerEpoch) {
      return { api: 'broker-heartbeat', error: 'STALE_BROKER_EPOCH', isCaughtUp: false, isFenced: true, shouldShutDown: false, records: [] };
    }
    assert(state.lease === null, () => `broker ${request.brokerId} heartbeats while it holds a heartbeat lease`);
    state.heardMs = this.sim.nowMs;
    const isCaughtUp = request.currentMetadataOffset > state.registrationOffset;
    let shouldShutDown = false;
    if (request.wantShutDown) {
      if (!state.inControlledShutdown && !state.fenced) this.enterControlledShutdown(state);
      if (state.fenced) shouldShutDown = true;
      else if (!this.leadsAnything(state.brokerId) && request.currentMetadataOffset > state.controlledShutdownOffset) {
        shouldShutDown = true;
        this.fence(state, 'controlled shutdown');
      }
    } else if (state.fenced && isCaughtUp) {
      this.unfence(state);
    }
    this.rescheduleFencing();
    return {
      api: 'broker-heartbeat',
      error: null,
      isCaughtUp,
      isFenced: state.fenced,
      shouldShutDown,
      records: request.currentMetadataOffset < this.log.length ? this.log.slice(Math.max(0, request.currentMetadataOffset)) : [],
    };
  }

  /** ReplicationControlManager.alterPartition. */
  private alterPartition(request: AlterPartitionRequest): AlterPartitionResponseBody {
    const fail = (error: KafkaErrorCode, reg?: PartitionRegistration): AlterPartitionResponseBody => ({
      api: 'alter-partition',
      error,
      leader: reg?.leader ?? NO_LEADER,
      leaderEpoch: reg?.leaderEpoch ?? -1,
      isr: reg?.isr ?? [],
      partitionEpoch: reg?.partitionEpoch ?? -1,
    });
    const broker = this.registrations.get(request.brokerId);
    if (broker === undefined || broker.brokerEpoch !== request.brokerEpoch) return fail('STALE_BROKER_EPOCH');
    const topic = this.topics.get(request.topic);
    const reg = topic?.partitions[request.partition];
    if (topic === undefined || reg === undefined) return fail('UNKNOWN_TOPIC_OR_PARTITION');
    if (reg.leader !== request.brokerId) return fail('NOT_LEADER_OR_FOLLOWER', reg);
    if (request.leaderEpoch !== reg.leaderEpoch) return fail('FENCED_LEADER_EPOCH', reg);
    if (request.partitionEpoch !== reg.partitionEpoch) return fail('INVALID_UPDATE_VERSION', reg);
    for (const r of request.newIsr) {
      if (!reg.replicas.includes(r)) return fail('INELIGIBLE_REPLICA', reg);
      if (!reg.isr.includes(r) && !this.isActive(r)) return fail('INELIGIBLE_REPLICA', reg);
    }
    if (!request.newIsr.includes(reg.leader)) return fail('INELIGIBLE_REPLICA', reg);
    if (!sameMembers(request.newIsr, reg.isr)) {
      const updated: PartitionRegistration = { ...reg, isr: [...request.newIsr], partitionEpoch: reg.partitionEpoch + 1 };
      this.commit(topic, updated, { registration: updated, unclean: false, leaderChanged: false, isrChanged: true }, `AlterPartition from broker ${request.brokerId}`, reg);
    }
    const now = topic.partitions[request.partition]!;
    return { api: 'alter-partition', error: null, leader: now.leader, leaderEpoch: now.leaderEpoch, isr: now.isr, partitionEpoch: now.partitionEpoch };
  }

  // ---- broker state changes ----------------------------------------------------------

  private hasValidSession(state: BrokerRegistration, nowMs: number): boolean {
    return nowMs - state.lastHeartbeatMs < this.config.brokerSessionTimeoutMs;
  }

  /** ReplicationControlManager.handleBrokerFenced. */
  private fence(state: BrokerRegistration, reason: Reason): void {
    state.fenced = true;
    this.trace('controller.fence', { broker: state.brokerId, reason });
    this.updatePartitions(`broker ${state.brokerId} fenced (${reason})`, {
      remove: state.brokerId,
      add: NO_LEADER,
      only: (reg) => reg.isr.includes(state.brokerId) || reg.leader === state.brokerId,
    });
    this.write([{ type: 'broker', brokerId: state.brokerId, brokerEpoch: state.brokerEpoch, fenced: true, inControlledShutdown: state.inControlledShutdown }]);
  }

  /** ReplicationControlManager.handleBrokerUnfenced. */
  private unfence(state: BrokerRegistration): void {
    state.fenced = false;
    state.inControlledShutdown = false;
    this.write([{ type: 'broker', brokerId: state.brokerId, brokerEpoch: state.brokerEpoch, fenced: false, inControlledShutdown: false }]);
    this.trace('controller.unfence', { broker: state.brokerId });
    this.updatePartitions(`broker ${state.brokerId} unfenced`, { remove: NO_LEADER, add: state.brokerId, only: (reg) => reg.leader === NO_LEADER });
  }

  /** ReplicationControlManager.handleBrokerInControlledShutdown. */
  private enterControlledShutdown(state: BrokerRegistration): void {
    state.inControlledShutdown = true;
    this.write([{ type: 'broker', brokerId: state.brokerId, brokerEpoch: state.brokerEpoch, fenced: state.fenced, inControlledShutdown: true }]);
    this.trace('controller.controlled-shutdown', { broker: state.brokerId });
    this.updatePartitions(`broker ${state.brokerId} in controlled shutdown`, {
      remove: state.brokerId,
      add: NO_LEADER,
      only: (reg) => reg.isr.includes(state.brokerId) || reg.leader === state.brokerId,
    });
    state.controlledShutdownOffset = this.log.length - 1;
  }

  private leadsAnything(brokerId: number): boolean {
    for (const topic of this.topics.values()) for (const reg of topic.partitions) if (reg.leader === brokerId) return true;
    return false;
  }

  /** generateLeaderAndIsrUpdates over the partitions `only` selects. */
  private updatePartitions(reason: Reason, options: { remove: number; add: number; only: (reg: PartitionRegistration) => boolean; preferred?: boolean }): void {
    const acceptable = (r: number): boolean => r !== options.remove && (r === options.add || this.isActive(r));
    for (const topic of this.sortedTopics()) {
      for (const reg of topic.partitions) {
        if (!options.only(reg)) continue;
        const change = buildPartitionChange(reg, {
          targetIsr: reg.isr.filter((r) => r !== options.remove),
          isAcceptableLeader: acceptable,
          uncleanElection: topic.config['unclean.leader.election.enable'],
          preferred: options.preferred,
        });
        if (change !== null) this.commit(topic, change.registration, change, reason, reg);
      }
    }
  }

  private balancePartitionLeaders(): void {
    this.updatePartitions('preferred leader election', {
      remove: NO_LEADER,
      add: NO_LEADER,
      preferred: true,
      only: (reg) => reg.leader !== reg.replicas[0] && reg.isr.includes(reg.replicas[0]!) && this.isActive(reg.replicas[0]!),
    });
    this.push();
  }

  private electUncleanLeaders(): void {
    for (const topic of this.sortedTopics()) {
      if (!topic.config['unclean.leader.election.enable']) continue;
      this.updatePartitions('unclean leader election for leaderless partitions', { remove: NO_LEADER, add: NO_LEADER, only: (reg) => reg.leader === NO_LEADER && reg.topic === topic.name });
    }
    this.push();
  }

  private commit(topic: TopicRegistration, updated: PartitionRegistration, change: PartitionChange, reason: Reason, previous: PartitionRegistration): void {
    topic.partitions[updated.partition] = updated;
    this.write([partitionRecord(updated)]);
    if (this.sim.trace.active) {
      this.sim.trace.emit('controller.partition', {
        partition: `${updated.topic}-${updated.partition}`,
        leader: updated.leader,
        previousLeader: previous.leader,
        leaderEpoch: updated.leaderEpoch,
        isr: updated.isr,
        previousIsr: previous.isr,
        leaderChanged: change.leaderChanged,
        unclean: change.unclean,
        reason,
      });
    }
  }

  // ---- sessions ----------------------------------------------------------------------

  /**
   * Keep the session timer armed no later than the earliest expiry. Heartbeats
   * only push expiries later, so a timer that fires early just re-arms. A
   * broker holding a lease has no expiry until the lease is revoked.
   */
  private rescheduleFencing(): void {
    let next = Infinity;
    for (const b of this.registrations.values()) if (!b.fenced && b.lease === null) next = Math.min(next, b.heardMs + this.config.brokerSessionTimeoutMs);
    if (next === Infinity) return;
    const timer = this.fenceTimer;
    if (timer !== undefined && !timer.cancelled && timer.atMs <= next) return;
    this.sim.cancel(timer);
    this.fenceTimer = this.sim.at(Math.max(next, this.sim.nowMs), 'controller session check', () => {
      this.fenceTimer = undefined;
      this.fenceStaleBrokers();
    });
  }

  /** QuorumController.maybeFenceStaleBroker. */
  private fenceStaleBrokers(): void {
    const now = this.sim.nowMs;
    for (const state of this.sortedRegistrations()) {
      if (!state.fenced && !this.hasValidSession(state, now)) this.fence(state, 'session expired');
    }
    this.push();
    this.rescheduleFencing();
  }

  // ---- the metadata log ----------------------------------------------------------------

  private write(bodies: readonly RecordBody[]): void {
    for (const body of bodies) {
      const record = { ...body, offset: this.log.length } as MetadataRecord;
      this.log.push(record);
      this.unpushed++;
    }
  }

  /** Send the records written since the last push to every registered broker. */
  push(): void {
    if (this.unpushed === 0) return;
    const records = this.log.slice(this.log.length - this.unpushed);
    this.unpushed = 0;
    for (const state of this.sortedRegistrations()) {
      const endpoint = `broker-${state.brokerId}`;
      // A leased broker learns new records only from this push: its connection must deliver it.
      assert(state.lease === null || this.network.isConnectionClean(endpoint, this.name), () => `a push to ${endpoint} on a heartbeat lease over an unclean connection`);
      if (this.network.isListening(endpoint)) this.network.send(this.name, endpoint, { kind: 'metadata-records', records });
    }
  }

  // ---- heartbeat leases (HeartbeatLease.ts) ----------------------------------------------

  /** Agree to a lease when this broker's heartbeats would change nothing here. */
  acceptHeartbeatLease(lease: HeartbeatLease): boolean {
    const state = this.registrations.get(lease.brokerId);
    if (this.halted || state === undefined || state.brokerEpoch !== lease.brokerEpoch || state.fenced || state.inControlledShutdown || state.lease !== null) return false;
    if (this.unpushed > 0 || lease.metadataOffset !== this.log.length) return false;
    // Real heartbeats a cycle apart would let the session lapse between them.
    if (lease.cycleMs >= this.config.brokerSessionTimeoutMs) return false;
    state.lease = lease;
    lease.onRevoked((revoked, revocation) => this.materializeLease(state, revoked, revocation));
    return true;
  }

  /** The lease ends: the virtual heartbeats heard so far count, and the session runs from the last of them. */
  private materializeLease(state: BrokerRegistration, lease: HeartbeatLease, revocation: LeaseRevocation): void {
    if (state.lease !== lease) return;
    const now = this.sim.nowMs;
    state.heardMs = Math.max(state.heardMs, lease.lastHeardMs(now));
    state.lease = null;
    if (revocation.cause === 'broker-stopped') {
      // A heartbeat the broker sent just before it stopped is still on the wire.
      const heardAtMs = lease.inFlightHeardMs(now);
      if (heardAtMs !== null) {
        const request: BrokerHeartbeatRequest = {
          kind: 'broker-heartbeat',
          correlationId: -1,
          brokerId: lease.brokerId,
          brokerEpoch: lease.brokerEpoch,
          currentMetadataOffset: revocation.metadataOffset ?? lease.metadataOffset,
          wantShutDown: false,
        };
        this.sim.at(heardAtMs, `net ${lease.broker}->${this.name} (leased heartbeat in flight)`, () => {
          if (!this.network.network.isCut(lease.broker, this.name)) this.receive(lease.broker, request);
        });
      }
    }
    if (!this.halted) this.rescheduleFencing();
  }

  private sortedRegistrations(): BrokerRegistration[] {
    return [...this.registrations.values()].sort((a, b) => a.brokerId - b.brokerId);
  }

  private sortedTopics(): TopicRegistration[] {
    return [...this.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private trace(type: string, fields: Record<string, string | number | boolean>): void {
    if (this.sim.trace.active) this.sim.trace.emit(type, fields);
  }
}

function partitionRecord(reg: PartitionRegistration): Omit<PartitionRecord, 'offset'> {
  return {
    type: 'partition',
    topic: reg.topic,
    partition: reg.partition,
    replicas: reg.replicas,
    isr: reg.isr,
    leader: reg.leader,
    leaderEpoch: reg.leaderEpoch,
    partitionEpoch: reg.partitionEpoch,
  };
}
