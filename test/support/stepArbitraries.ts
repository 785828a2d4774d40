/**
 * Random scenarios for robustness tests: sequences of steps from the step
 * registry with arguments of the right type, drawn from small pools of
 * plausible names (brokers 1..5, a few topics, producers, consumers, Redis
 * hosts and results), so that steps often find what they act on and
 * sometimes do not; config maps mostly hold known keys with plausible
 * values, now and then a bad key or value. Most scenarios open on a shared
 * stage (a cluster and a topic, perhaps Redis, clients and a stream job) and
 * mix single steps with episodes that belong together (a fault, then its
 * repair). Durations stay at most 10 minutes, counts small, and a scenario at
 * most 12 steps.
 */
import fc from 'fast-check';
import { CONSUMER_CONFIG_KEYS } from '../../src/broker/consumer/ConsumerConfig';
import { BROKER_CONFIG_KEYS } from '../../src/broker/BrokerConfig';
import { TOPIC_CONFIG_KEYS } from '../../src/broker/LogConfig';
import { PRODUCER_CONFIG_KEYS } from '../../src/broker/ProducerConfig';
import { RedisConfig } from '../../src/redis/redisConfig';
import { probeUsages } from '../../src/scenarios/probes';
import type { ScenarioSpec } from '../../src/scenarios/Scenario';
import { ScenarioErrors } from '../../src/scenarios/ScenarioError';
import type { FieldSpec } from '../../src/scenarios/fields';
import type { StepSpec } from '../../src/scenarios/Step';
import { STEPS } from '../../src/scenarios/steps/index';
import { validateScenario, type ValidatedScenario } from '../../src/scenarios/validate';

type Arb = fc.Arbitrary<unknown>;

// ---- pools of plausible names ------------------------------------------------------------

const TOPICS = ['events', 'orders', 'ghost'];
const topic = fc.constantFrom(...TOPICS);
const partitionNumber = fc.integer({ min: 0, max: 3 });
const topicPartition = fc.tuple(topic, partitionNumber).map(([t, p]) => `${t}-${p}`);
const broker = fc.integer({ min: 1, max: 5 });
const producerName = fc.constantFrom('app', 'app', 'p2', 'nobody');
const consumerName = fc.constantFrom('c1', 'w1', 'c2');
const appName = fc.constantFrom('w1', 'w1', 'w2', 'c1');
const group = fc.constantFrom('g1', 'g2');
const host = fc.constantFrom('redis', 'cache', 'nowhere');
const resultName = fc.constantFrom('r1', 'r2');
const jobName = fc.constantFrom('job', 'j2');
const endpoint = fc.constantFrom('broker-1', 'broker-2', 'broker-3', 'broker-4', 'controller', 'app', 'c1', 'w1', 'nobody');
const endpoints = fc.oneof(endpoint, fc.uniqueArray(endpoint, { minLength: 1, maxLength: 3 }));
const smallCount = fc.integer({ min: 1, max: 20 });
const duration = fc.constantFrom<unknown>(0, 100, '10ms', '500ms', '1s', '3s', '10s', '30s', '1m', '3m', '10m');
const shortDuration = fc.constantFrom<unknown>(0, '10ms', '100ms', '1s', '3s');
const interval = fc.constantFrom<unknown>('100ms', '500ms', '1s', '3s');
const instant = fc.integer({ min: -60, max: 20 }).map((m) => new Date(Date.UTC(2024, 0, 1, 0, 0) + m * 60_000).toISOString());
const value = fc.constantFrom('m{n}', 'v', 'x{n}', '');
const keyText = fc.constantFrom('k1', 'k2', 'user-{n}');

// ---- config maps: mostly known keys with plausible values, now and then a bad one ---------------

const genericConfigValue = fc.constantFrom<unknown>(0, 1, 2, 3, 5, 100, 1000, 30_000, 60_000, 600_000, -1, true, false, 'true', 'all', 'earliest');
const badConfigValue = fc.constantFrom<unknown>('abc', '', -5, 1.5, 'yes please', 2 ** 40);

