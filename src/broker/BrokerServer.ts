/**
 * One run of a broker process (Kafka's `BrokerServer`): everything a broker
 * holds in memory, from start to crash or shutdown. A crash discards the
 * whole object; what survives is the host's disk (and the logs on it).
 *
 * It routes requests to the replica manager, answers Metadata and
 * InitProducerId, applies metadata records, and runs the broker's scheduled
 * tasks: the ISR check (`replica.lag.time.max.ms` / 2), the high watermark
 * checkpoint (`replica.high.watermark.checkpoint.interval.ms`), log retention
 * (`log.retention.check.interval.ms` after `log.initial.task.delay.ms`),
 * time-based flushing (`log.flush.scheduler.interval.ms`, which is
 * Long.MAX_VALUE by default: `flush.ms` does nothing until it is set), the
 * flush of a segment that just rolled, and producer-id expiry
 * (`producer.id.expiration.check.interval.ms`).
 *
 * It also serves consumers (Fetch below the high watermark, ListOffsets:
 * ConsumerReads) and coordinates the consumer groups of the
 * `__consumer_offsets` partitions it leads (GroupApis, GroupMetadataManager).
 * Operations that wait for a partition to change (a consumer's long poll, a
 * coordinator's append waiting for the ISR) are checked after every message
 * the broker handles and every metadata change it applies.
 *
 * Every timer it schedules checks that the process is still alive, so a
 * crash needs no bookkeeping of timers.
 *
 * Two of its periodic tasks fall quiescent when idle (Simulation's QUIESCENT):
 * the high watermark checkpoint after every run (it has written or confirmed
 * every high watermark; it is woken when one moves or the partitions change),
 * and the ISR check while this broker leads no partition with another ISR
 * member (woken by metadata and committed AlterPartitions). An idle broker
 * then costs nothing between its retention checks.
 */
import { QUIESCENT, type PeriodicTask, type Simulation, type Timer } from '../sim/Simulation';
import type { Broker } from './Broker';
import type { ResolvedBrokerConfig } from './BrokerConfig';
import { BrokerLifecycleManager, type LifecycleHost } from './BrokerLifecycleManager';
import type { ClusterNetwork, NetworkEndpoint } from './ClusterNetwork';
import { ConsumerReads } from './ConsumerReads';
import { CONTROLLER_ENDPOINT } from './Controller';
import { GroupApis } from './group/GroupApis';
import { GroupMetadataManager } from './group/GroupMetadataManager';
import { HighWatermarkWaiters } from './HighWatermarkWaiters';
import { writeHighWatermarkCheckpoint } from './HighWatermarkCheckpoint';
import { LONG_MAX_VALUE, DEFAULT_INITIAL_TASK_DELAY_MS, DEFAULT_RETENTION_CHECK_INTERVAL_MS, type LogConfig } from './LogConfig';
import { MetadataCache } from './MetadataCache';
import { NetworkClient } from './NetworkClient';
import { NO_LEADER } from './partitionElection';
import { CONSUMER_REPLICA_ID, type InitProducerIdRequest, type KafkaMessage, type MetadataRecord, type MetadataRequest, type TopicMetadata } from './protocol';
import { ReplicaManager, type ReplicaManagerHost } from './ReplicaManager';
import type { TopicPartition, UnifiedLog } from './UnifiedLog';

export interface BrokerServerOptions {
  readonly broker: Broker;
  readonly sim: Simulation;
  readonly network: ClusterNetwork;
  readonly config: ResolvedBrokerConfig;
  readonly incarnationId: number;
  readonly allocateProducerId: () => number;
  /** Called when the controller approves a controlled shutdown. */
  readonly onShutdownApproved: () => void;
  /** Create an internal topic through the controller (FindCoordinator's auto-creation of __consumer_offsets). */
  readonly autoCreateTopic?: (name: string) => void;
}

