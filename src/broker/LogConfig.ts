/**
 * Topic-level log configuration, with Kafka's names and defaults
 * (`LogConfig`, `ServerLogConfigs`). Broker-level `log.*` settings provide the
 * defaults a topic override replaces; retention follows Kafka's precedence
 * `log.retention.ms` > `log.retention.minutes` > `log.retention.hours`
 * (KafkaConfig.logRetentionTimeMillis), where -1 means unlimited.
 */
import { assert } from '../sim/assert';

export interface LogConfig {
  readonly 'segment.bytes': number;
  readonly 'segment.ms': number;
  readonly 'segment.index.bytes': number;
  readonly 'index.interval.bytes': number;
  readonly 'retention.ms': number;
  readonly 'retention.bytes': number;
  readonly 'file.delete.delay.ms': number;
  /** Largest record batch the log accepts (after compression). */
  readonly 'max.message.bytes': number;
  /** Flush after this many messages (Long.MAX_VALUE: leave it to the OS). */
  readonly 'flush.messages': number;
  /** Flush when the oldest unflushed message is this old (Long.MAX_VALUE: never). */
  readonly 'flush.ms': number;
  readonly 'min.insync.replicas': number;
  readonly 'unclean.leader.election.enable': boolean;
  readonly 'cleanup.policy': 'delete';
}

/** Java's Long.MAX_VALUE as Kafka prints it; beyond 2^53 but only ever compared. */
export const LONG_MAX_VALUE = Number.MAX_SAFE_INTEGER;

export const DEFAULT_LOG_CONFIG: LogConfig = {
  'segment.bytes': 1_073_741_824,
  'segment.ms': 604_800_000,
  'segment.index.bytes': 10_485_760,
  'index.interval.bytes': 4096,
  'retention.ms': 604_800_000,
  'retention.bytes': -1,
  'file.delete.delay.ms': 60_000,
  'max.message.bytes': 1_048_588,
  'flush.messages': LONG_MAX_VALUE,
  'flush.ms': LONG_MAX_VALUE,
  'min.insync.replicas': 1,
  'unclean.leader.election.enable': false,
  'cleanup.policy': 'delete',
};

/** Broker settings that feed topic defaults (server.properties names). */
export interface BrokerLogSettings {
  readonly 'log.retention.hours'?: number;
  readonly 'log.retention.minutes'?: number;
  readonly 'log.retention.ms'?: number;
  readonly 'log.retention.bytes'?: number;
  readonly 'log.segment.bytes'?: number;
  readonly 'log.roll.ms'?: number;
  readonly 'log.roll.hours'?: number;
  readonly 'log.index.size.max.bytes'?: number;
  readonly 'log.index.interval.bytes'?: number;
  readonly 'log.segment.delete.delay.ms'?: number;
  readonly 'message.max.bytes'?: number;
  readonly 'log.flush.interval.messages'?: number;
  readonly 'log.flush.interval.ms'?: number;
  /**
   * How often LogManager.flushDirtyLogs runs (default Long.MAX_VALUE: never).
   * Kafka's quirk: a topic's flush.ms only takes effect when this is set, and
   * log.flush.interval.ms defaults to it.
   */
  readonly 'log.flush.scheduler.interval.ms'?: number;
  readonly 'min.insync.replicas'?: number;
  readonly 'unclean.leader.election.enable'?: boolean;
  readonly 'log.retention.check.interval.ms'?: number;
  readonly 'log.initial.task.delay.ms'?: number;
}

export const DEFAULT_RETENTION_CHECK_INTERVAL_MS = 300_000;
export const DEFAULT_INITIAL_TASK_DELAY_MS = 30_000;

/** `KafkaConfig.logRetentionTimeMillis`: ms, else minutes, else hours (168). */
export function brokerRetentionMs(settings: BrokerLogSettings): number {
  const millis =
    settings['log.retention.ms'] ??
    (settings['log.retention.minutes'] !== undefined ? settings['log.retention.minutes'] * 60_000 : undefined) ??
    (settings['log.retention.hours'] ?? 168) * 3_600_000;
  return millis < 0 ? -1 : millis;
}