const CONFIG_VALUES: Record<string, Arb> = {
  acks: fc.constantFrom(0, 1, -1, 'all', '1'),
  'enable.idempotence': fc.boolean(),
  'enable.auto.commit': fc.boolean(),
  'auto.offset.reset': fc.constantFrom('earliest', 'latest', 'none'),
  'group.id': group,
  'group.instance.id': fc.constantFrom('i1', 'i2'),
  'group.protocol': fc.constantFrom('classic', 'consumer'),
  'partition.assignment.strategy': fc.constantFrom('range', 'roundrobin', 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor'),
  'partitioner.class': fc.constantFrom('org.apache.kafka.clients.producer.RoundRobinPartitioner', 'x'),
  'transactional.id': fc.constantFrom('t1'),
  'client.id': fc.constantFrom('c1', 'app'),
  'cleanup.policy': fc.constantFrom('delete', 'compact'),
  'unclean.leader.election.enable': fc.boolean(),
  'min.insync.replicas': fc.integer({ min: 1, max: 4 }),
  'max.poll.records': fc.integer({ min: 1, max: 10 }),
  'retention.ms': fc.constantFrom(60_000, 180_000, -1),
  'segment.bytes': fc.constantFrom(1024, 16_384, 1_048_576),
  'segment.ms': fc.constantFrom(60_000, 600_000),
  appendonly: fc.constantFrom('yes', 'no', true, false),
  appendfsync: fc.constantFrom('always', 'everysec', 'no'),
  save: fc.constantFrom('', '60 1', '900 1 300 10', '3600 1 300 100 60 10000'),
  dir: fc.constantFrom('/data', '/var/lib/redis'),
  dbfilename: fc.constantFrom('dump.rdb', 'snap.rdb'),
  appendfilename: fc.constantFrom('appendonly.aof', 'a.aof'),
  appenddirname: fc.constantFrom('appendonlydir', 'aofdir'),
  databases: fc.integer({ min: 1, max: 16 }),
  'auto-aof-rewrite-min-size': fc.constantFrom('64mb', '1kb', 0),
  'auto-aof-rewrite-percentage': fc.constantFrom(0, 100),
  hz: fc.constantFrom(1, 10, 500),
};

function configOf(keys: readonly string[]): Arb {
  const entry = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...keys).chain((k) => (CONFIG_VALUES[k] ?? genericConfigValue).map((v) => [k, v] as const)) },
    { weight: 1, arbitrary: fc.constantFrom(...keys).chain((k) => badConfigValue.map((v) => [k, v] as const)) },
    { weight: 1, arbitrary: fc.constantFrom('retention.msec', 'bogus.key', 'appendonlyy').chain((k) => genericConfigValue.map((v) => [k, v] as const)) },
  );
  return fc.array(entry, { minLength: 1, maxLength: 3 }).map((entries) => Object.fromEntries(entries));
}

const TOPIC_CONFIG = configOf(TOPIC_CONFIG_KEYS);
const BROKER_CONFIG = configOf(BROKER_CONFIG_KEYS);
const PRODUCER_CONFIG = configOf(PRODUCER_CONFIG_KEYS);
const CONSUMER_CONFIG = configOf(CONSUMER_CONFIG_KEYS);
const REDIS_CONFIG = configOf(RedisConfig.names());

// ---- probes and results --------------------------------------------------------------------

const placeholder: Record<string, Arb> = {
  '<topic>-<partition>': topicPartition,
  '<topic>': topic,
  '<group>': group,
  '<broker>': broker.map(String),
  '<producer>': producerName,
  '<app>': consumerName,
  '<app-or-consumer>': consumerName,
  '<host>': host,
  '<job>': jobName,
  '<key>': fc.constantFrom('k1', 'key:0', 'n'),
  '<field>': fc.constantFrom('aof_enabled', 'rdb_changes_since_last_save', 'nope'),
  '<file>': fc.constantFrom('dump.rdb', 'appendonlydir/appendonly.aof.1.incr.aof', 'nope'),
  '<offset>': fc.integer({ min: 0, max: 5 }).map(String),
  '<name>': fc.constantFrom('lost', 'duplicated'),
};

function probePhrase(usage: string): Arb {
  const [name, ...args] = usage.split(' ');
  const parts = args.map((a) => (a.includes('|') ? fc.constantFrom(...a.slice(1, -1).split('|')) : (placeholder[a] ?? fc.constant('x'))));
  return fc.tuple(...parts).map((xs) => [name, ...xs].join(' '));
}