export class BrokerServer implements NetworkEndpoint, ReplicaManagerHost, LifecycleHost {
  readonly brokerId: number;
  readonly endpoint: string;
  readonly sim: Simulation;
  readonly config: ResolvedBrokerConfig;
  readonly metadata = new MetadataCache();
  readonly client: NetworkClient;
  readonly replicaManager: ReplicaManager;
  readonly lifecycle: BrokerLifecycleManager;
  readonly controllerEndpoint = CONTROLLER_ENDPOINT;
  /** Delayed consumer fetches and coordinator appends waiting for a partition to change. */
  readonly waiters: HighWatermarkWaiters;
  readonly consumerReads: ConsumerReads;
  /** The group coordinator of the __consumer_offsets partitions this broker leads. */
  readonly groups: GroupMetadataManager;
  readonly groupApis: GroupApis;
  private alive = true;
  private readonly broker: Broker;
  readonly network: ClusterNetwork;
  private readonly allocateProducerId: () => number;
  private readonly shutdownApproved: () => void;
  private readonly tasks: PeriodicTask[] = [];
  private isrExpiration: PeriodicTask | undefined;
  private highWatermarkCheckpoint: PeriodicTask | undefined;
  /** What the last checkpoint wrote, by partition. */
  private lastCheckpoint = new Map<string, number>();

  constructor(options: BrokerServerOptions) {
    this.broker = options.broker;
    this.brokerId = options.broker.id;
    this.endpoint = options.broker.host;
    this.sim = options.sim;
    this.config = options.config;
    this.network = options.network;
    this.allocateProducerId = options.allocateProducerId;
    this.shutdownApproved = options.onShutdownApproved;
    this.client = new NetworkClient({ sim: this.sim, network: this.network, self: this.endpoint, requestTimeoutMs: this.config.replicaSocketTimeoutMs });
    this.replicaManager = new ReplicaManager(this);
    this.lifecycle = new BrokerLifecycleManager(this, options.incarnationId);
    this.waiters = new HighWatermarkWaiters((d, l, r) => this.schedule(d, l, r), this.sim);
    this.consumerReads = new ConsumerReads(this);
    const autoCreateTopic = options.autoCreateTopic;
    this.groups = new GroupMetadataManager({
      sim: this.sim,
      brokerId: this.brokerId,
      config: this.config,
      metadata: this.metadata,
      replicaManager: this.replicaManager,
      waiters: this.waiters,
      // Member ids must differ between runs of the process, so the stream is per incarnation.
      rng: this.sim.rng.fork(`group-coordinator/broker-${this.brokerId}/${options.incarnationId}`),
      schedule: (d, l, r) => this.schedule(d, l, r),
      every: (period, name, task, initialDelayMs) => this.every(period, name, task, initialDelayMs),
    });
    this.groupApis = new GroupApis({
      sim: this.sim,
      brokerId: this.brokerId,
      metadata: this.metadata,
      groups: this.groups,
      isAlive: () => this.alive,
      send: (to, message) => this.send(to, message),
      autoCreateTopic: (name) => {
        // AutoTopicCreationManager sends CreateTopics to the controller: it happens after this request.
        if (autoCreateTopic !== undefined) this.schedule(0, `auto-create ${name}`, () => autoCreateTopic(name));
      },
    });
  }

  get isAlive(): boolean {
    return this.alive;
  }

  brokerEpoch(): number {
    return this.lifecycle.brokerEpoch;
  }

  /** Start the scheduled tasks (the process is up and its logs recovered). */
  startup(): void {
    const config = this.config;
    const settings = this.broker.settings;
    this.isrExpiration = this.every(config.replicaLagTimeMaxMs / 2, 'isr-expiration', () => (this.replicaManager.maybeShrinkIsr() ? undefined : QUIESCENT));
    this.highWatermarkCheckpoint = this.every(config.highWatermarkCheckpointIntervalMs, 'highwatermark-checkpoint', () => {
      this.checkpointHighWatermarks();
      return QUIESCENT;
    });
    this.every(
      settings['log.retention.check.interval.ms'] ?? DEFAULT_RETENTION_CHECK_INTERVAL_MS,
      'kafka-log-retention',
      () => this.broker.cleanupLogs(),
      settings['log.initial.task.delay.ms'] ?? DEFAULT_INITIAL_TASK_DELAY_MS,
    );
    if (config.logFlushSchedulerIntervalMs < LONG_MAX_VALUE) {
      this.every(config.logFlushSchedulerIntervalMs, 'kafka-recovery-point-checkpoint flush', () => this.flushDirtyLogs());
    }
    this.every(config.producerIdExpirationCheckIntervalMs, 'PeriodicProducerExpirationCheck', () => this.removeExpiredProducers());
    for (const log of this.broker.allLogs()) this.watchLog(log);
    this.groups.startup();
  }

