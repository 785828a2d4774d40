/**
 * A Kafka cluster as clients and admins see it: brokers, topics with their
 * partitions, and the operations of `kafka-topics` and of the produce, fetch
 * and list-offsets APIs, each answering as a real cluster would, errors
 * included.
 *
 * Replica placement follows the classic AdminUtils.assignReplicasToBrokers
 * round robin with a fixed start (partition p leads on the (p mod n)-th broker,
 * its followers on the next ones), so layouts are the same for every seed.
 */
import { assert } from '../sim/assert';
import type { Simulation } from '../sim/Simulation';
import { Broker } from './Broker';
import { KafkaAdminError, kafkaError, type KafkaError } from './errors';
import { topicLogConfig, type BrokerLogSettings, type LogConfig, type TopicConfigOverrides } from './LogConfig';
import { Partition } from './Partition';
import type { LogRecord, RecordInput } from './recordBatch';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type LogAppendInfo, type TopicPartition } from './UnifiedLog';

export interface Topic {
  readonly name: string;
  readonly topicId: string;
  readonly replicationFactor: number;
  readonly overrides: TopicConfigOverrides;
  readonly config: LogConfig;
  readonly partitions: Partition[];
}

export interface KafkaClusterOptions {
  readonly sim: Simulation;
  /** Broker ids (default [1]). */
  readonly brokerIds?: readonly number[];
  readonly brokerSettings?: BrokerLogSettings;
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

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

export class KafkaCluster {
  readonly brokers = new Map<number, Broker>();
  private readonly topics = new Map<string, Topic>();
  private readonly sim: Simulation;

  constructor(options: KafkaClusterOptions) {
    this.sim = options.sim;
    const ids = options.brokerIds ?? [1];
    assert(ids.length > 0, 'a cluster needs at least one broker');
    for (const id of ids) {
      const broker = new Broker({ id, sim: options.sim, settings: options.brokerSettings });
      this.brokers.set(id, broker);
      broker.startup();
    }
  }

  get brokerIds(): number[] {
    return [...this.brokers.keys()].sort((a, b) => a - b);
  }

  // ---- admin ----------------------------------------------------------------

