/**
 * Topic-level log configuration, with Kafka's names and defaults
 * (`LogConfig`, `ServerLogConfigs`). Broker-level `log.*` settings provide the
 * defaults a topic override replaces; retention follows Kafka's precedence
 * `log.retention.ms` > `log.retention.minutes` > `log.retention.hours`
 * (KafkaConfig.logRetentionTimeMillis), where -1 means unlimited.
 */
import { assert } from '../sim/assert';
import { didYouMean } from '../sim/didYouMean';
import { KafkaAdminError } from './errors';

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

/** Each topic config's main broker synonym (ServerTopicConfigSynonyms.TOPIC_CONFIG_SYNONYMS). */
export const TOPIC_CONFIG_BROKER_SYNONYMS: Readonly<Record<keyof LogConfig, string>> = {
  'segment.bytes': 'log.segment.bytes',
  'segment.ms': 'log.roll.ms',
  'segment.index.bytes': 'log.index.size.max.bytes',
  'index.interval.bytes': 'log.index.interval.bytes',
  'retention.ms': 'log.retention.ms',
  'retention.bytes': 'log.retention.bytes',
  'file.delete.delay.ms': 'log.segment.delete.delay.ms',
  'max.message.bytes': 'message.max.bytes',
  'flush.messages': 'log.flush.interval.messages',
  'flush.ms': 'log.flush.interval.ms',
  'min.insync.replicas': 'min.insync.replicas',
  'unclean.leader.election.enable': 'unclean.leader.election.enable',
  'cleanup.policy': 'log.cleanup.policy',
};

export const TOPIC_CONFIG_KEYS = Object.keys(DEFAULT_LOG_CONFIG) as (keyof LogConfig)[];

/** Each topic config's ConfigDef type in Kafka's LogConfig (TopicConfig names). */
const TOPIC_CONFIG_TYPES: Readonly<Record<keyof LogConfig, 'INT' | 'LONG' | 'BOOLEAN' | 'LIST'>> = {
  'segment.bytes': 'INT',
  'segment.ms': 'LONG',
  'segment.index.bytes': 'INT',
  'index.interval.bytes': 'INT',
  'retention.ms': 'LONG',
  'retention.bytes': 'LONG',
  'file.delete.delay.ms': 'LONG',
  'max.message.bytes': 'INT',
  'flush.messages': 'LONG',
  'flush.ms': 'LONG',
  'min.insync.replicas': 'INT',
  'unclean.leader.election.enable': 'BOOLEAN',
  'cleanup.policy': 'LIST',
};

const INT_MAX_VALUE = 2_147_483_647;

/**
 * What is wrong with topic overrides, in Kafka's words: unknown names
 * (LogConfig.validateNames: "Unknown topic config name: x"), values of the
 * wrong type (ConfigDef.parseType: "Not a number of type LONG", "Expected
 * value to be either true or false") and values out of range (ConfigDef's
 * atLeast validators). Empty when the overrides are good.
 */
export function topicConfigProblems(overrides: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in TOPIC_CONFIG_TYPES)) {
      problems.push(`Unknown topic config name: ${key}${didYouMean(key, TOPIC_CONFIG_KEYS)}`);
      continue;
    }
    const type = TOPIC_CONFIG_TYPES[key as keyof LogConfig];
    const invalid = (reason: string) => problems.push(`Invalid value ${String(value)} for configuration ${key}: ${reason}`);
    if (type === 'BOOLEAN') {
      if (typeof value !== 'boolean') invalid('Expected value to be either true or false');
    } else if (type === 'LIST') {
      // Only deletion is modelled; compaction (the log cleaner) is not.
      if (value !== 'delete') invalid(value === 'compact' ? 'faultline models cleanup.policy=delete only (the log cleaner is not modelled)' : 'String must be one of: compact, delete');
    } else if (typeof value !== 'number' || !Number.isInteger(value) || (type === 'INT' && Math.abs(value) > INT_MAX_VALUE)) {
      invalid(`Not a number of type ${type}`);
    } else {
      const min = TOPIC_CONFIG_MINIMUMS[key as keyof LogConfig];
      if (min !== undefined && value < min) invalid(`Value must be at least ${min}`);
    }
  }
  return problems;
}

/**
 * Merge topic overrides onto broker defaults and check them as Kafka's
 * ConfigDef does. Bad overrides fail the way CreateTopics does: INVALID_CONFIG
 * (InvalidConfigurationException) with the first problem.
 */
export function topicLogConfig(defaults: LogConfig, overrides: TopicConfigOverrides = {}): LogConfig {
  const problems = topicConfigProblems(overrides);
  if (problems.length > 0) throw new KafkaAdminError('INVALID_CONFIG', 'InvalidConfigurationException', problems[0]!);
  return validateLogConfig({ ...defaults, ...overrides });
}

/** Ranges from LogConfig's ConfigDef (atLeast(...)). */
const TOPIC_CONFIG_MINIMUMS: Partial<Record<keyof LogConfig, number>> = {
  'segment.bytes': 14, // LegacyRecord.RECORD_OVERHEAD_V0
  'segment.ms': 1,
  'segment.index.bytes': 4,
  'index.interval.bytes': 0,
  'retention.ms': -1,
  'file.delete.delay.ms': 0,
  'max.message.bytes': 0,
  'flush.messages': 1,
  'flush.ms': 0,
  'min.insync.replicas': 1,
};

function validateLogConfig(config: LogConfig): LogConfig {
  for (const [key, min] of Object.entries(TOPIC_CONFIG_MINIMUMS) as [keyof LogConfig, number][]) atLeast(config, key, min);
  assert(Number.isInteger(config['retention.bytes']), 'retention.bytes must be an integer');
  return config;
}

function atLeast(config: LogConfig, key: keyof LogConfig, min: number): void {
  const value = config[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new Error(`Invalid value ${String(value)} for configuration ${key}: Value must be at least ${min}`);
  }
}