  /** Register with the controller (after recovery). */
  register(): void {
    this.lifecycle.start();
  }

  /** Cluster bootstrap: registered and unfenced, metadata applied, without a round trip. */
  bootstrap(brokerEpoch: number, records: readonly MetadataRecord[]): void {
    this.lifecycle.bootstrap(brokerEpoch);
    this.applyMetadata(records);
  }

  beginControlledShutdown(): void {
    this.lifecycle.beginControlledShutdown();
  }

  /** The process dies: nothing it scheduled or promised happens any more. */
  kill(): void {
    this.alive = false;
    this.lifecycle.stop();
    this.waiters.clear();
    for (const task of this.tasks) task.stop();
    this.client.close();
    this.replicaManager.shutdown();
    for (const log of this.broker.allLogs()) {
      log.onRoll = undefined;
      log.onHighWatermarkChange = undefined;
    }
  }

  // ---- scheduling ----------------------------------------------------------------------

  schedule(delayMs: number, label: string, run: () => void): Timer {
    return this.sim.schedule(delayMs, label, () => {
      if (this.alive) run();
    });
  }

  private every(periodMs: number, name: string, task: () => unknown, initialDelayMs = periodMs): PeriodicTask {
    const periodic = this.sim.every(periodMs, `${name} broker-${this.brokerId}`, () => (this.alive ? task() : undefined), initialDelayMs);
    this.tasks.push(periodic);
    return periodic;
  }

  // ---- the network ----------------------------------------------------------------------

  send(to: string, message: KafkaMessage): void {
    this.network.send(this.endpoint, to, message);
  }

  receive(from: string, message: KafkaMessage): void {
    if (!this.alive) return;
    this.dispatch(from, message);
    // Whatever this message changed (a high watermark, a leader) may complete waiting operations.
    if (this.alive) this.waiters.check();
  }

  private dispatch(from: string, message: KafkaMessage): void {
    switch (message.kind) {
      case 'response':
        return this.client.receive(message);
      case 'produce':
        return this.replicaManager.handleProduce(from, message);
      case 'fetch':
        if (message.replicaId === CONSUMER_REPLICA_ID) return this.consumerReads.handleFetch(from, message);
        return this.replicaManager.handleFetch(from, message);
      case 'list-offsets':
        return this.consumerReads.handleListOffsets(from, message);
      case 'find-coordinator':
        return this.groupApis.handleFindCoordinator(from, message);
      case 'join-group':
        return this.groupApis.handleJoinGroup(from, message);
      case 'sync-group':
        return this.groupApis.handleSyncGroup(from, message);
      case 'heartbeat':
        return this.groupApis.handleHeartbeat(from, message);
      case 'leave-group':
        return this.groupApis.handleLeaveGroup(from, message);
      case 'offset-commit':
        return this.groupApis.handleOffsetCommit(from, message);
      case 'offset-fetch':
        return this.groupApis.handleOffsetFetch(from, message);
      case 'offsets-for-leader-epoch':
        return this.replicaManager.handleOffsetsForLeaderEpoch(from, message);
      case 'metadata':
        return this.handleMetadata(from, message);
      case 'init-producer-id':
        return this.handleInitProducerId(from, message);
      case 'metadata-records':
        return this.applyMetadata(message.records);
      default:
        return;
    }
  }

  disconnected(peer: string, sinceMs: number): void {
    if (this.alive) this.client.disconnected(peer, sinceMs);
  }

  applyMetadata(records: readonly MetadataRecord[]): void {
    const delta = this.metadata.apply(records);
    this.replicaManager.applyDelta(delta);
    // Partitions, leaders and ISRs may have changed: both quiescent tasks look again.
    this.isrExpiration?.wake();
    this.highWatermarkCheckpoint?.wake();
    this.groups.onMetadata(delta);
    this.lifecycle.onMetadataApplied();
    if (this.alive) this.waiters.check();
  }