  createTopic(name: string, options: { partitions?: number; replicationFactor?: number; config?: TopicConfigOverrides } = {}): Topic {
    if (!TOPIC_NAME.test(name) || name.length > 249 || name === '.' || name === '..') {
      throw new KafkaAdminError('INVALID_TOPIC_EXCEPTION', 'InvalidTopicException', `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
    }
    if (this.topics.has(name)) {
      throw new KafkaAdminError('TOPIC_ALREADY_EXISTS', 'TopicExistsException', `Topic '${name}' already exists.`);
    }
    const partitions = options.partitions ?? 1;
    const replicationFactor = options.replicationFactor ?? 1;
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new KafkaAdminError('INVALID_PARTITIONS', 'InvalidPartitionsException', 'Number of partitions was set to an invalid non-positive value.');
    }
    const brokerCount = this.brokers.size;
    if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
      throw new KafkaAdminError('INVALID_REPLICATION_FACTOR', 'InvalidReplicationFactorException', 'Replication factor must be larger than 0, or -1 to use the default value.');
    }
    if (replicationFactor > brokerCount) {
      // StripedReplicaPlacer (KRaft) wording, wrapped by ReplicationControlManager.
      throw new KafkaAdminError(
        'INVALID_REPLICATION_FACTOR',
        'InvalidReplicationFactorException',
        `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${brokerCount} broker(s) are registered.`,
      );
    }
    const config = topicLogConfig(this.brokers.values().next().value!.defaultLogConfig, options.config);
    const topic: Topic = {
      name,
      topicId: this.topicId(name),
      replicationFactor,
      overrides: { ...options.config },
      config,
      partitions: [],
    };
    this.topics.set(name, topic);
    this.addPartitionsTo(topic, partitions);
    this.sim.trace.emit('topic.create', { topic: name, partitions, replicationFactor, config: overridesForTrace(topic.overrides) });
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
    this.addPartitionsTo(topic, totalCount - current);
    this.sim.trace.emit('topic.add-partitions', { topic: name, from: current, to: totalCount });
  }

  deleteTopic(name: string): void {
    const topic = this.requireTopic(name);
    for (const partition of topic.partitions) {
      for (const id of partition.replicas) this.brokers.get(id)!.deleteLog(partition.topicPartition);
    }
    this.topics.delete(name);
    this.sim.trace.emit('topic.delete', { topic: name });
  }

  topic(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  topicNames(): string[] {
    return [...this.topics.keys()].sort();
  }

  partition(tp: TopicPartition): Partition | undefined {
    return this.topics.get(tp.topic)?.partitions[tp.partition];
  }

  /** `kafka-topics.sh --describe --topic NAME`, line for line. */
  describeTopic(name: string): string {
    const topic = this.requireTopic(name);
    const configs = Object.entries(topic.overrides)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',');
    const lines = [
      `Topic: ${topic.name}\tTopicId: ${topic.topicId}\tPartitionCount: ${topic.partitions.length}\tReplicationFactor: ${topic.replicationFactor}\tConfigs: ${configs}`,
    ];
    for (const partition of topic.partitions) {
      lines.push(
        `\tTopic: ${topic.name}\tPartition: ${partition.topicPartition.partition}\tLeader: ${partition.hasLeader ? partition.leaderId : 'none'}\tReplicas: ${partition.replicas.join(',')}\tIsr: ${partition.isr.join(',')}`,
      );
    }
    return lines.join('\n');
  }

  // ---- data plane -----------------------------------------------------------

  /** Append to the partition leader (acks=1 semantics until replication lands). */
  produce(tp: TopicPartition, records: readonly RecordInput[]): LogAppendInfo | KafkaError {
    const partition = this.partition(tp);
    if (partition === undefined) return kafkaError('UNKNOWN_TOPIC_OR_PARTITION');
    if (!partition.hasLeader) return kafkaError('LEADER_NOT_AVAILABLE');
    const result = partition.leaderLog().appendAsLeader(records, { leaderEpoch: partition.leaderEpoch });
    if ('error' in result) return result;
    partition.maybeIncrementLeaderHighWatermark();
    return result;
  }

  /** A consumer's fetch from the leader: records from `offset` below the high watermark. */
  fetch(tp: TopicPartition, offset: number, options: { maxRecords?: number } = {}): FetchResponse | KafkaError {
    const partition = this.partition(tp);
    if (partition === undefined) return kafkaError('UNKNOWN_TOPIC_OR_PARTITION');
    if (!partition.hasLeader) return kafkaError('LEADER_NOT_AVAILABLE');
    const log = partition.leaderLog();
    const checked = log.read(offset, { maxBytes: 0, isolation: 'high_watermark', minOneMessage: false });
    if (checked.error !== null) return checked;
    const records = log.readRecords(offset, log.highWatermark, options.maxRecords);
    if ('error' in records) return records;
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
   * (Partition.fetchOffsetForTimestamp with lastFetchableOffset).
   */
  listOffsets(tp: TopicPartition, timestampMs: number): ListOffsetsResponse | KafkaError {
    const partition = this.partition(tp);
    if (partition === undefined) return kafkaError('UNKNOWN_TOPIC_OR_PARTITION');
    if (!partition.hasLeader) return kafkaError('LEADER_NOT_AVAILABLE');
    const log = partition.leaderLog();
    if (timestampMs === LATEST_TIMESTAMP) return { error: null, offset: log.highWatermark, timestampMs: -1 };
    if (timestampMs === EARLIEST_TIMESTAMP) return { error: null, offset: log.logStartOffset, timestampMs: -1 };
    const found = log.fetchOffsetByTimestamp(timestampMs);
    if (found === null || found.offset >= log.highWatermark) return { error: null, offset: -1, timestampMs: -1 };
    return { error: null, offset: found.offset, timestampMs: found.timestampMs };
  }

  // ---- internals ------------------------------------------------------------

  requireTopic(name: string): Topic {
    const topic = this.topics.get(name);
    if (topic === undefined) {
      throw new KafkaAdminError('UNKNOWN_TOPIC_OR_PARTITION', 'UnknownTopicOrPartitionException', `Topic '${name}' does not exist as expected`);
    }
    return topic;
  }

  private addPartitionsTo(topic: Topic, count: number): void {
    const ids = this.brokerIds;
    for (let i = 0; i < count; i++) {
      const p = topic.partitions.length;
      const replicas = Array.from({ length: topic.replicationFactor }, (_, r) => ids[(p + r) % ids.length]!);
      topic.partitions.push(new Partition({ topicPartition: { topic: topic.name, partition: p }, replicas, brokers: this.brokers, config: topic.config }));
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

