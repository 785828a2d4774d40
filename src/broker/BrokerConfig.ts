/**
 * Broker settings with server.properties names and Kafka 3.x/4.x defaults
 * (`ReplicationConfigs`, `ServerLogConfigs`, `KRaftConfigs`,
 * `TransactionLogConfig`), plus the two switches faultline adds so that a
 * scenario can run the same faults under older rules:
 *
 *   - `followerTruncation`: `leader-epoch` (KIP-101/KIP-279, Kafka >= 0.11,
 *     the default) or `high-watermark` (before 0.11: a replica that becomes a
 *     follower cuts its log to its own high watermark);
 *   - `version`: the broker version whose rules apply. Since 3.7
 *     (KAFKA-15583) the leader's high watermark does not advance while the
 *     ISR is smaller than min(min.insync.replicas, replication factor), and
 *     that effective minimum also decides NOT_ENOUGH_REPLICAS; '3.6' turns
 *     both back to the raw min.insync.replicas with no HW hold-back.
 *
 * An unknown key is an error that names the valid ones (Kafka would only
 * log it), so a typo in a scenario cannot silently test the defaults.
 */
import { DEFAULT_GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group/GroupCoordinator';
import { DEFAULT_OFFSETS_TOPIC_PARTITIONS } from './group/coordinatorPartition';
import { checkFaultlineMinimum, KafkaConfigError, type FaultlineMinimum } from './kafkaConfigError';
import { LONG_MAX_VALUE, type BrokerLogSettings } from './LogConfig';
import { nearestName } from '../sim/didYouMean';

export interface ReplicationSettings {
  readonly 'replica.lag.time.max.ms'?: number;
  readonly 'replica.fetch.wait.max.ms'?: number;
  readonly 'replica.fetch.min.bytes'?: number;
  readonly 'replica.fetch.max.bytes'?: number;
  readonly 'replica.fetch.backoff.ms'?: number;
  readonly 'replica.socket.timeout.ms'?: number;
  readonly 'replica.high.watermark.checkpoint.interval.ms'?: number;
  readonly 'broker.session.timeout.ms'?: number;
  readonly 'broker.heartbeat.interval.ms'?: number;
  readonly 'auto.leader.rebalance.enable'?: boolean;
  readonly 'leader.imbalance.check.interval.seconds'?: number;
  readonly 'unclean.leader.election.interval.ms'?: number;
  readonly 'producer.id.expiration.ms'?: number;
  readonly 'producer.id.expiration.check.interval.ms'?: number;
}

/** The group coordinator's settings (GroupCoordinatorConfig). */
export interface GroupCoordinatorSettings {
  readonly 'offsets.topic.replication.factor'?: number;
  readonly 'offsets.topic.num.partitions'?: number;
  readonly 'offsets.topic.segment.bytes'?: number;
  readonly 'offsets.retention.minutes'?: number;
  readonly 'offsets.retention.check.interval.ms'?: number;
  readonly 'offsets.commit.timeout.ms'?: number;
  readonly 'group.initial.rebalance.delay.ms'?: number;
  readonly 'group.min.session.timeout.ms'?: number;
  readonly 'group.max.session.timeout.ms'?: number;
}

export type BrokerSettings = BrokerLogSettings & ReplicationSettings & GroupCoordinatorSettings;

export type FollowerTruncation = 'leader-epoch' | 'high-watermark';
export const FOLLOWER_TRUNCATIONS: readonly FollowerTruncation[] = ['leader-epoch', 'high-watermark'];

export type BrokerVersion = '3.6' | '3.7' | '3.8' | '3.9' | '4.0';
export const BROKER_VERSIONS: readonly BrokerVersion[] = ['3.6', '3.7', '3.8', '3.9', '4.0'];

export interface ReplicationOptions {
  readonly followerTruncation?: FollowerTruncation;
  readonly version?: BrokerVersion;
}

/** Every setting resolved to a value. */
export interface ResolvedBrokerConfig {
  readonly replicaLagTimeMaxMs: number;
  readonly replicaFetchWaitMaxMs: number;
  readonly replicaFetchMinBytes: number;
  readonly replicaFetchMaxBytes: number;
  readonly replicaFetchBackoffMs: number;
  readonly replicaSocketTimeoutMs: number;
  readonly highWatermarkCheckpointIntervalMs: number;
  readonly brokerSessionTimeoutMs: number;
  readonly brokerHeartbeatIntervalMs: number;
  readonly autoLeaderRebalanceEnable: boolean;
  readonly leaderImbalanceCheckIntervalMs: number;
  readonly uncleanLeaderElectionIntervalMs: number;
  readonly producerIdExpirationMs: number;
  readonly producerIdExpirationCheckIntervalMs: number;
  readonly logFlushSchedulerIntervalMs: number;
  readonly followerTruncation: FollowerTruncation;
  readonly version: BrokerVersion;
  /** The 3.7 rule (see the module comment). */
  readonly highWatermarkMinIsrRule: boolean;
  /**
   * `offsets.topic.replication.factor` as set, or null when it was not: Kafka's
   * default is 3, and KafkaCluster picks min(3, brokers) (see there).
   */
  readonly offsetsTopicReplicationFactor: number | null;
  readonly offsetsTopicNumPartitions: number;
  readonly offsetsTopicSegmentBytes: number;
  readonly offsetCommitTimeoutMs: number;
  readonly groupCoordinator: GroupCoordinatorConfig;
}

type Kind = 'short' | 'int' | 'long' | 'boolean';

/** Known keys, their types and lower bounds. */
/** `faultlineMin`: a bound Kafka does not validate, with what Kafka would do instead (said in the error). */
interface KeySpec {
  readonly kind: Kind;
  readonly min?: number;
  readonly faultlineMin?: FaultlineMinimum;
}

const KEYS: ReadonlyMap<string, KeySpec> = new Map<string, KeySpec>([
  ['log.retention.hours', { kind: 'int' }],
  ['log.retention.minutes', { kind: 'int' }],
  ['log.retention.ms', { kind: 'long' }],
  ['log.retention.bytes', { kind: 'long' }],
  ['log.segment.bytes', { kind: 'int', min: 14 }],
  ['log.roll.ms', { kind: 'long', min: 1 }],
  ['log.roll.hours', { kind: 'int', min: 1 }],
  ['log.index.size.max.bytes', { kind: 'int', min: 4 }],
  ['log.index.interval.bytes', { kind: 'int', min: 0 }],
  ['log.segment.delete.delay.ms', { kind: 'long', min: 0 }],
  ['message.max.bytes', { kind: 'int', min: 0 }],
  ['log.flush.interval.messages', { kind: 'long', min: 1 }],
  ['log.flush.interval.ms', { kind: 'long', min: 0 }],
  // Kafka has no validator here; KafkaScheduler.schedule runs a task with period 0
  // once (only periodMs > 0 goes to scheduleAtFixedRate). faultline's flusher is periodic.
  ['log.flush.scheduler.interval.ms', { kind: 'long', min: 0, faultlineMin: { min: 1, kafka: 'Kafka accepts 0 and then runs the log flusher only once' } }],
  ['min.insync.replicas', { kind: 'int', min: 1 }],
  ['unclean.leader.election.enable', { kind: 'boolean' }],
  ['log.retention.check.interval.ms', { kind: 'long', min: 1 }],
  ['log.initial.task.delay.ms', { kind: 'long', min: 0 }],
  ['replica.lag.time.max.ms', { kind: 'long', min: 1 }],
  ['replica.fetch.wait.max.ms', { kind: 'int', min: 0 }],
  ['replica.fetch.min.bytes', { kind: 'int', min: 1 }],
  ['replica.fetch.max.bytes', { kind: 'int', min: 0 }],
  ['replica.fetch.backoff.ms', { kind: 'int', min: 0 }],
  ['replica.socket.timeout.ms', { kind: 'int', min: 1 }],
  ['replica.high.watermark.checkpoint.interval.ms', { kind: 'long', min: 1 }],
  ['broker.session.timeout.ms', { kind: 'int', min: 1 }],
  ['broker.heartbeat.interval.ms', { kind: 'int', min: 1 }],
  ['auto.leader.rebalance.enable', { kind: 'boolean' }],
  ['leader.imbalance.check.interval.seconds', { kind: 'long', min: 1 }],
  ['unclean.leader.election.interval.ms', { kind: 'long', min: 1 }],
  ['producer.id.expiration.ms', { kind: 'int', min: 1 }],
  ['producer.id.expiration.check.interval.ms', { kind: 'int', min: 1 }],
  ['offsets.topic.replication.factor', { kind: 'short', min: 1 }],
  ['offsets.topic.num.partitions', { kind: 'int', min: 1 }],
  ['offsets.topic.segment.bytes', { kind: 'int', min: 1 }],
  ['offsets.retention.minutes', { kind: 'int', min: 1 }],
  ['offsets.retention.check.interval.ms', { kind: 'long', min: 1 }],
  ['offsets.commit.timeout.ms', { kind: 'int', min: 1 }],
  ['group.initial.rebalance.delay.ms', { kind: 'int', min: 0 }],
  ['group.min.session.timeout.ms', { kind: 'int', min: 0 }],
  ['group.max.session.timeout.ms', { kind: 'int', min: 0 }],
]);

export const BROKER_CONFIG_KEYS: readonly string[] = [...KEYS.keys()];

/**
 * Read broker settings from an untrusted map (a scenario file): types are
 * checked as Kafka's ConfigDef.parseType checks them, with its messages:
 * `true` / `false` in any case for booleans; for numbers, a string
 * `Integer.parseInt` / `Long.parseLong` / `Short.parseShort` accepts ("Not a
 * number of type INT" otherwise), and a value of another type is "Expected
 * value to be a 32-bit integer, but it was a <type>" (the JavaScript type
 * where Java names a class, as ProducerConfig.ts does). Throws a
 * KafkaConfigError on the first problem.
 */
export function parseBrokerSettings(raw: Readonly<Record<string, unknown>>): BrokerSettings {
  const out: Record<string, number | boolean> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const spec = KEYS.get(key);
    if (spec === undefined) {
      throw new KafkaConfigError(`Unknown broker config '${key}'.${nearestKey(key)} faultline models: ${BROKER_CONFIG_KEYS.join(', ')}`, key);
    }
    if (spec.kind === 'boolean') {
      const text = typeof value === 'string' ? value.trim().toLowerCase() : null;
      if (value === true || text === 'true') out[key] = true;
      else if (value === false || text === 'false') out[key] = false;
      else throw KafkaConfigError.invalidValue(key, value, 'Expected value to be either true or false');
      continue;
    }
    const n = parseNumber(key, value, spec.kind);
    if (spec.min !== undefined && n < spec.min) throw KafkaConfigError.invalidValue(key, n, `Value must be at least ${spec.min}`);
    checkFaultlineMinimum(key, n, spec.faultlineMin);
    out[key] = n;
  }
  return out as BrokerSettings;
}

