/**
 * Producer settings, read as Kafka's Java client reads them: the same key
 * names, defaults, type coercions, validators, and the same cross-checks with
 * the same exception messages (`ProducerConfig`, `KafkaProducer`).
 *
 * Two client versions are modelled, because their defaults teach different
 * lessons; 4.0 is the default:
 *   - `linger.ms` defaults to 5 in 4.0 and to 0 before (KIP-1030).
 *   - `max.in.flight.requests.per.connection` > 5 with idempotence on: 3.9
 *     throws only if `enable.idempotence` was set explicitly and otherwise turns
 *     idempotence off with a warning; 4.0 always throws, with a new message
 *     (KAFKA-17927), so more than 5 in flight needs `enable.idempotence=false`.
 * Common to both (3.x since KAFKA-13673 / 3.2, backported to 3.0.1 and 3.1.1):
 * idempotence is on by default; when `enable.idempotence` was not set and
 * `acks` is not all, or `retries` is 0, it is silently turned off; when it was
 * set to true explicitly, the conflict is a ConfigException. The checks run in
 * Kafka's order (retries, acks, in-flight), so the first conflict found is the
 * one reported. Then `transactional.id` requires idempotence, and finally
 * `KafkaProducer.configureDeliveryTimeout` requires `delivery.timeout.ms` >=
 * `linger.ms` + `request.timeout.ms`: an explicit smaller value throws, the
 * default is silently raised to the sum.
 *
 * Where faultline departs from Kafka, on purpose:
 *   - An unknown key is an error naming the nearest known key. Kafka only logs
 *     "These configurations '[...]' were supplied but are not used yet.", which
 *     is how typos survive into production.
 *   - `acks` also accepts the numbers 0, 1 and -1 (Kafka's type is STRING, so a
 *     Java Integer would be rejected); JavaScript callers write numbers.
 *   - Keys the simulation has no use for (serializers, buffers, security) are
 *     accepted, type-checked no further, and listed in `unmodelled`.
 *   - `client.id` defaults to `producer-<clientIdSequence>` from the caller,
 *     not from Kafka's process-wide counter, so runs stay reproducible.
 *   - Longs beyond 2^53 are rejected (JavaScript numbers cannot hold them).
 */
import { assert } from '../sim/assert';
import type { Rng } from '../sim/Rng';
import { KafkaConfigError } from './kafkaConfigError';
import type { PartitionerKind } from './partitioner';
import { clientConfigFileKey, unknownClientConfigKey, type ClientConfigKeys } from './clientConfigKeys';

export type ProducerClientVersion = '3.9' | '4.0';

/** 0: no response; 1: the leader's append; -1: the whole ISR (`acks=all`). */
export type Acks = 0 | 1 | -1;

export interface ProducerConfig {
  readonly clientVersion: ProducerClientVersion;
  readonly clientId: string;
  readonly acks: Acks;
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  /** After the `configureDeliveryTimeout` adjustment. */
  readonly deliveryTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly lingerMs: number;
  /** `batch.size` as given (0 allowed; the accumulator uses max(1, batch.size)). */
  readonly batchSizeBytes: number;
  readonly maxInFlightRequestsPerConnection: number;
  /** After the idempotence post-processing. */
  readonly enableIdempotence: boolean;
  readonly transactionalId: string | null;
  readonly partitioner: PartitionerKind;
  readonly partitionerIgnoreKeys: boolean;
  /** Accepted; faultline's built-in partitioner is the non-adaptive one (see partitioner.ts). */
  readonly partitionerAdaptivePartitioningEnable: boolean;
  readonly partitionerAvailabilityTimeoutMs: number;
  /** How long send() waits for a topic's metadata (KafkaProducer.waitOnMetadata). */
  readonly maxBlockMs: number;
  /** Metadata is refreshed at least this often. */
  readonly metadataMaxAgeMs: number;
  /** Keys the user set (Kafka's `originals()`), in the order given. */
  readonly explicitKeys: readonly string[];
  /** Known producer keys that were set but have no effect in the simulation. */
  readonly unmodelled: readonly string[];
  /** What the Java client would log (INFO/WARN) while settling these values. */
  readonly notes: readonly string[];
}