const resultPath = fc.tuple(resultName, fc.constantFrom('', '.error', '.acked', '.total', '.events-0.nextOffset', '.records.0.offset', '.ok')).map(([r, p]) => r + p);
const that = fc.oneof(fc.constantFrom(...probeUsages()).chain(probePhrase), resultPath);
const probeThat = fc.constantFrom(...probeUsages()).chain(probePhrase);
const compared = fc.constantFrom<unknown>(0, 1, 2, 3, 'Stable', null, true, 'v');

// ---- Redis commands --------------------------------------------------------------------------

const redisCommand = fc.constantFrom<unknown>(
  'SET k1 v',
  'GET k1',
  'INCR n',
  'DEL k1',
  'SET user:{i} x EX 1',
  'EXPIRE k1 1',
  'BGSAVE',
  'SAVE',
  'BGREWRITEAOF',
  'FLUSHALL',
  'SHUTDOWN',
  'SHUTDOWN NOSAVE',
  'CONFIG SET appendonly yes',
  'CONFIG SET appendfsync always',
  'CONFIG SET save ""',
  'CONFIG GET save',
  'SELECT 3',
  'MULTI',
  'EXEC',
  'DEBUG SLEEP 0',
  'HSET h f v',
  'LPUSH l a b',
  'INFO persistence',
  'PING',
  'NOSUCHCOMMAND',
  ['SET', 'k2', 'two words'],
  // Settings changed at run time, which no step check sees.
  'CONFIG SET dir /nope',
  'CONFIG SET dir /data',
  'CONFIG SET appendonly no',
  'CONFIG SET save "1 1"',
  'CONFIG SET dbfilename other.rdb',
  'CONFIG SET dbfilename ""',
  'CONFIG SET appendfsync no',
  'CONFIG SET auto-aof-rewrite-percentage 1',
  'CONFIG SET auto-aof-rewrite-min-size 1',
  'CONFIG SET databases 2',
  'CONFIG SET hz 500',
  'CONFIG SET aof-use-rdb-preamble no',
  'CONFIG SET stop-writes-on-bgsave-error no',
  'CONFIG RESETSTAT',
  'CONFIG REWRITE',
  // Edges of the commands themselves.
  'SELECT 15',
  'SELECT 16',
  'SET k1 v PX 1',
  'SET k1 v EX 0',
  'SETEX k1 1 v',
  'EXPIRE k1 -1',
  'PEXPIREAT k1 0',
  'EXPIRE k1 9999999999999',
  'INCRBY n 9223372036854775807',
  'DECRBY n 9223372036854775807',
  'INCR k1',
  'APPEND k1 xyz',
  'GETDEL k1',
  'LPUSH k1 a',
  'LPOP l 5',
  'RPOP l 0',
  'LRANGE l 0 -1',
  'HINCRBY h f 1',
  'HMSET h a 1 b 2',
  'SADD s a b 1 2',
  'SREM s a',
  'OBJECT ENCODING h',
  'MSET a 1 b 2',
  'UNLINK a b',
  'FLUSHALL ASYNC',
  'FLUSHDB',
  'DISCARD',
  'BGSAVE SCHEDULE',
  'LASTSAVE',
  'SHUTDOWN SAVE',
  'INFO everything',
);
const pipeline = fc.oneof(
  fc.array(redisCommand, { minLength: 1, maxLength: 4 }),
  fc.array(redisCommand, { minLength: 1, maxLength: 3 }).map((cs) => ['MULTI', ...cs, 'EXEC']),
);

// ---- arguments of each step -----------------------------------------------------------------