const NUMBER_KINDS = {
  short: { type: 'SHORT', expected: 'a 16-bit integer (short)', min: -32_768, max: 32_767 },
  int: { type: 'INT', expected: 'a 32-bit integer', min: -2_147_483_648, max: 2_147_483_647 },
  // Longs beyond 2^53 are refused: a JavaScript number cannot hold them exactly.
  long: { type: 'LONG', expected: 'a 64-bit integer (long)', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
} as const;

function parseNumber(key: string, value: unknown, kind: 'short' | 'int' | 'long'): number {
  const { type, expected, min, max } = NUMBER_KINDS[kind];
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) n = Number(value.trim());
  else if (typeof value === 'string') throw KafkaConfigError.invalidValue(key, value, `Not a number of type ${type}`);
  else throw KafkaConfigError.invalidValue(key, value, `Expected value to be ${expected}, but it was a ${Array.isArray(value) ? 'list' : typeof value}`);
  if (!Number.isInteger(n) || n < min || n > max) throw KafkaConfigError.invalidValue(key, value, `Not a number of type ${type}`);
  return n;
}

export function resolveBrokerConfig(settings: BrokerSettings, options: ReplicationOptions = {}): ResolvedBrokerConfig {
  const version = options.version ?? '4.0';
  if (!BROKER_VERSIONS.includes(version)) throw new KafkaConfigError(`unknown broker version '${version}'; faultline models ${BROKER_VERSIONS.join(', ')}`);
  const followerTruncation = options.followerTruncation ?? 'leader-epoch';
  if (!FOLLOWER_TRUNCATIONS.includes(followerTruncation)) {
    throw new KafkaConfigError(`unknown follower truncation '${followerTruncation}'; valid: ${FOLLOWER_TRUNCATIONS.join(', ')}`);
  }
  return {
    replicaLagTimeMaxMs: settings['replica.lag.time.max.ms'] ?? 30_000,
    replicaFetchWaitMaxMs: settings['replica.fetch.wait.max.ms'] ?? 500,
    replicaFetchMinBytes: settings['replica.fetch.min.bytes'] ?? 1,
    replicaFetchMaxBytes: settings['replica.fetch.max.bytes'] ?? 1_048_576,
    replicaFetchBackoffMs: settings['replica.fetch.backoff.ms'] ?? 1_000,
    replicaSocketTimeoutMs: settings['replica.socket.timeout.ms'] ?? 30_000,
    highWatermarkCheckpointIntervalMs: settings['replica.high.watermark.checkpoint.interval.ms'] ?? 5_000,
    brokerSessionTimeoutMs: settings['broker.session.timeout.ms'] ?? 9_000,
    brokerHeartbeatIntervalMs: settings['broker.heartbeat.interval.ms'] ?? 2_000,
    autoLeaderRebalanceEnable: settings['auto.leader.rebalance.enable'] ?? true,
    leaderImbalanceCheckIntervalMs: (settings['leader.imbalance.check.interval.seconds'] ?? 300) * 1_000,
    uncleanLeaderElectionIntervalMs: settings['unclean.leader.election.interval.ms'] ?? 300_000,
    producerIdExpirationMs: settings['producer.id.expiration.ms'] ?? 86_400_000,
    producerIdExpirationCheckIntervalMs: settings['producer.id.expiration.check.interval.ms'] ?? 600_000,
    logFlushSchedulerIntervalMs: settings['log.flush.scheduler.interval.ms'] ?? LONG_MAX_VALUE,
    followerTruncation,
    version,
    highWatermarkMinIsrRule: version !== '3.6',
    offsetsTopicReplicationFactor: settings['offsets.topic.replication.factor'] ?? null,
    offsetsTopicNumPartitions: settings['offsets.topic.num.partitions'] ?? DEFAULT_OFFSETS_TOPIC_PARTITIONS,
    offsetsTopicSegmentBytes: settings['offsets.topic.segment.bytes'] ?? 104_857_600,
    offsetCommitTimeoutMs: settings['offsets.commit.timeout.ms'] ?? 5_000,
    groupCoordinator: {
      'group.initial.rebalance.delay.ms': settings['group.initial.rebalance.delay.ms'] ?? DEFAULT_GROUP_COORDINATOR_CONFIG['group.initial.rebalance.delay.ms'],
      'group.min.session.timeout.ms': settings['group.min.session.timeout.ms'] ?? DEFAULT_GROUP_COORDINATOR_CONFIG['group.min.session.timeout.ms'],
      'group.max.session.timeout.ms': settings['group.max.session.timeout.ms'] ?? DEFAULT_GROUP_COORDINATOR_CONFIG['group.max.session.timeout.ms'],
      'offsets.retention.minutes': settings['offsets.retention.minutes'] ?? DEFAULT_GROUP_COORDINATOR_CONFIG['offsets.retention.minutes'],
      'offsets.retention.check.interval.ms': settings['offsets.retention.check.interval.ms'] ?? DEFAULT_GROUP_COORDINATOR_CONFIG['offsets.retention.check.interval.ms'],
    },
  };
}

function nearestKey(key: string): string {
  const nearest = nearestName(key, BROKER_CONFIG_KEYS);
  return nearest === undefined ? '' : ` Did you mean '${nearest}'?`;
}