export interface ParseProducerConfigOptions {
  readonly clientVersion?: ProducerClientVersion;
  /** N in the default `client.id` `producer-N` (default 1). */
  readonly clientIdSequence?: number;
}

// ---- the definitions ------------------------------------------------------------

type ConfigType = 'INT' | 'LONG' | 'BOOLEAN' | 'STRING' | 'CLASS';

interface KeyDefinition {
  readonly type: ConfigType;
  readonly defaultValue: (version: ProducerClientVersion) => number | boolean | string | null;
  readonly min?: number;
  readonly max?: number;
  readonly validStrings?: readonly string[];
  readonly nonEmpty?: boolean;
  /** null is a value (unset); for the other keys null is rejected. */
  readonly nullable?: boolean;
}

const INT_MAX = 2147483647;

/** The modelled keys, in the order of Kafka's `ProducerConfig` ConfigDef (parsing stops at the first bad one). */
const DEFINITIONS: ReadonlyMap<string, KeyDefinition> = new Map<string, KeyDefinition>([
  ['retries', { type: 'INT', defaultValue: () => INT_MAX, min: 0, max: INT_MAX }],
  ['acks', { type: 'STRING', defaultValue: () => 'all', validStrings: ['all', '-1', '0', '1'] }],
  ['batch.size', { type: 'INT', defaultValue: () => 16384, min: 0 }],
  ['partitioner.adaptive.partitioning.enable', { type: 'BOOLEAN', defaultValue: () => true }],
  ['partitioner.availability.timeout.ms', { type: 'LONG', defaultValue: () => 0, min: 0 }],
  ['partitioner.ignore.keys', { type: 'BOOLEAN', defaultValue: () => false }],
  ['linger.ms', { type: 'LONG', defaultValue: (v) => (v === '4.0' ? 5 : 0), min: 0 }],
  ['delivery.timeout.ms', { type: 'INT', defaultValue: () => 120_000, min: 0 }],
  ['client.id', { type: 'STRING', defaultValue: () => '' }],
  ['retry.backoff.ms', { type: 'LONG', defaultValue: () => 100, min: 0 }],
  ['retry.backoff.max.ms', { type: 'LONG', defaultValue: () => 1000, min: 0 }],
  ['request.timeout.ms', { type: 'INT', defaultValue: () => 30_000, min: 0 }],
  ['max.in.flight.requests.per.connection', { type: 'INT', defaultValue: () => 5, min: 1 }],
  ['partitioner.class', { type: 'CLASS', defaultValue: () => null, nullable: true }],
  ['enable.idempotence', { type: 'BOOLEAN', defaultValue: () => true }],
  ['max.block.ms', { type: 'LONG', defaultValue: () => 60_000, min: 0 }],
  ['metadata.max.age.ms', { type: 'LONG', defaultValue: () => 300_000, min: 0 }],
  ['transactional.id', { type: 'STRING', defaultValue: () => null, nonEmpty: true, nullable: true }],
]);

/** Producer keys Kafka knows that the simulation accepts without effect. */
const UNMODELLED_KEYS: ReadonlySet<string> = new Set([
  'bootstrap.servers',
  'client.dns.lookup',
  'buffer.memory',
  'compression.type',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.zstd.level',
  'send.buffer.bytes',
  'receive.buffer.bytes',
  'max.request.size',
  'reconnect.backoff.ms',
  'reconnect.backoff.max.ms',
  'enable.metrics.push',
  'metadata.max.idle.ms',
  'metrics.sample.window.ms',
  'metrics.num.samples',
  'metrics.recording.level',
  'metric.reporters',
  'key.serializer',
  'value.serializer',
  'socket.connection.setup.timeout.ms',
  'socket.connection.setup.timeout.max.ms',
  'connections.max.idle.ms',
  'interceptor.classes',
  'security.protocol',
  'security.providers',
  'transaction.timeout.ms',
  'metadata.recovery.strategy',
  'metadata.recovery.rebootstrap.trigger.ms',
  'client.rack',
]);

const UNMODELLED_PREFIXES = ['ssl.', 'sasl.'];