/** Arguments by step kind and field where a type alone would draw implausible ones. */
const BY_FIELD: Record<string, Record<string, Arb>> = {
  '*': {
    topic,
    group,
    as: resultName,
    host,
    broker,
    producer: producerName,
    consumer: consumerName,
    partition: partitionNumber,
    count: smallCount,
    interval,
    because: fc.constant('a reason'),
    'value-bytes': fc.constantFrom(0, 10, 100, 2000),
    value,
    key: keyText,
    keys: fc.array(keyText, { minLength: 1, maxLength: 3 }),
    offset: fc.integer({ min: 0, max: 30 }),
    'start-ago': duration,
    'start-at': instant,
    equals: compared,
    'at-least': fc.integer({ min: 0, max: 5 }),
    'at-most': fc.integer({ min: 0, max: 5 }),
  },
  wait: { for: duration, until: instant },
  expect: { that },
  'wait-until': { that: probeThat, within: duration },
  'kafka-cluster': { brokers: fc.integer({ min: 1, max: 4 }), config: BROKER_CONFIG },
  'create-topic': { name: topic, partitions: fc.integer({ min: 1, max: 4 }), 'replication-factor': fc.integer({ min: 1, max: 4 }), config: TOPIC_CONFIG },
  'add-partitions': { partitions: fc.integer({ min: 1, max: 5 }) },
  fetch: { max: fc.integer({ min: 1, max: 5 }) },
  consume: { max: fc.integer({ min: 1, max: 5 }) },
  'list-offsets': { ago: duration, at: instant },
  'redis-server': {
    config: REDIS_CONFIG,
    'disk-capacity': fc.constantFrom('1kb', '1mb', '1gb', '10'),
    memory: fc.constantFrom('1kb', '1mb', '2gb'),
    'save-rate': fc.constantFrom('1kb', '200mb'),
    'fsync-latency': shortDuration,
  },
  'redis-restart': { config: REDIS_CONFIG },
  redis: { command: redisCommand, pipeline, repeat: fc.integer({ min: 1, max: 10 }), interval: shortDuration },
  'redis-populate': { count: fc.integer({ min: 1, max: 50 }), prefix: fc.constantFrom('key', 'k'), size: fc.constantFrom(0, 4, 100) },
  'redis-fault': { 'disk-capacity': fc.constantFrom('1kb', '1mb', 'unlimited'), 'fsync-latency': shortDuration },
  'redis-edit-aof': { remove: fc.constantFrom('flushall', 'set', 'incr') },
  'redis-log': { last: fc.integer({ min: 1, max: 20 }), match: fc.constantFrom('AOF', 'RDB') },
  'redis-info': { fields: fc.array(fc.constantFrom('aof_enabled', 'rdb_bgsave_in_progress', 'nope'), { minLength: 1, maxLength: 2 }) },
  'redis-keys': { pattern: fc.constantFrom('*', 'key:*', 'user:*'), expected: fc.oneof(fc.integer({ min: 0, max: 10 }), resultPath) },
  'broker-flush': { topic },
  'inspect-log': { broker },
  check: { checkers: fc.array(fc.constantFrom('no-acked-write-lost', 'no-duplicates', 'consumers-below-hw'), { minLength: 1, maxLength: 2 }) },
  producer: { name: producerName, config: PRODUCER_CONFIG },
  send: { count: fc.integer({ min: 1, max: 10 }), from: fc.integer({ min: 0, max: 3 }) },
  'stream-job': { name: jobName, redis: host, interval, 'max-per-partition': fc.integer({ min: 1, max: 5 }) },
  'stream-job-crash': { name: jobName },
  'stream-job-restart': { name: jobName },
  'stream-job-stop': { name: jobName },
  'check-delivery': { name: fc.constantFrom('job', 'j2', 'c1', 'w1', 'results') },
  'consumer-app': {
    name: appName,
    topics: fc.array(topic, { minLength: 1, maxLength: 2 }),
    config: CONSUMER_CONFIG,
    'processing-time': fc.constantFrom('10ms', '100ms', '1s'),
    'poll-timeout': fc.constantFrom('100ms', '1s'),
    redis: host,
    results: fc.constantFrom('results', 'w1'),
  },
  consumer: {
    name: consumerName,
    config: fc.oneof(CONSUMER_CONFIG, group.map((g) => ({ 'group.id': g }))),
    subscribe: fc.array(topic, { minLength: 1, maxLength: 2 }),
    assign: fc.array(topicPartition, { minLength: 1, maxLength: 2 }),
  },
  poll: { timeout: shortDuration },
  'commit-sync': { offsets: fc.dictionary(topicPartition, fc.integer({ min: 0, max: 10 }), { minKeys: 1, maxKeys: 2 }) },
  'commit-async': { offsets: fc.dictionary(topicPartition, fc.integer({ min: 0, max: 10 }), { minKeys: 1, maxKeys: 2 }) },
  seek: { partition: topicPartition },
  'consumer-crash': { name: consumerName },
  'consumer-restart': { name: appName },
  'consumer-stall': { name: appName, for: fc.constantFrom('1s', '10s', '6m') },
  'consumer-close': { name: consumerName },
  'describe-group': { group },
};

