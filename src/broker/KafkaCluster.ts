/**
 * A Kafka cluster as clients, operators and fault injectors see it: brokers
 * on hosts with disks, a controller, the network between them, topics, and
 * the operations of `kafka-topics`, of the produce, fetch and list-offsets
 * APIs, and of a chaos tool (crash, power loss, start, controlled shutdown,
 * network faults).
 *
 * Admin operations are synchronous, as an AdminClient call that waits for the
 * controller's commit, and the brokers that can hear the controller load the
 * change at once. Replication, elections and ISR changes happen over the
 * simulated network as time passes.
 *
 * The client APIs here (`produce`, `fetch`, `listOffsets`) are served by the
 * partition's current leader (the controller's view), synchronously: an
 * in-process client that needs no network. With no leader they fail with
 * LEADER_NOT_AVAILABLE; when the leader's process is down with
 * NETWORK_EXCEPTION (the client's connection breaks); when the named leader
 * has not yet taken over, with NOT_LEADER_OR_FOLLOWER. Producer clients with
 * Kafka's semantics (`createProducer`) talk over the network.
 *
 * Consumers (`createConsumer`) and their groups also talk over the network:
 * the group coordinator is the leader of the group's `__consumer_offsets`
 * partition, a topic created by the first FindCoordinator. Its replication
 * factor is `offsets.topic.replication.factor`. Kafka's default is 3, which
 * a cluster of fewer brokers cannot place: every FindCoordinator then fails
 * with COORDINATOR_NOT_AVAILABLE and no group ever forms (the quickstart's
 * server.properties sets it to 1 for that reason). Left unset, faultline uses
 * min(3, brokers), the quickstart's choice on one broker and Kafka's on
 * three or more; set it to 3 explicitly to see the real rule.
 *
 * Replica placement follows the classic round robin with a fixed start
 * (partition p leads on the (p mod n)-th live broker, its followers on the
 * next ones), so layouts are the same for every seed.
 */
import { assert, InvariantError } from '../sim/assert';
import type { NetworkFault } from '../sim/Network';
import type { Simulation } from '../sim/Simulation';
import { Broker } from './Broker';
import { parseBrokerSettings, resolveBrokerConfig, type BrokerSettings, type ReplicationOptions, type ResolvedBrokerConfig } from './BrokerConfig';
import { ClusterNetwork } from './ClusterNetwork';
import { ClusterPartition } from './ClusterPartition';
import { Controller } from './Controller';
import { KafkaAdminError, kafkaError, type KafkaError } from './errors';
import { TOPIC_CONFIG_BROKER_SYNONYMS, topicLogConfig, type LogConfig, type TopicConfigOverrides } from './LogConfig';
import type { Partition } from './Partition';
import { KafkaProducer } from './producer/KafkaProducer';
import { KafkaConsumer } from './consumer/KafkaConsumer';
import { parseConsumerConfig } from './consumer/ConsumerConfig';
import { OFFSETS_TOPIC, offsetsPartitionFor } from './group/coordinatorPartition';
import { describeConsumerGroup, groupPartitionRows, printError, type GroupPartitionRow, type GroupState } from './group/describeGroup';
import type { GroupMetadataManager } from './group/GroupMetadataManager';
import { ReplicationCheckers, type CheckerName } from './ReplicationCheckers';
import { parseProducerConfig, type ProducerClientVersion } from './ProducerConfig';
import type { LogRecord, RecordInput } from './recordBatch';
import { LATEST_TIMESTAMP, type LogAppendInfo, type TopicPartition } from './UnifiedLog';
import { fetchOffsetForTimestamp } from './ConsumerReads';

export interface Topic {
  readonly name: string;
  readonly topicId: string;
  readonly replicationFactor: number;
  readonly overrides: TopicConfigOverrides;
  readonly config: LogConfig;
  readonly partitions: ClusterPartition[];
}