/** `partitioner.class` values and the partitioner each selects; null (unset) is the built-in one. */
const PARTITIONER_CLASSES: ReadonlyMap<string, PartitionerKind> = new Map<string, PartitionerKind>([
  ['org.apache.kafka.clients.producer.RoundRobinPartitioner', 'round-robin'],
  ['RoundRobinPartitioner', 'round-robin'],
  ['round-robin', 'round-robin'],
  ['built-in', 'built-in'],
  // Not a Kafka class name: the DefaultPartitioner of clients before 2.4 (KIP-480),
  // whose null-key round-robin many tutorials still describe.
  ['legacy-default', 'legacy-default'],
]);

export const PRODUCER_CONFIG_KEYS: readonly string[] = [...DEFINITIONS.keys()];

// ---- parsing ---------------------------------------------------------------------

type Parsed = Map<string, number | boolean | string | null>;

/**
 * Read a producer configuration. Throws a `KafkaConfigError` (printed as
 * ConfigException) with Kafka's message on the first problem.
 */
export function parseProducerConfig(input: Readonly<Record<string, unknown>>, options: ParseProducerConfigOptions = {}): ProducerConfig {
  const version = options.clientVersion ?? '4.0';
  assert(version === '3.9' || version === '4.0', () => `unknown producer client version '${version}' (faultline models 3.9 and 4.0)`);
  const explicitKeys = Object.keys(input).filter((key) => input[key] !== undefined);
  const unmodelled: string[] = [];
  for (const key of explicitKeys) {
    if (DEFINITIONS.has(key)) continue;
    if (UNMODELLED_KEYS.has(key) || UNMODELLED_PREFIXES.some((p) => key.startsWith(p))) unmodelled.push(key);
    else throw unknownKey(key);
  }

  const parsed: Parsed = new Map();
  for (const [key, definition] of DEFINITIONS) {
    const given = explicitKeys.includes(key);
    parsed.set(key, given ? parseValue(key, input[key], definition) : definition.defaultValue(version));
  }
  const isSet = (key: string): boolean => explicitKeys.includes(key);
  const notes: string[] = [];

  const acks = toAcks(parsed.get('acks') as string);
  const enableIdempotence = settleIdempotence(parsed, acks, isSet, version, notes);
  const transactionalId = parsed.get('transactional.id') as string | null;
  if (!enableIdempotence && isSet('transactional.id')) {
    throw new KafkaConfigError('Cannot set a transactional.id without also enabling idempotence.', 'transactional.id');
  }

  const retryBackoffMs = parsed.get('retry.backoff.ms') as number;
  const retryBackoffMaxMs = parsed.get('retry.backoff.max.ms') as number;
  if (retryBackoffMs > retryBackoffMaxMs) {
    // CommonClientConfigs.warnDisablingExponentialBackoff
    notes.push(
      `Configuration 'retry.backoff.ms' with value '${retryBackoffMs}' is greater than configuration 'retry.backoff.max.ms' with value '${retryBackoffMaxMs}'. A static backoff with value '${retryBackoffMaxMs}' will be applied.`,
    );
  }

  const lingerMs = parsed.get('linger.ms') as number;
  const requestTimeoutMs = parsed.get('request.timeout.ms') as number;
  const deliveryTimeoutMs = settleDeliveryTimeout(parsed.get('delivery.timeout.ms') as number, lingerMs, requestTimeoutMs, isSet, notes);

  const partitionerClass = parsed.get('partitioner.class') as string | null;
  const clientIdSequence = options.clientIdSequence ?? 1;
  return {
    clientVersion: version,
    // ProducerConfig.maybeOverrideClientId
    clientId: isSet('client.id') ? (parsed.get('client.id') as string) : `producer-${transactionalId ?? clientIdSequence}`,
    acks,
    retries: parsed.get('retries') as number,
    retryBackoffMs,
    retryBackoffMaxMs,
    deliveryTimeoutMs,
    requestTimeoutMs,
    lingerMs,
    batchSizeBytes: parsed.get('batch.size') as number,
    maxInFlightRequestsPerConnection: parsed.get('max.in.flight.requests.per.connection') as number,
    enableIdempotence,
    transactionalId,
    partitioner: partitionerClass === null ? 'built-in' : PARTITIONER_CLASSES.get(partitionerClass)!,
    partitionerIgnoreKeys: parsed.get('partitioner.ignore.keys') as boolean,
    partitionerAdaptivePartitioningEnable: parsed.get('partitioner.adaptive.partitioning.enable') as boolean,
    partitionerAvailabilityTimeoutMs: parsed.get('partitioner.availability.timeout.ms') as number,
    maxBlockMs: parsed.get('max.block.ms') as number,
    metadataMaxAgeMs: parsed.get('metadata.max.age.ms') as number,
    explicitKeys,
    unmodelled,
    notes,
  };
}