/** A value of the field's type when no plausible pool is named above. */
function byType(spec: FieldSpec): Arb {
  if (spec.choices) return fc.constantFrom(...spec.choices);
  const min = spec.min ?? 0;
  switch (spec.type) {
    case 'string':
      return fc.constantFrom('a', 'events', 'x-1');
    case 'integer':
      return fc.integer({ min, max: Math.min(spec.max ?? min + 5, min + 5) });
    case 'number':
      return fc.double({ min, max: Math.min(spec.max ?? min + 5, min + 5), noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'duration':
      return duration;
    case 'instant':
      return instant;
    case 'config':
      return fc.constant({});
    case 'config-file':
      // As the loader hands it over: the file's modelled settings (none here) and the keys it ignores.
      return fc.constantFrom(
        { kind: 'loaded-config-file', path: 'prod.conf', config: {}, ignored: [] },
        { kind: 'loaded-config-file', path: 'prod.conf', config: {}, ignored: ['bind', 'maxmemory'] },
      );
    case 'string-list':
      return fc.array(fc.constantFrom('a', 'events'), { minLength: 1, maxLength: 2 });
    case 'integer-list':
      return fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 });
    case 'scalar':
      return compared;
    case 'any':
      return fc.constantFrom('a', 1);
  }
}

/** A network fault with the fields its kind takes (parseNetworkFault refuses others). */
const networkArgs: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ kind: fc.constant('partition'), between: endpoints, and: endpoints, oneWay: fc.boolean() }, { requiredKeys: ['kind', 'between'] }),
  fc.record({ kind: fc.constant('heal'), between: endpoints, and: endpoints }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('drop'), from: endpoints, to: endpoints, probability: fc.constantFrom(0, 0.1, 0.5, 1) }),
  fc.record(
    { kind: fc.constant('delay'), from: endpoints, to: endpoints, latencyMs: fc.constantFrom(0, 10, 500, 20_000), jitterMs: fc.constantFrom(0, 10) },
    { requiredKeys: ['kind', 'from', 'to', 'latencyMs'] },
  ),
);

function argsOf(kind: string): fc.Arbitrary<Record<string, unknown>> {
  if (kind === 'network') return networkArgs;
  const fields = STEPS.get(kind)!.fields;
  const entries = Object.entries(fields).map(([name, spec]) => {
    const arb = BY_FIELD[kind]?.[name] ?? BY_FIELD['*']![name] ?? byType(spec);
    // Required fields are always given; optional ones now and then (so exclusive pairs are mostly fine).
    return spec.required ? arb.map((v) => [name, v] as const) : fc.option(arb.map((v) => [name, v] as const), { freq: 2, nil: null });
  });
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter((p) => p !== null)));
}

/** Kinds that set the stage; a scenario usually opens with a few of them. */
const SETUP = ['kafka-cluster', 'create-topic', 'create-topic', 'redis-server', 'producer', 'consumer', 'consumer-app', 'stream-job'];
/** Every kind; faults, traffic and the passing of time twice as often, so later steps meet broken systems. */
const KINDS = [...STEPS.keys(), 'broker-crash', 'broker-power-loss', 'broker-restart', 'broker-shutdown', 'network', 'redis-crash', 'redis-power-loss', 'wait', 'produce', 'send'];

const stepOf = (kinds: readonly string[]): fc.Arbitrary<StepSpec> => fc.constantFrom(...kinds).chain((kind) => argsOf(kind).map((args) => ({ kind, args })));

/**
 * A stage most scenarios share, so later steps find something to act on: a
 * cluster with a topic, and now and then a Redis host, a producer, a bare
 * consumer, a consumer application and a stream job, each with the name
 * the pools above use most.
 */
const stage: fc.Arbitrary<StepSpec[]> = fc
  .record({
    brokers: fc.integer({ min: 1, max: 4 }),
    partitions: fc.integer({ min: 1, max: 3 }),
    rf: fc.integer({ min: 1, max: 3 }),
    orders: fc.boolean(),
    redis: fc.boolean(),
    aof: fc.boolean(),
    producer: fc.boolean(),
    consumer: fc.constantFrom('none', 'subscribe', 'assign'),
    app: fc.constantFrom('none', 'auto', 'sync', 'external'),
    job: fc.boolean(),
    traffic: fc.boolean(),
  })
  .map((c) => {
    const steps: StepSpec[] = [
      { kind: 'kafka-cluster', args: { brokers: c.brokers } },
      { kind: 'create-topic', args: { name: 'events', partitions: c.partitions, 'replication-factor': Math.min(c.rf, c.brokers) } },
    ];
    const add = (kind: string, args: Record<string, unknown>): number => steps.push({ kind, args });
    if (c.orders) add('create-topic', { name: 'orders' });
    if (c.redis || c.job || c.app === 'external') add('redis-server', { host: 'redis', config: c.aof ? { appendonly: 'yes' } : {} });
    if (c.producer) add('producer', { name: 'app' });
    if (c.traffic) add('produce', { topic: 'events', count: 5, value: 'm{n}' });
    if (c.consumer === 'subscribe') add('consumer', { name: 'c1', config: { 'group.id': 'g1' }, subscribe: ['events'] });
    if (c.consumer === 'assign') add('consumer', { name: 'c1', assign: ['events-0'] });
    if (c.app !== 'none') add('consumer-app', { name: 'w1', group: 'g2', topics: ['events'], commit: c.app, ...(c.app === 'external' ? { redis: 'redis' } : {}) });
    if (c.job) add('stream-job', { group: 'g3', topic: 'events' });
    return steps;
  });

