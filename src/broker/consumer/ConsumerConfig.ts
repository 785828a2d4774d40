/**
 * Consumer settings, read as Kafka's Java client reads them (`ConsumerConfig`,
 * 3.x/4.x, the classic group protocol): the same key names, defaults, types,
 * validators and exception messages.
 *
 *   - `client.id` defaults to `consumer-<group.id>-<n>` (maybeOverrideClientId;
 *     `consumer-null-<n>` without a group), n from the caller so runs stay
 *     reproducible.
 *   - `enable.auto.commit` defaults to true, but to false without a group id;
 *     set to true without one it is an InvalidConfigurationException
 *     (maybeOverrideEnableAutoCommit).
 *   - `partition.assignment.strategy` defaults to [RangeAssignor,
 *     CooperativeStickyAssignor]: both are offered in JoinGroup and the group
 *     picks the first one every member supports, so range, with the EAGER
 *     protocol (the only one both assignors support: every rebalance revokes
 *     everything). All four built-in assignors are modelled: `range`,
 *     `roundrobin`, `sticky` (EAGER) and `cooperative-sticky`; the consumer
 *     rebalances cooperatively (KIP-429) only when every listed assignor
 *     supports COOPERATIVE, i.e. with `cooperative-sticky` alone.
 *   - `heartbeat.interval.ms` must be below `session.timeout.ms` (Heartbeat's
 *     IllegalArgumentException).
 *
 * Where faultline departs, as ProducerConfig.ts does: an unknown key is an
 * error naming the nearest known one; keys without effect here are accepted
 * and listed in `unmodelled`; static membership (`group.instance.id`) and the
 * KIP-848 protocol (`group.protocol=consumer`) are refused.
 */
import { checkFaultlineMinimum, KafkaConfigError, type FaultlineMinimum } from '../kafkaConfigError';
import type { AssignorName } from '../group/assignors';
import { clientConfigFileKey, unknownClientConfigKey, type ClientConfigKeys } from '../clientConfigKeys';

export type OffsetResetPolicy = 'latest' | 'earliest' | 'none';

export interface ConsumerConfig {
  readonly groupId: string | null;
  readonly clientId: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxPollIntervalMs: number;
  /** In the order offered in JoinGroup (names: range, roundrobin, cooperative-sticky, sticky). */
  readonly assignors: readonly string[];
  readonly enableAutoCommit: boolean;
  readonly autoCommitIntervalMs: number;
  readonly autoOffsetReset: OffsetResetPolicy;
  readonly maxPollRecords: number;
  readonly fetchMinBytes: number;
  readonly fetchMaxBytes: number;
  readonly fetchMaxWaitMs: number;
  readonly maxPartitionFetchBytes: number;
  readonly metadataMaxAgeMs: number;
  readonly requestTimeoutMs: number;
  readonly defaultApiTimeoutMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  /** Keys the user set, in the order given. */
  readonly explicitKeys: readonly string[];
  readonly unmodelled: readonly string[];
}

type ConfigType = 'INT' | 'LONG' | 'BOOLEAN' | 'STRING' | 'LIST';

interface KeyDefinition {
  readonly type: ConfigType;
  readonly defaultValue: number | boolean | string | readonly string[] | null;
  readonly min?: number;
  /** A bound Kafka does not validate, with what Kafka would do instead (said in the error). */
  readonly faultlineMin?: FaultlineMinimum;
  readonly validStrings?: readonly string[];
  readonly nonEmpty?: boolean;
}

const INT_MAX = 2147483647;