export interface KafkaClusterOptions {
  readonly sim: Simulation;
  /** Broker ids (default [1]). */
  readonly brokerIds?: readonly number[];
  /** server.properties settings, checked (an unknown key is an error). */
  readonly brokerSettings?: BrokerSettings | Readonly<Record<string, unknown>>;
  /** Follower truncation rule and broker version (see BrokerConfig.ts). */
  readonly replication?: ReplicationOptions;
  /** Base one-way latency and jitter of every link (default 1 ms ± 1 ms). */
  readonly network?: { readonly latencyMs?: number; readonly jitterMs?: number };
  /** Which invariant checkers `cluster.checkers` runs (default: all but no-duplicates). */
  readonly checkers?: readonly CheckerName[];
}

export interface FetchResponse {
  readonly error: null;
  readonly records: readonly LogRecord[];
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** The offset to fetch next. */
  readonly nextOffset: number;
}

export interface ListOffsetsResponse {
  readonly error: null;
  /** -1 when no record qualifies (offsetsForTimes gives null). */
  readonly offset: number;
  readonly timestampMs: number;
}

/** Called with what every consumer fetch returned (the checkers listen). */
export type FetchObserver = (tp: TopicPartition, records: readonly LogRecord[], highWatermark: number) => void;

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/** Topic.detectInvalidTopic (Kafka 3.4+): why a name is refused, or null. */
function invalidTopicReason(name: string): string | null {
  if (name === '') return 'the empty string is not allowed';
  if (name === '.') return "'.' is not allowed";
  if (name === '..') return "'..' is not allowed";
  if (name.length > 249) return `the length of '${name}' is longer than the max allowed length 249`;
  if (!TOPIC_NAME.test(name)) return `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  return null;
}

export class KafkaCluster {
  readonly brokers = new Map<number, Broker>();
  readonly controller: Controller;
  readonly network: ClusterNetwork;
  readonly config: ResolvedBrokerConfig;
  readonly settings: BrokerSettings;
  readonly sim: Simulation;
  /** Invariant checkers over this cluster; call `check()` whenever it suits (after every event in property tests). */
  readonly checkers: ReplicationCheckers;
  private readonly topics = new Map<string, Topic>();
  private topicChanges = 0;
  private readonly fetchObservers: FetchObserver[] = [];
  private readonly producers = new Map<string, KafkaProducer>();
  private readonly producerObservers: ((producer: KafkaProducer) => void)[] = [];
  private readonly consumers = new Map<string, KafkaConsumer>();
  private consumerSequence = 0;

  constructor(options: KafkaClusterOptions) {
    this.sim = options.sim;
    this.settings = parseBrokerSettings((options.brokerSettings ?? {}) as Readonly<Record<string, unknown>>);
    this.config = resolveBrokerConfig(this.settings, options.replication);
    const ids = [...(options.brokerIds ?? [1])].sort((a, b) => a - b);
    assert(ids.length > 0, 'a cluster needs at least one broker');
    assert(new Set(ids).size === ids.length, 'broker ids must be distinct');
    this.network = new ClusterNetwork({ sim: options.sim, latencyMs: options.network?.latencyMs, jitterMs: options.network?.jitterMs });
    this.controller = new Controller({ sim: options.sim, network: this.network, config: this.config });
    for (const id of ids) {
      const broker = new Broker({
        id,
        sim: options.sim,
        settings: this.settings,
        config: this.config,
        network: this.network,
        allocateProducerId: () => this.controller.allocateProducerId(),
        autoCreateTopic: (name) => this.autoCreateInternalTopic(name),
      });
      this.brokers.set(id, broker);
    }
    for (const broker of this.brokers.values()) {
      broker.bootstrap(
        (brokerId, incarnationId) => this.controller.bootstrapRegister(brokerId, incarnationId),
        () => this.controller.log,
      );
    }
    // Every broker has applied every registration: nothing is left to push.
    this.syncMetadata();
    this.checkers = new ReplicationCheckers(this, { checkers: options.checkers });
  }

  get brokerIds(): number[] {
    return [...this.brokers.keys()].sort((a, b) => a - b);
  }

  broker(id: number): Broker {
    const broker = this.brokers.get(id);
    if (broker === undefined) throw new InvariantError(`no broker ${id} (brokers: ${this.brokerIds.join(', ')})`);
    return broker;
  }

  // ---- admin ----------------------------------------------------------------

  /**
   * CreateTopics as ReplicationControlManager.createTopics answers it: the name
   * (Topic.validate, then a '.'/'_' collision), an existing topic, the
   * replication factor, then the partition count; -1 (or leaving either out)
   * takes the broker default, which is 1 for both (`num.partitions`,
   * `default.replication.factor`).
   */
  createTopic(name: string, options: { partitions?: number; replicationFactor?: number; config?: TopicConfigOverrides } = {}): Topic {
    if (this.topics.has(name)) {
      throw new KafkaAdminError('TOPIC_ALREADY_EXISTS', 'TopicExistsException', `Topic '${name}' already exists.`);
    }
    const colliding = [...this.topics.keys()].find((t) => t !== name && t.replaceAll('.', '_') === name.replaceAll('.', '_'));
    if (colliding !== undefined && /[._]/.test(name)) {
      throw new KafkaAdminError('INVALID_TOPIC_EXCEPTION', 'InvalidTopicException', `Topic '${name}' collides with existing topic: ${colliding}`);
    }
    const invalid = invalidTopicReason(name);
    if (invalid !== null) throw new KafkaAdminError('INVALID_TOPIC_EXCEPTION', 'InvalidTopicException', `Topic name is invalid: ${invalid}`);
    const replicationFactor = options.replicationFactor === undefined || options.replicationFactor === -1 ? 1 : options.replicationFactor;
    if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
      throw new KafkaAdminError('INVALID_REPLICATION_FACTOR', 'InvalidReplicationFactorException', 'Replication factor must be larger than 0, or -1 to use the default value.');
    }
    const partitions = options.partitions === undefined || options.partitions === -1 ? 1 : options.partitions;
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new KafkaAdminError('INVALID_PARTITIONS', 'InvalidPartitionsException', 'Number of partitions was set to an invalid non-positive value.');
    }
    const usable = this.controller.unfencedBrokerIds();
    if (replicationFactor > usable.length) {
      // StripedReplicaPlacer (KRaft) wording, wrapped by ReplicationControlManager.
      throw new KafkaAdminError(
        'INVALID_REPLICATION_FACTOR',
        'InvalidReplicationFactorException',
        `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${usable.length} broker(s) are registered.`,
      );
    }
    const config = topicLogConfig(this.brokers.values().next().value!.defaultLogConfig, options.config);
    const topic: Topic = { name, topicId: this.topicId(name), replicationFactor, overrides: { ...options.config }, config, partitions: [] };
    this.topics.set(name, topic);
    this.topicChanges++;
    this.controller.createTopic(name, topic.topicId, config, this.assignments(topic, partitions, usable));
    this.addPartitionViews(topic, partitions);
    this.sim.trace.emit('topic.create', { topic: name, partitions, replicationFactor, config: overridesForTrace(topic.overrides) });
    this.syncMetadata();
    return topic;
  }

  /** kafka-topics --alter --partitions N: partitions can only be added. */
  addPartitions(name: string, totalCount: number): void {
    const topic = this.requireTopic(name);
    const current = topic.partitions.length;
    if (totalCount === current) {
      throw new KafkaAdminError('INVALID_PARTITIONS', 'InvalidPartitionsException', `Topic already has ${current} partition(s).`);
    }
    if (totalCount < current) {
      throw new KafkaAdminError(
        'INVALID_PARTITIONS',
        'InvalidPartitionsException',
        `The topic ${name} currently has ${current} partition(s); ${totalCount} would not be an increase.`,
      );
    }
    const usable = this.controller.unfencedBrokerIds();
    this.controller.addPartitions(name, this.assignments(topic, totalCount - current, usable));
    this.addPartitionViews(topic, totalCount - current);
    this.topicChanges++;
    this.sim.trace.emit('topic.add-partitions', { topic: name, from: current, to: totalCount });
    this.syncMetadata();
  }

  deleteTopic(name: string): void {
    const topic = this.requireTopic(name);
    const replicas = topic.partitions.map((p) => ({ tp: p.topicPartition, ids: [...p.replicas] }));
    this.controller.deleteTopic(name);
    this.syncMetadata();
    for (const { tp, ids } of replicas) for (const id of ids) this.brokers.get(id)!.deleteLog(tp);
    this.topics.delete(name);
    this.topicChanges++;
    this.sim.trace.emit('topic.delete', { topic: name });
  }

  topic(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  /** Bumped when a topic is created, grows or is deleted. */
  get topicsVersion(): number {
    return this.topicChanges;
  }

  topicNames(): string[] {
    return [...this.topics.keys()].sort();
  }

  partition(tp: TopicPartition): ClusterPartition | undefined {
    return this.topics.get(tp.topic)?.partitions[tp.partition];
  }

  /** `kafka-topics.sh --describe --topic NAME`, line for line. */
  describeTopic(name: string): string {
    const topic = this.requireTopic(name);
    // The tool prints every config whose source is not DEFAULT_CONFIG: the topic's overrides, and
    // a config whose main broker synonym is set in server.properties (STATIC_BROKER_CONFIG; the
    // quickstart's "segment.bytes=1073741824"). Only the main synonym counts: ConfigHelper drops
    // the others (log.retention.hours does not make retention.ms STATIC). With several, Kafka's
    // order comes from a Scala hash map in ConfigHelper; here overrides come first, as given.
    const entries = Object.entries(topic.overrides).map(([k, v]) => `${k}=${String(v)}`);
    const settings = this.settings as Readonly<Record<string, unknown>>;
    for (const [topicKey, brokerKey] of Object.entries(TOPIC_CONFIG_BROKER_SYNONYMS)) {
      if (topicKey in topic.overrides || settings[brokerKey] === undefined) continue;
      entries.push(`${topicKey}=${String(settings[brokerKey])}`);
    }
    const configs = entries.join(',');
    const lines = [
      `Topic: ${topic.name}\tTopicId: ${topic.topicId}\tPartitionCount: ${topic.partitions.length}\tReplicationFactor: ${topic.replicationFactor}\tConfigs: ${configs}`,
    ];
    // 3.8+ (KIP-966): the tool describes through DescribeTopicPartitions and prints the
    // eligible leader replicas, empty while ELR is off (TopicCommand.PartitionDescription).
    const elr = this.config.version === '3.6' || this.config.version === '3.7' ? '' : '\tElr: \tLastKnownElr: ';
    for (const partition of topic.partitions) {
      lines.push(
        `\tTopic: ${topic.name}\tPartition: ${partition.topicPartition.partition}\tLeader: ${partition.hasLeader ? partition.leaderId : 'none'}\tReplicas: ${partition.replicas.join(',')}\tIsr: ${partition.isr.join(',')}${elr}`,
      );
    }
    return lines.join('\n');
  }

  // ---- faults ------------------------------------------------------------------

  /** Kill a broker's process; its page cache survives. Returns false when it was not running. */
  crash(brokerId: number): boolean {
    return this.broker(brokerId).crash();
  }

  /** Cut a broker's power: the process dies and unsynced writes are lost. */
  powerLoss(brokerId: number): boolean {
    return this.broker(brokerId).powerLoss();
  }

  /** Start a stopped, crashed or powered-off broker (log recovery, then registration). */
  start(brokerId: number): boolean {
    return this.broker(brokerId).start();
  }

  /** Controlled shutdown: leadership moves away, logs are flushed, the stop is clean. */
  shutdown(brokerId: number): boolean {
    return this.broker(brokerId).shutdown();
  }

  /**
   * Stop the whole cluster at once, silently: every broker process and
   * producer goes quiet and the controller stops its timers (a scenario that
   * moves on to a fresh cluster).
   */
  halt(): void {
    for (const producer of this.producers.values()) if (!producer.isClosed()) producer.close();
    for (const consumer of this.consumers.values()) if (!consumer.isClosed()) consumer.crash();
    for (const broker of this.brokers.values()) broker.halt();
    this.controller.halt();
  }

  applyNetworkFault(fault: NetworkFault): void {
    this.network.apply(fault);
  }

  // ---- clients ------------------------------------------------------------------

  /**
   * A producer client on the cluster's network, configured with Kafka's keys
   * (ProducerConfig.ts; a bad value throws Kafka's ConfigException). Its
   * endpoint is its `client.id` (default `producer-N`).
   */
  createProducer(config: Readonly<Record<string, unknown>> = {}, options: { clientVersion?: ProducerClientVersion } = {}): KafkaProducer {
    const parsed = parseProducerConfig(config, { clientVersion: options.clientVersion, clientIdSequence: this.producers.size + 1 });
    assert(!this.producers.has(parsed.clientId), () => `a producer with client.id '${parsed.clientId}' already exists`);
    const producer = new KafkaProducer({ sim: this.sim, network: this.network, config: parsed, bootstrapBrokers: this.brokerIds });
    this.producers.set(parsed.clientId, producer);
    for (const observer of this.producerObservers) observer(producer);
    return producer;
  }

  /** Every producer created so far, in creation order. */
  allProducers(): KafkaProducer[] {
    return [...this.producers.values()];
  }

  producer(clientId: string): KafkaProducer | undefined {
    return this.producers.get(clientId);
  }

  /** Watch every producer created from now on (the checkers do). */
  onProducer(observer: (producer: KafkaProducer) => void): void {
    this.producerObservers.push(observer);
    for (const producer of this.producers.values()) observer(producer);
  }

  // ---- consumers and groups -----------------------------------------------------

  /**
   * A consumer client on the cluster's network, configured with Kafka's keys
   * (ConsumerConfig.ts; a bad value throws Kafka's ConfigException). Its
   * endpoint is its `client.id` (default `consumer-<group>-<n>`). A consumer
   * created with the client.id of a crashed or closed one replaces it, as a
   * restarted process would.
   */
  createConsumer(config: Readonly<Record<string, unknown>> = {}, options: { clientHost?: string } = {}): KafkaConsumer {
    const parsed = parseConsumerConfig(config, { clientIdSequence: this.consumerSequence + 1 });
    const existing = this.consumers.get(parsed.clientId);
    assert(existing === undefined || existing.isClosed(), () => `a running consumer with client.id '${parsed.clientId}' already exists`);
    this.consumerSequence++;
    const consumer = new KafkaConsumer({
      sim: this.sim,
      network: this.network,
      config: parsed,
      bootstrapBrokers: this.brokerIds,
      clientHost: options.clientHost ?? `/10.0.1.${this.consumerSequence}`,
    });
    this.consumers.delete(parsed.clientId);
    this.consumers.set(parsed.clientId, consumer);
    return consumer;
  }

  consumer(clientId: string): KafkaConsumer | undefined {
    return this.consumers.get(clientId);
  }

  allConsumers(): KafkaConsumer[] {
    return [...this.consumers.values()];
  }

  /**
   * AutoTopicCreationManager for __consumer_offsets, as the first
   * FindCoordinator triggers it. Refused (with a trace) while fewer brokers
   * are registered than the replication factor; the next FindCoordinator
   * tries again.
   */
  autoCreateInternalTopic(name: string): void {
    assert(name === OFFSETS_TOPIC, () => `no auto-creation for internal topic ${name}`);
    if (this.topics.has(name)) return;
    const replicationFactor = this.config.offsetsTopicReplicationFactor ?? Math.min(3, this.brokers.size);
    try {
      this.createTopic(name, {
        partitions: this.config.offsetsTopicNumPartitions,
        replicationFactor,
        // cleanup.policy=compact is not modelled: nothing is deleted by retention (see GroupMetadataManager).
        config: { 'segment.bytes': this.config.offsetsTopicSegmentBytes, 'retention.ms': -1 },
      });
    } catch (error) {
      if (!(error instanceof KafkaAdminError)) throw error;
      if (this.sim.trace.active) {
        this.sim.trace.emit('group.offsets-topic-refused', {
          topic: name,
          replicationFactor,
          exception: error.exception,
          message: `${error.message} (offsets.topic.replication.factor=${replicationFactor}${this.config.offsetsTopicReplicationFactor === null ? ', faultline default min(3, brokers)' : ''})`,
        });
      }
    }
  }

  /** The broker coordinating a group now: the live leader of its offsets partition that has loaded it, or null. */
  groupCoordinatorFor(groupId: string): { readonly brokerId: number; readonly groups: GroupMetadataManager } | null {
    const topic = this.topics.get(OFFSETS_TOPIC);
    if (topic === undefined) return null;
    const view = topic.partitions[offsetsPartitionFor(groupId, topic.partitions.length)]!;
    if (!view.hasLeader) return null;
    const server = this.broker(view.leaderId).server;
    if (server === null || !server.isAlive) return null;
    return server.groups.groupStatus(groupId).ok ? { brokerId: view.leaderId, groups: server.groups } : null;
  }

  /** DescribeGroups + OffsetFetch + ListOffsets(latest), as kafka-consumer-groups --describe gathers them. */
  describeGroup(groupId: string): { state: GroupState; coordinator: number | null; rows: GroupPartitionRow[]; text: { stdout: string[]; stderr: string[] } } {
    const found = this.groupCoordinatorFor(groupId);
    if (found === null) {
      // ConsumerGroupCommand.run's catch: printError (stdout); the stack trace it prints to stderr is left out.
      const stdout = printError('Executing consumer group command failed due to org.apache.kafka.common.errors.CoordinatorNotAvailableException: The coordinator is not available.');
      return { state: 'Dead', coordinator: null, rows: [], text: { stdout, stderr: [] } };
    }
    const coordinator = found.groups.coordinator;
    const description = coordinator.describe(groupId);
    const committed = new Map([...coordinator.fetchOffsets(groupId)].map(([tp, c]) => [tp, c.offset]));
    const rows = groupPartitionRows(groupId, description.members, committed, (topic, partition) => {
      const listed = this.listOffsets({ topic, partition }, LATEST_TIMESTAMP);
      return listed.error === null ? listed.offset : null;
    });
    const state = description.state === 'Dead' && committed.size === 0 ? 'Dead' : description.state;
    return { state, coordinator: found.brokerId, rows, text: describeConsumerGroup(groupId, state, rows) };
  }

  // ---- data plane -----------------------------------------------------------

  /**
   * Append through the leader at once, as an in-process client with acks=1
   * and no network: the records are in the leader's log when this returns,
   * and followers replicate them as time passes.
   */
  produce(tp: TopicPartition, records: readonly RecordInput[]): LogAppendInfo | KafkaError {
    const leader = this.leaderPartition(tp);
    if ('error' in leader) return leader;
    const result = leader.appendRecordsToLeader({ topic: tp.topic, partition: tp.partition, records, uniform: null, producer: null }, 1);
    if ('error' in result) return result;
    assert(result.kind === 'appended', 'a batch without a producer id cannot be a duplicate');
    const server = this.leaderServer(tp);
    server?.replicaManager.afterDirectAppend(leader);
    // The high watermark may have moved (a single-replica ISR): waiting consumer fetches can complete.
    server?.waiters.check();
    return result.info;
  }

  /** A consumer's fetch from the leader: records from `offset` below the high watermark. */
  fetch(tp: TopicPartition, offset: number, options: { maxRecords?: number } = {}): FetchResponse | KafkaError {
    const leader = this.leaderPartition(tp);
    if ('error' in leader) return leader;
    const log = leader.log;
    const checked = log.read(offset, { maxBytes: 0, isolation: 'high_watermark', minOneMessage: false });
    if (checked.error !== null) return checked;
    const records = log.readRecords(offset, log.highWatermark, options.maxRecords);
    if ('error' in records) return records;
    for (const observer of this.fetchObservers) observer(tp, records, log.highWatermark);
    const last = records[records.length - 1];
    return {
      error: null,
      records,
      highWatermark: log.highWatermark,
      logStartOffset: log.logStartOffset,
      nextOffset: last === undefined ? offset : last.offset + 1,
    };
  }

  /**
   * ListOffsets for a client (READ_UNCOMMITTED): EARLIEST ⇒ logStartOffset,
   * LATEST ⇒ the high watermark, a timestamp ⇒ the first record at or after
   * it, if that record is below the high watermark; otherwise offset -1
   * (Partition.fetchOffsetForTimestamp with lastFetchableOffset). A new leader
   * whose high watermark is still below the start of its epoch answers LATEST,
   * and a timestamp with no record below the high watermark, with
   * OFFSET_NOT_AVAILABLE.
   */
  listOffsets(tp: TopicPartition, timestampMs: number): ListOffsetsResponse | KafkaError {
    const leader = this.leaderPartition(tp);
    if ('error' in leader) return leader;
    const found = fetchOffsetForTimestamp(leader, timestampMs);
    return 'error' in found ? found : { error: null, offset: found.offset, timestampMs: found.timestampMs };
  }


  /** Watch every consumer fetch (the checkers do). */
  onFetch(observer: FetchObserver): void {
    this.fetchObservers.push(observer);
  }

  /**
   * The leader's partition, as a client reaching the leader the metadata
   * names would find it, or the error that client would get.
   */
  leaderPartition(tp: TopicPartition): Partition | KafkaError {
    const view = this.partition(tp);
    if (view === undefined) return kafkaError('UNKNOWN_TOPIC_OR_PARTITION');
    if (!view.hasLeader) return kafkaError('LEADER_NOT_AVAILABLE');
    const server = this.broker(view.leaderId).server;
    if (server === null || !server.isAlive) return kafkaError('NETWORK_EXCEPTION', `Disconnected from node ${view.leaderId}`);
    const partition = server.replicaManager.partition(tp);
    if (partition === undefined || !partition.isLeader || partition.leaderEpoch !== view.leaderEpoch) return kafkaError('NOT_LEADER_OR_FOLLOWER');
    return partition;
  }

  private leaderServer(tp: TopicPartition) {
    const view = this.partition(tp);
    return view?.hasLeader ? this.broker(view.leaderId).server : null;
  }

  // ---- internals ------------------------------------------------------------

  requireTopic(name: string): Topic {
    const topic = this.topics.get(name);
    if (topic === undefined) {
      throw new KafkaAdminError('UNKNOWN_TOPIC_OR_PARTITION', 'UnknownTopicOrPartitionException', `Topic '${name}' does not exist as expected`);
    }
    return topic;
  }

  /** Brokers that hear the controller load admin changes at once; the others catch up over the network. */
  private syncMetadata(): void {
    for (const broker of this.brokers.values()) {
      const server = broker.server;
      if (server === null || !server.lifecycle.isRegistered || this.network.network.isCut(this.controller.name, broker.host)) continue;
      server.applyMetadata(this.controller.log);
    }
    this.controller.push();
  }

  private assignments(topic: Topic, count: number, ids: readonly number[]): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < count; i++) {
      const p = topic.partitions.length + i;
      out.push(Array.from({ length: topic.replicationFactor }, (_, r) => ids[(p + r) % ids.length]!));
    }
    return out;
  }

  private addPartitionViews(topic: Topic, count: number): void {
    for (let i = 0; i < count; i++) {
      const tp = { topic: topic.name, partition: topic.partitions.length };
      const view = new ClusterPartition({ topicPartition: tp, controller: this.controller, brokers: this.brokers });
      // Every replica has its log on disk from the start, running or not.
      for (const id of view.replicas) this.brokers.get(id)!.createLog(tp, topic.config);
      topic.partitions.push(view);
    }
  }

  /** A Kafka-style topic id (base64url of 16 bytes), drawn from the seed. */
  private topicId(name: string): string {
    const rng = this.sim.rng.fork(`topic-id/${name}/${this.topics.size}`);
    const bytes = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) bytes[i] = rng.int(0, 255);
    return bytes.toString('base64url');
  }
}

function overridesForTrace(overrides: TopicConfigOverrides): { [key: string]: string | number | boolean } {
  const out: { [key: string]: string | number | boolean } = {};
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) out[k] = v;
  return out;
}