/** Steps that belong together (a fault and its repair), so the second one meets what the first left. */
const episode: fc.Arbitrary<StepSpec[]> = fc.oneof(
  fc.tuple(broker, fc.constantFrom('broker-crash', 'broker-power-loss', 'broker-shutdown'), duration).map(([id, fault, wait]) => [
    { kind: fault, args: { broker: id } },
    { kind: 'wait', args: { for: wait } },
    { kind: 'broker-restart', args: { broker: id } },
  ]),
  fc.tuple(fc.constantFrom('redis-crash', 'redis-power-loss'), fc.boolean(), fc.constantFrom('set', 'flushall', 'incr')).map(([fault, edit, remove]) => [
    { kind: 'redis', args: { pipeline: ['SET k1 v', 'INCR n', 'FLUSHALL', 'SET k2 w'] } },
    { kind: fault, args: {} },
    ...(edit ? [{ kind: 'redis-edit-aof', args: { remove } }, { kind: 'redis-check-aof', args: { fix: true } }] : []),
    { kind: 'redis-restart', args: { as: 'r1' } },
  ]),
  fc.tuple(fc.constantFrom('consumer-crash', 'consumer-close', 'consumer-stall'), appName).map(([fault, name]) => [
    { kind: fault, args: fault === 'consumer-stall' ? { name, for: '6m' } : { name } },
    { kind: 'consumer-restart', args: { name } },
  ]),
  fc.tuple(fc.option(fc.constantFrom('after-fetch', 'between-writes', 'after-writes'), { nil: undefined }), duration).map(([at, wait]) => [
    { kind: 'stream-job-crash', args: at === undefined ? {} : { at } },
    { kind: 'wait', args: { for: wait } },
    { kind: 'stream-job-restart', args: {} },
    { kind: 'check-delivery', args: {} },
  ]),
  fc.tuple(endpoints, duration).map(([between, wait]) => [
    { kind: 'network', args: { kind: 'partition', between } },
    { kind: 'wait', args: { for: wait } },
    { kind: 'network', args: { kind: 'heal' } },
  ]),
);

export const scenarioSteps = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: stage }, { weight: 1, arbitrary: fc.constant([]) }),
    fc.array(stepOf(SETUP), { minLength: 0, maxLength: 3 }),
    fc.array(fc.oneof({ weight: 4, arbitrary: stepOf(KINDS).map((s) => [s]) }, { weight: 1, arbitrary: episode }), { minLength: 1, maxLength: 6 }),
  )
  .map(([base, setup, rest]) => [...base, ...setup, ...rest.flat()].slice(0, 12).map((s, i) => ({ ...s, location: `fuzz step ${i + 1} (${s.kind})` })));

export function specOf(steps: readonly StepSpec[]): ScenarioSpec {
  return { name: 'fuzz', title: 'fuzz', teaches: 'nothing', source: 'fuzz', steps };
}

/**
 * Validate; drop the steps validation refuses (and any later step that then
 * reads a result no one saves) until what is left validates.
 */
export function validPart(steps: readonly StepSpec[]): ValidatedScenario | null {
  let current = [...steps];
  for (;;) {
    try {
      return validateScenario(specOf(current));
    } catch (error) {
      if (!(error instanceof ScenarioErrors)) throw error;
      const refused = new Set(error.errors.map((e) => e.location));
      current = current.filter((s) => !refused.has(s.location ?? null));
      if (current.length === 0) return null;
    }
  }
}