  onShutdownApproved(): void {
    this.shutdownApproved();
  }

  /** A committed AlterPartition (its record usually arrives by push first, which wakes the task too). */
  onIsrChanged(): void {
    this.isrExpiration?.wake();
  }

  /** KafkaApis.handleTopicMetadataRequest from the broker's metadata cache. */
  private handleMetadata(from: string, request: MetadataRequest): void {
    const topics: TopicMetadata[] = request.topics.map((name) => {
      const topic = this.metadata.topics.get(name);
      if (topic === undefined) return { name, error: 'UNKNOWN_TOPIC_OR_PARTITION', partitions: [] };
      return {
        name,
        error: null,
        partitions: topic.partitions.map((p) => ({
          partition: p.partition,
          // KRaftMetadataCache: a leader that is not alive is reported as none.
          leader: p.leader !== NO_LEADER && this.metadata.isAlive(p.leader) ? p.leader : NO_LEADER,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicas,
          isr: p.isr,
        })),
      };
    });
    this.send(from, { kind: 'response', correlationId: request.correlationId, body: { api: 'metadata', brokers: this.metadata.aliveBrokerIds(), topics } });
  }

  /** InitProducerId without a transactional id: a new id, or the same id with the next epoch (KIP-360). */
  private handleInitProducerId(from: string, request: InitProducerIdRequest): void {
    const bump = request.producerId >= 0;
    const producerId = bump ? request.producerId : this.allocateProducerId();
    const producerEpoch = bump ? request.producerEpoch + 1 : 0;
    this.send(from, { kind: 'response', correlationId: request.correlationId, body: { api: 'init-producer-id', error: null, producerId, producerEpoch } });
  }

  // ---- logs -------------------------------------------------------------------------------

  logFor(tp: TopicPartition, config: LogConfig): UnifiedLog {
    const log = this.broker.createLog(tp, config);
    this.watchLog(log);
    return log;
  }

  deleteLog(tp: TopicPartition): void {
    this.broker.deleteLog(tp);
  }

  /**
   * UnifiedLog.roll schedules a flush of the segments before the new one
   * ("flush-log"); a new high watermark is news for the checkpoint task.
   */
  private watchLog(log: UnifiedLog): void {
    log.onRoll = (newSegmentBaseOffset) => {
      this.schedule(0, `flush-log ${log.name}`, () => log.flushUpToOffsetExclusive(newSegmentBaseOffset));
    };
    log.onHighWatermarkChange = () => this.highWatermarkCheckpoint?.wake();
  }

  /** ReplicaManager.checkpointHighWatermarks (skipped when nothing moved since the last write). */
  checkpointHighWatermarks(): void {
    const partitions = this.replicaManager.partitions;
    let changed = partitions.size !== this.lastCheckpoint.size;
    if (!changed) {
      for (const [name, partition] of partitions) {
        if (this.lastCheckpoint.get(name) !== partition.log.highWatermark) {
          changed = true;
          break;
        }
      }
    }
    if (!changed) return;
    this.lastCheckpoint = this.replicaManager.highWatermarks();
    writeHighWatermarkCheckpoint(this.broker.disk, this.broker.logDir, this.lastCheckpoint);
  }

  /** LogManager.flushDirtyLogs: logs whose last flush is flush.ms old. */
  private flushDirtyLogs(): void {
    const now = this.sim.nowMs;
    for (const log of this.broker.allLogs()) {
      if (log.unflushedMessages > 0 && now - log.lastFlushTimeMs >= log.config['flush.ms']) log.flush();
    }
  }

  private removeExpiredProducers(): void {
    const now = this.sim.nowMs;
    for (const partition of this.replicaManager.partitions.values()) {
      const removed = partition.producerState.removeExpired(now, this.config.producerIdExpirationMs);
      if (removed.length > 0 && this.sim.trace.active) {
        this.sim.trace.emit('partition.producers-expired', { broker: this.brokerId, partition: partition.name, producerIds: removed, expirationMs: this.config.producerIdExpirationMs });
      }
    }
  }
}