/** Topic defaults as a broker with `settings` hands them out. */
export function brokerDefaultLogConfig(settings: BrokerLogSettings = {}): LogConfig {
  const rollMs = settings['log.roll.ms'] ?? (settings['log.roll.hours'] ?? 168) * 3_600_000;
  return validateLogConfig({
    ...DEFAULT_LOG_CONFIG,
    'retention.ms': brokerRetentionMs(settings),
    'retention.bytes': settings['log.retention.bytes'] ?? DEFAULT_LOG_CONFIG['retention.bytes'],
    'segment.bytes': settings['log.segment.bytes'] ?? DEFAULT_LOG_CONFIG['segment.bytes'],
    'segment.ms': rollMs,
    'segment.index.bytes': settings['log.index.size.max.bytes'] ?? DEFAULT_LOG_CONFIG['segment.index.bytes'],
    'index.interval.bytes': settings['log.index.interval.bytes'] ?? DEFAULT_LOG_CONFIG['index.interval.bytes'],
    'file.delete.delay.ms': settings['log.segment.delete.delay.ms'] ?? DEFAULT_LOG_CONFIG['file.delete.delay.ms'],
    'max.message.bytes': settings['message.max.bytes'] ?? DEFAULT_LOG_CONFIG['max.message.bytes'],
    'flush.messages': settings['log.flush.interval.messages'] ?? DEFAULT_LOG_CONFIG['flush.messages'],
    // KafkaConfig.logFlushIntervalMs: log.flush.interval.ms, else log.flush.scheduler.interval.ms.
    'flush.ms': settings['log.flush.interval.ms'] ?? settings['log.flush.scheduler.interval.ms'] ?? DEFAULT_LOG_CONFIG['flush.ms'],
    'min.insync.replicas': settings['min.insync.replicas'] ?? DEFAULT_LOG_CONFIG['min.insync.replicas'],
    'unclean.leader.election.enable': settings['unclean.leader.election.enable'] ?? DEFAULT_LOG_CONFIG['unclean.leader.election.enable'],
  });
}

export type TopicConfigOverrides = Partial<LogConfig>;

export const TOPIC_CONFIG_KEYS = Object.keys(DEFAULT_LOG_CONFIG) as (keyof LogConfig)[];

/** Merge topic overrides onto broker defaults and check ranges as Kafka's ConfigDef does. */
export function topicLogConfig(defaults: LogConfig, overrides: TopicConfigOverrides = {}): LogConfig {
  for (const key of Object.keys(overrides)) {
    if (!(TOPIC_CONFIG_KEYS as string[]).includes(key)) {
      throw new Error(`Unknown topic config name: ${key}. Valid names: ${TOPIC_CONFIG_KEYS.join(', ')}`);
    }
  }
  return validateLogConfig({ ...defaults, ...overrides });
}

function validateLogConfig(config: LogConfig): LogConfig {
  // Ranges from LogConfig's ConfigDef (atLeast(...)), with Kafka's wording.
  atLeast(config, 'segment.bytes', 14); // LegacyRecord.RECORD_OVERHEAD_V0
  atLeast(config, 'segment.ms', 1);
  atLeast(config, 'segment.index.bytes', 4);
  atLeast(config, 'index.interval.bytes', 0);
  atLeast(config, 'retention.ms', -1);
  atLeast(config, 'file.delete.delay.ms', 0);
  atLeast(config, 'max.message.bytes', 0);
  atLeast(config, 'flush.messages', 1);
  atLeast(config, 'flush.ms', 0);
  atLeast(config, 'min.insync.replicas', 1);
  assert(Number.isInteger(config['retention.bytes']), 'retention.bytes must be an integer');
  return config;
}

function atLeast(config: LogConfig, key: keyof LogConfig, min: number): void {
  const value = config[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new Error(`Invalid value ${String(value)} for configuration ${key}: Value must be at least ${min}`);
  }
}