/** `ProducerConfig.postProcessAndValidateIdempotenceConfigs`, for one client version. */
function settleIdempotence(
  parsed: Parsed,
  acks: Acks,
  isSet: (key: string) => boolean,
  version: ProducerClientVersion,
  notes: string[],
): boolean {
  if (!(parsed.get('enable.idempotence') as boolean)) return false;
  const explicit = isSet('enable.idempotence');
  let disable = false;
  if ((parsed.get('retries') as number) === 0) {
    if (explicit) throw new KafkaConfigError('Must set retries to non-zero when using the idempotent producer.', 'retries');
    notes.push('Idempotence will be disabled because retries is set to 0.');
    disable = true;
  }
  if (acks !== -1) {
    if (explicit) {
      throw new KafkaConfigError('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.', 'acks');
    }
    notes.push(`Idempotence will be disabled because acks is set to ${acks}, not set to 'all'.`);
    disable = true;
  }
  const inFlight = parsed.get('max.in.flight.requests.per.connection') as number;
  if (inFlight > 5) {
    if (version === '4.0') {
      // KAFKA-17927: explicit or not, idempotence (the default) caps in-flight requests.
      throw new KafkaConfigError(
        `To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is ${inFlight}.`,
        'max.in.flight.requests.per.connection',
      );
    }
    if (explicit) {
      throw new KafkaConfigError('Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.', 'max.in.flight.requests.per.connection');
    }
    notes.push(
      `Idempotence will be disabled because max.in.flight.requests.per.connection is set to ${inFlight}, which is greater than 5. Please note that in v4.0.0 and onward, this will become an error.`,
    );
    disable = true;
  }
  return !disable;
}

/** `KafkaProducer.configureDeliveryTimeout`. */
function settleDeliveryTimeout(
  deliveryTimeoutMs: number,
  lingerMs: number,
  requestTimeoutMs: number,
  isSet: (key: string) => boolean,
  notes: string[],
): number {
  // linger.ms is capped to an int first (KafkaProducer.lingerMs), and the sum too.
  const lingerAndRequestTimeoutMs = Math.min(Math.min(lingerMs, INT_MAX) + requestTimeoutMs, INT_MAX);
  if (deliveryTimeoutMs >= lingerAndRequestTimeoutMs) return deliveryTimeoutMs;
  if (isSet('delivery.timeout.ms')) {
    throw new KafkaConfigError('delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms', 'delivery.timeout.ms');
  }
  notes.push(`delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms. Setting it to ${lingerAndRequestTimeoutMs}.`);
  return lingerAndRequestTimeoutMs;
}

function toAcks(acks: string): Acks {
  // ProducerConfig.parseAcks: "all" is -1.
  return acks === 'all' ? -1 : (Number(acks) as Acks);
}