/** The modelled keys, in the order of Kafka's ConsumerConfig ConfigDef (parsing stops at the first bad one). */
const DEFINITIONS: ReadonlyMap<string, KeyDefinition> = new Map<string, KeyDefinition>([
  ['group.id', { type: 'STRING', defaultValue: null }],
  ['group.instance.id', { type: 'STRING', defaultValue: null, nonEmpty: true }],
  ['session.timeout.ms', { type: 'INT', defaultValue: 45_000 }],
  // Kafka has no validator here, but a heartbeat thread due every 0 ms never
  // waits: it would send heartbeats without end.
  ['heartbeat.interval.ms', { type: 'INT', defaultValue: 3_000, faultlineMin: { min: 1, kafka: 'Kafka accepts 0, and its heartbeat thread then sends without pause' } }],
  ['partition.assignment.strategy', { type: 'LIST', defaultValue: ['org.apache.kafka.clients.consumer.RangeAssignor', 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor'] }],
  ['metadata.max.age.ms', { type: 'LONG', defaultValue: 300_000, min: 0 }],
  ['enable.auto.commit', { type: 'BOOLEAN', defaultValue: true }],
  ['auto.commit.interval.ms', { type: 'INT', defaultValue: 5_000, min: 0 }],
  ['client.id', { type: 'STRING', defaultValue: '' }],
  ['max.partition.fetch.bytes', { type: 'INT', defaultValue: 1_048_576, min: 0 }],
  ['fetch.min.bytes', { type: 'INT', defaultValue: 1, min: 0 }],
  ['fetch.max.bytes', { type: 'INT', defaultValue: 52_428_800, min: 0 }],
  ['fetch.max.wait.ms', { type: 'INT', defaultValue: 500, min: 0 }],
  ['retry.backoff.ms', { type: 'LONG', defaultValue: 100, min: 0 }],
  ['retry.backoff.max.ms', { type: 'LONG', defaultValue: 1_000, min: 0 }],
  ['auto.offset.reset', { type: 'STRING', defaultValue: 'latest', validStrings: ['latest', 'earliest', 'none'] }],
  ['request.timeout.ms', { type: 'INT', defaultValue: 30_000, min: 0 }],
  ['default.api.timeout.ms', { type: 'INT', defaultValue: 60_000, min: 0 }],
  ['max.poll.records', { type: 'INT', defaultValue: 500, min: 1 }],
  ['max.poll.interval.ms', { type: 'INT', defaultValue: 300_000, min: 1 }],
  ['group.protocol', { type: 'STRING', defaultValue: 'classic', validStrings: ['classic', 'consumer'] }],
]);

/** Consumer keys Kafka knows that the simulation accepts without effect. */
const UNMODELLED_KEYS: ReadonlySet<string> = new Set([
  'bootstrap.servers',
  'client.dns.lookup',
  'client.rack',
  'send.buffer.bytes',
  'receive.buffer.bytes',
  'reconnect.backoff.ms',
  'reconnect.backoff.max.ms',
  'enable.metrics.push',
  'check.crcs',
  'metrics.sample.window.ms',
  'metrics.num.samples',
  'metrics.recording.level',
  'metric.reporters',
  'key.deserializer',
  'value.deserializer',
  'socket.connection.setup.timeout.ms',
  'socket.connection.setup.timeout.max.ms',
  'connections.max.idle.ms',
  'interceptor.classes',
  'exclude.internal.topics',
  'isolation.level',
  'allow.auto.create.topics',
  'security.protocol',
  'security.providers',
  'metadata.recovery.strategy',
  'metadata.recovery.rebootstrap.trigger.ms',
]);

const UNMODELLED_PREFIXES = ['ssl.', 'sasl.'];

/** Assignor class names (and short names) ⇒ the protocol name each uses in JoinGroup. */
const ASSIGNOR_CLASSES: ReadonlyMap<string, string> = new Map([
  ['org.apache.kafka.clients.consumer.RangeAssignor', 'range'],
  ['RangeAssignor', 'range'],
  ['range', 'range'],
  ['org.apache.kafka.clients.consumer.RoundRobinAssignor', 'roundrobin'],
  ['RoundRobinAssignor', 'roundrobin'],
  ['roundrobin', 'roundrobin'],
  ['org.apache.kafka.clients.consumer.CooperativeStickyAssignor', 'cooperative-sticky'],
  ['CooperativeStickyAssignor', 'cooperative-sticky'],
  ['cooperative-sticky', 'cooperative-sticky'],
  ['org.apache.kafka.clients.consumer.StickyAssignor', 'sticky'],
  ['StickyAssignor', 'sticky'],
  ['sticky', 'sticky'],
]);

const MODELLED_ASSIGNORS: ReadonlySet<string> = new Set<AssignorName>(['range', 'roundrobin', 'sticky', 'cooperative-sticky']);

export const CONSUMER_CONFIG_KEYS: readonly string[] = [...DEFINITIONS.keys()];

export interface ParseConsumerConfigOptions {
  /** n in the default client.id `consumer-<group>-<n>` (default 1). */
  readonly clientIdSequence?: number;
}

/** Read a consumer configuration; throws a KafkaConfigError with Kafka's message on the first problem. */
export function parseConsumerConfig(input: Readonly<Record<string, unknown>>, options: ParseConsumerConfigOptions = {}): ConsumerConfig {
  const explicitKeys = Object.keys(input).filter((key) => input[key] !== undefined);
  const unmodelled: string[] = [];
  for (const key of explicitKeys) {
    if (DEFINITIONS.has(key)) continue;
    if (UNMODELLED_KEYS.has(key) || UNMODELLED_PREFIXES.some((p) => key.startsWith(p))) unmodelled.push(key);
    else throw unknownKey(key);
  }
  const parsed = new Map<string, number | boolean | string | readonly string[] | null>();
  for (const [key, definition] of DEFINITIONS) {
    parsed.set(key, explicitKeys.includes(key) ? parseValue(key, input[key], definition) : definition.defaultValue);
  }
  const groupId = parsed.get('group.id') as string | null;
  if (parsed.get('group.instance.id') !== null) {
    throw new KafkaConfigError('group.instance.id (static membership, KIP-345) is not modelled by faultline; leave it unset for dynamic members.', 'group.instance.id');
  }
  if ((parsed.get('group.protocol') as string).toLowerCase() === 'consumer') {
    throw new KafkaConfigError("group.protocol=consumer (KIP-848) is not modelled by faultline; it models the classic protocol ('classic', the default).", 'group.protocol');
  }
  const assignors = (parsed.get('partition.assignment.strategy') as readonly string[]).map((name) => {
    const assignor = ASSIGNOR_CLASSES.get(name);
    if (assignor === undefined) throw KafkaConfigError.invalidValue('partition.assignment.strategy', name, `Class ${name} cannot be found`);
    return assignor;
  });
  if (assignors.length === 0 || !MODELLED_ASSIGNORS.has(assignors[0]!)) {
    throw new KafkaConfigError(
      `partition.assignment.strategy must list at least one assignor (got [${assignors.join(', ')}]).`,
      'partition.assignment.strategy',
    );
  }
  // ConsumerConfig.maybeOverrideEnableAutoCommit
  let enableAutoCommit = parsed.get('enable.auto.commit') as boolean;
  if (groupId === null) {
    if (!explicitKeys.includes('enable.auto.commit')) enableAutoCommit = false;
    else if (enableAutoCommit) {
      throw new KafkaConfigError('enable.auto.commit cannot be set to true when default group id (null) is used.', 'enable.auto.commit');
    }
  }
  const sessionTimeoutMs = parsed.get('session.timeout.ms') as number;
  const heartbeatIntervalMs = parsed.get('heartbeat.interval.ms') as number;
  if (groupId !== null && heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new KafkaConfigError('Heartbeat must be set lower than the session timeout', 'heartbeat.interval.ms');
  }
  const clientIdGiven = parsed.get('client.id') as string;
  return {
    groupId,
    clientId: clientIdGiven !== '' ? clientIdGiven : `consumer-${groupId ?? 'null'}-${options.clientIdSequence ?? 1}`,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxPollIntervalMs: parsed.get('max.poll.interval.ms') as number,
    assignors,
    enableAutoCommit,
    autoCommitIntervalMs: parsed.get('auto.commit.interval.ms') as number,
    autoOffsetReset: parsed.get('auto.offset.reset') as OffsetResetPolicy,
    maxPollRecords: parsed.get('max.poll.records') as number,
    fetchMinBytes: parsed.get('fetch.min.bytes') as number,
    fetchMaxBytes: parsed.get('fetch.max.bytes') as number,
    fetchMaxWaitMs: parsed.get('fetch.max.wait.ms') as number,
    maxPartitionFetchBytes: parsed.get('max.partition.fetch.bytes') as number,
    metadataMaxAgeMs: parsed.get('metadata.max.age.ms') as number,
    requestTimeoutMs: parsed.get('request.timeout.ms') as number,
    defaultApiTimeoutMs: parsed.get('default.api.timeout.ms') as number,
    retryBackoffMs: parsed.get('retry.backoff.ms') as number,
    retryBackoffMaxMs: parsed.get('retry.backoff.max.ms') as number,
    explicitKeys,
    unmodelled,
  };
}

/** ConfigDef.parseType followed by the key's validator. */
function parseValue(key: string, value: unknown, definition: KeyDefinition): number | boolean | string | readonly string[] | null {
  if (value === null) {
    if (definition.defaultValue === null) return null;
    throw KafkaConfigError.invalidValue(key, null, 'Value must be non-null');
  }
  switch (definition.type) {
    case 'INT':
    case 'LONG': {
      const [min, max] = definition.type === 'INT' ? [-2147483648, INT_MAX] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) n = Number(value.trim());
      else if (typeof value === 'string') throw KafkaConfigError.invalidValue(key, value, `Not a number of type ${definition.type}`);
      else throw KafkaConfigError.invalidValue(key, value, `Expected value to be ${definition.type === 'INT' ? 'a 32-bit integer' : 'a 64-bit integer (long)'}, but it was a ${typeof value}`);
      if (!Number.isInteger(n) || n < min || n > max) throw KafkaConfigError.invalidValue(key, value, `Not a number of type ${definition.type}`);
      if (definition.min !== undefined && n < definition.min) throw KafkaConfigError.invalidValue(key, n, `Value must be at least ${definition.min}`);
      checkFaultlineMinimum(key, n, definition.faultlineMin);
      return n;
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
      throw KafkaConfigError.invalidValue(key, value, 'Expected value to be either true or false');
    case 'STRING': {
      if (typeof value !== 'string') throw KafkaConfigError.invalidValue(key, value, `Expected value to be a string, but it was a ${typeof value}`);
      const s = value.trim();
      const valid = definition.validStrings;
      if (key === 'group.protocol' && valid !== undefined && !valid.includes(s.toLowerCase())) {
        // ConfigDef.CaseInsensitiveValidString keeps the upper-cased names in a HashSet, whose order this is.
        throw KafkaConfigError.invalidValue(key, s, 'String must be one of (case insensitive): CONSUMER, CLASSIC');
      }
      if (valid !== undefined && key !== 'group.protocol' && !valid.includes(s)) {
        throw KafkaConfigError.invalidValue(key, s, `String must be one of: ${valid.join(', ')}`);
      }
      if (definition.nonEmpty && s.length === 0) throw KafkaConfigError.invalidValue(key, s, 'String must be non-empty');
      return s;
    }
    case 'LIST': {
      const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
      if (items === null || !items.every((v) => typeof v === 'string')) throw KafkaConfigError.invalidValue(key, value, 'Expected a comma separated list.');
      return (items as string[]).map((v) => v.trim()).filter((v) => v.length > 0);
    }
  }
}

const KEYS: ClientConfigKeys = { client: 'consumer', modelled: [...DEFINITIONS.keys()], unmodelled: UNMODELLED_KEYS, unmodelledPrefixes: UNMODELLED_PREFIXES };

function unknownKey(key: string): KafkaConfigError {
  return unknownClientConfigKey(KEYS, key);
}


/**
 * How a consumer.properties line is taken (see scenarios/configFiles.ts):
 * a modelled key whose value parses, a real consumer key faultline ignores,
 * or ConsumerConfig's error for an unknown key or a bad value. The value is
 * checked in a configuration with a group, as the file's others may give one.
 */
export function consumerConfigFileKey(key: string, value: string): 'modelled' | 'ignored' | { readonly error: string } {
  return clientConfigFileKey(KEYS, key, () => parseConsumerConfig({ 'group.id': 'config-file', [key]: value }));
}