/** `ConfigDef.parseType` followed by the key's validator. */
function parseValue(key: string, value: unknown, definition: KeyDefinition): number | boolean | string | null {
  if (value === null) {
    if (definition.nullable) return null;
    throw KafkaConfigError.invalidValue(key, null, 'Value must be non-null');
  }
  switch (definition.type) {
    case 'INT':
    case 'LONG': {
      const n = parseInteger(key, value, definition.type);
      // Validators see the parsed value, and Kafka prints that one.
      if (definition.min !== undefined && n < definition.min) throw KafkaConfigError.invalidValue(key, n, `Value must be at least ${definition.min}`);
      if (definition.max !== undefined && n > definition.max) throw KafkaConfigError.invalidValue(key, n, `Value must be no more than ${definition.max}`);
      return n;
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
      throw KafkaConfigError.invalidValue(key, value, 'Expected value to be either true or false');
    case 'STRING': {
      let s: string;
      if (typeof value === 'string') s = value.trim();
      else if (key === 'acks' && (value === 0 || value === 1 || value === -1)) s = String(value);
      else throw KafkaConfigError.invalidValue(key, value, `Expected value to be a string, but it was a ${jsType(value)}`);
      if (definition.validStrings !== undefined && !definition.validStrings.includes(s)) {
        throw KafkaConfigError.invalidValue(key, s, `String must be one of: ${definition.validStrings.join(', ')}`);
      }
      if (definition.nonEmpty && s.length === 0) throw KafkaConfigError.invalidValue(key, s, 'String must be non-empty');
      return s;
    }
    case 'CLASS': {
      if (typeof value !== 'string') throw KafkaConfigError.invalidValue(key, value, 'Expected a Class instance or class name.');
      const name = value.trim();
      if (!PARTITIONER_CLASSES.has(name)) {
        throw KafkaConfigError.invalidValue(
          key,
          value,
          `Class ${name} could not be found. faultline models: ${[...PARTITIONER_CLASSES.keys()].join(', ')} (or leave it unset for the built-in partitioner)`,
        );
      }
      return name;
    }
  }
}

/** INT and LONG: a JavaScript integer, or a string `Integer.parseInt` / `Long.parseLong` accepts. */
function parseInteger(key: string, value: unknown, type: 'INT' | 'LONG'): number {
  const [min, max] = type === 'INT' ? [-2147483648, INT_MAX] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) n = Number(value.trim());
  else if (typeof value === 'string') throw KafkaConfigError.invalidValue(key, value, `Not a number of type ${type}`);
  else {
    const expected = type === 'INT' ? 'a 32-bit integer' : 'a 64-bit integer (long)';
    throw KafkaConfigError.invalidValue(key, value, `Expected value to be ${expected}, but it was a ${jsType(value)}`);
  }
  if (!Number.isInteger(n) || n < min || n > max) throw KafkaConfigError.invalidValue(key, value, `Not a number of type ${type}`);
  return n;
}

function jsType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'object' : typeof value;
}

const KEYS: ClientConfigKeys = { client: 'producer', modelled: [...DEFINITIONS.keys()], unmodelled: UNMODELLED_KEYS, unmodelledPrefixes: UNMODELLED_PREFIXES };

function unknownKey(key: string): KafkaConfigError {
  return unknownClientConfigKey(KEYS, key);
}


// ---- derived behaviour ---------------------------------------------------------------

/**
 * The wait before retry number `attempts` + 1 (`attempts` >= 0 failures so
 * far), as `ExponentialBackoff(retry.backoff.ms, 2, retry.backoff.max.ms, 0.2)`
 * computes it (KIP-580): retry.backoff.ms * 2^attempts with +-20% jitter,
 * capped at retry.backoff.max.ms, and constant when retry.backoff.ms >=
 * retry.backoff.max.ms. The jitter comes from the caller's seeded stream.
 */
export function retryBackoffMs(config: Pick<ProducerConfig, 'retryBackoffMs' | 'retryBackoffMaxMs'>, attempts: number, rng: Rng): number {
  assert(Number.isInteger(attempts) && attempts >= 0, () => `retryBackoffMs: attempts must be an integer >= 0, got ${attempts}`);
  const maxInterval = config.retryBackoffMaxMs;
  const initialInterval = Math.min(maxInterval, config.retryBackoffMs);
  const expMax = maxInterval > initialInterval ? Math.log(maxInterval / Math.max(initialInterval, 1)) / Math.log(2) : 0;
  if (expMax === 0) return initialInterval;
  const term = initialInterval * Math.pow(2, Math.min(attempts, expMax));
  const randomFactor = 0.8 + 0.4 * rng.double(); // nextDouble(1 - 0.2, 1 + 0.2)
  return Math.min(Math.trunc(randomFactor * term), maxInterval);
}

/**
 * How a producer.properties line is taken (see scenarios/configFiles.ts):
 * a modelled key whose value parses, a real producer key faultline ignores,
 * or ProducerConfig's error for an unknown key or a bad value.
 */
export function producerConfigFileKey(key: string, value: string): 'modelled' | 'ignored' | { readonly error: string } {
  return clientConfigFileKey(KEYS, key, () => parseProducerConfig({ [key]: value }));
}
