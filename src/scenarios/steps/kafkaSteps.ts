/**
 * Scenario steps for the Kafka side: the cluster, topics, producing records,
 * reading them back, and looking offsets up.
 */
import { BROKER_VERSIONS, FOLLOWER_TRUNCATIONS, parseBrokerSettings, type BrokerVersion, type FollowerTruncation } from '../../broker/BrokerConfig';
import { KafkaAdminError } from '../../broker/errors';
import { KafkaConfigError } from '../../broker/kafkaConfigError';
import { topicConfigProblems, type BrokerLogSettings, type TopicConfigOverrides } from '../../broker/LogConfig';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, topicPartitionName, type TopicPartition } from '../../broker/UnifiedLog';
import type { RecordInput } from '../../broker/recordBatch';
import type { TraceValue } from '../../sim/Trace';
import { consumerApps } from '../consumerApps';
import { formatDuration, formatInstant } from '../duration';
import { fromFile, ignoredNotice, mergedConfig, type LoadedConfigFile } from '../configFiles';
import type { ConfigValue } from '../fields';
import { ScenarioError } from '../ScenarioError';
import { defineStep } from '../Step';
import type { World } from '../World';

export class StepFailure extends ScenarioError {}

/**
 * Run an admin operation. Kafka's refusal (an AdminClient exception) stops
 * the scenario, unless the step saves its outcome with `as:`, which is how a
 * scenario shows an error on purpose.
 */
function adminCall<T>(world: World, as: string | undefined, action: () => T): T | undefined {
  try {
    const result = action();
    world.saveResult(as, { error: null });
    return result;
  } catch (error) {
    if (!(error instanceof KafkaAdminError)) throw error;
    world.say('detail', `${error.exception}: ${error.message}`);
    world.sim.trace.emit('admin.error', { error: error.error, exception: error.exception, message: error.message });
    if (as === undefined) throw new StepFailure(`${error.exception}: ${error.message}`);
    world.saveResult(as, { error: error.error, exception: error.exception, message: error.message });
    return undefined;
  }
}

function requirePartition(world: World, tp: TopicPartition): void {
  const topic = world.kafka.topic(tp.topic);
  if (topic === undefined) throw new StepFailure(`topic '${tp.topic}' does not exist (create it first)`);
  if (tp.partition >= topic.partitions.length) {
    throw new StepFailure(`${tp.topic} has ${topic.partitions.length} partition(s); there is no partition ${tp.partition}`);
  }
}

/** Partitions a step addresses: the one given, or every partition of the topic. */
function partitionsOf(world: World, topic: string, partition: number | undefined): number[] {
  const t = world.kafka.topic(topic);
  if (t === undefined) throw new StepFailure(`topic '${topic}' does not exist (create it first)`);
  if (partition !== undefined) {
    requirePartition(world, { topic, partition });
    return [partition];
  }
  return t.partitions.map((_, i) => i);
}

const TOPIC_FIELD = { type: 'string', required: true, description: 'topic name' } as const;
/** Every partition is a real log on each of its replicas: beyond this a scenario exhausts the simulator's memory. */
const MAX_PARTITIONS = 10_000;
const MAX_PARTITIONS_REASON = "faultline's bound, not Kafka's: every partition's replicas are simulated in memory";
const AS_FIELD = { type: 'string', description: 'save the result under this name for expectations' } as const;

// ---- cluster and topics ---------------------------------------------------------

export const kafkaClusterStep = defineStep<{ brokers?: number; config?: Record<string, ConfigValue>; 'config-file'?: LoadedConfigFile; version?: BrokerVersion; 'follower-truncation'?: FollowerTruncation }>({
  kind: 'kafka-cluster',
  summary: 'start a Kafka cluster with N brokers and server.properties settings',
  fields: {
    brokers: { type: 'integer', min: 1, max: 50, description: 'number of brokers (ids 1..N)' },
    config: { type: 'config', description: 'broker settings, e.g. log.retention.check.interval.ms' },
    'config-file': { type: 'config-file', format: 'server.properties', description: "a server.properties, relative to the scenario file; 'config' entries override its settings" },
    version: { type: 'string', choices: BROKER_VERSIONS, description: "the brokers' version (default 4.0; before 3.7 the high watermark ignores min.insync.replicas)" },
    'follower-truncation': {
      type: 'string',
      choices: FOLLOWER_TRUNCATIONS,
      description: 'leader-epoch (KIP-101, the default) or high-watermark (before Kafka 0.11)',
    },
  },
  check: (a) => {
    try {
      parseBrokerSettings(mergedConfig(a['config-file'], a.config) ?? {});
      return [];
    } catch (error) {
      if (error instanceof KafkaConfigError) return [error.message];
      throw error;
    }
  },
  describe: (a) =>
    `Start a Kafka cluster of ${a.brokers ?? 1} broker(s)${a.version ? ` (Kafka ${a.version})` : ''}${a['follower-truncation'] ? ` with ${a['follower-truncation']} truncation` : ''}${fromFile(a['config-file'])}${a.config ? ` with ${formatConfig(a.config)}` : ''}`,
  run: (world, a) => {
    const notice = ignoredNotice(a['config-file']);
    if (notice !== null) world.say('detail', notice);
    // Values from a file are text ("168"); KafkaCluster parses them as Kafka's ConfigDef does.
    const settings = (mergedConfig(a['config-file'], a.config) ?? {}) as BrokerLogSettings;
    const ids = Array.from({ length: a.brokers ?? 1 }, (_, i) => i + 1);
    const replication = { version: a.version, followerTruncation: a['follower-truncation'] };
    if (world.hasKafka) {
      world.say('detail', 'a new cluster on the same clock; the previous one is halted');
      // Its consumer applications stop with it (their consumers are gone); consumer-restart starts one again there.
      for (const [name, app] of consumerApps(world)) {
        if (app.state !== 'running' || app.options.cluster !== world.kafka) continue;
        app.crash();
        world.say('detail', `consumer application ${name} stops with it`);
      }
      world.kafka.halt();
      world.startAnotherKafka(ids, settings, replication);
    } else {
      world.configureKafka(ids, settings, replication);
    }
    void world.kafka;
  },
});

export const createTopicStep = defineStep<{ name: string; partitions?: number; 'replication-factor'?: number; config?: Record<string, ConfigValue>; as?: string }>({
  kind: 'create-topic',
  summary: 'kafka-topics --create: a topic with partitions, replication factor and topic configs',
  shorthand: 'name',
  fields: {
    name: { type: 'string', required: true, description: 'topic name' },
    partitions: { type: 'integer', min: 1, max: MAX_PARTITIONS, maxReason: MAX_PARTITIONS_REASON, description: `number of partitions (default 1, at most ${MAX_PARTITIONS})` },
    'replication-factor': { type: 'integer', min: 1, description: 'replicas per partition (default 1)' },
    config: { type: 'config', description: 'topic configs, e.g. retention.ms, segment.bytes' },
    as: AS_FIELD,
  },
  check: (a) => topicConfigProblems(a.config ?? {}),
  describe: (a) =>
    `Create topic ${a.name} with ${a.partitions ?? 1} partition(s), replication factor ${a['replication-factor'] ?? 1}` +
    (a.config ? `, ${formatConfig(a.config)}` : ''),
  run: (world, a) => {
    adminCall(world, a.as, () =>
      world.kafka.createTopic(a.name, {
        partitions: a.partitions,
        replicationFactor: a['replication-factor'],
        config: a.config as TopicConfigOverrides | undefined,
      }),
    );
  },
});

export const addPartitionsStep = defineStep<{ topic: string; partitions: number; as?: string }>({
  kind: 'add-partitions',
  summary: 'kafka-topics --alter --partitions N: grow a topic to N partitions',
  fields: {
    topic: TOPIC_FIELD,
    partitions: { type: 'integer', required: true, min: 1, max: MAX_PARTITIONS, maxReason: MAX_PARTITIONS_REASON, description: `the new total number of partitions (at most ${MAX_PARTITIONS})` },
    as: AS_FIELD,
  },
  describe: (a) => `Grow topic ${a.topic} to ${a.partitions} partitions`,
  run: (world, a) => void adminCall(world, a.as, () => world.kafka.addPartitions(a.topic, a.partitions)),
});

export const deleteTopicStep = defineStep<{ topic: string }>({
  kind: 'delete-topic',
  summary: 'kafka-topics --delete',
  shorthand: 'topic',
  fields: { topic: TOPIC_FIELD },
  describe: (a) => `Delete topic ${a.topic}`,
  run: (world, a) => void adminCall(world, undefined, () => world.kafka.deleteTopic(a.topic)),
});

export const describeTopicStep = defineStep<{ topic: string }>({
  kind: 'describe-topic',
  summary: 'kafka-topics --describe: print the topic as Kafka does',
  shorthand: 'topic',
  fields: { topic: TOPIC_FIELD },
  describe: (a) => `kafka-topics --describe --topic ${a.topic}`,
  run: (world, a) => {
    const text = adminCall(world, undefined, () => world.kafka.describeTopic(a.topic))!;
    for (const line of text.split('\n')) world.say('detail', line);
  },
});

// ---- producing ------------------------------------------------------------------

interface ProduceArgs {
  topic: string;
  count?: number;
  partition?: number;
  key?: string;
  keys?: string[];
  value?: string;
  'value-bytes'?: number;
  interval?: number;
  producer?: string;
  as?: string;
}

export const produceStep = defineStep<ProduceArgs>({
  kind: 'produce',
  summary: 'produce N records (keyed, to a partition, or spread by the partitioner), optionally one every interval',
  fields: {
    topic: TOPIC_FIELD,
    count: { type: 'integer', min: 1, max: 10_000_000, description: 'number of records (default 1)' },
    partition: { type: 'integer', min: 0, description: 'explicit partition' },
    key: { type: 'string', description: 'the key of every record' },
    keys: { type: 'string-list', description: 'keys used in turn' },
    value: { type: 'string', description: "value text; '{n}' is replaced by the record's number" },
    'value-bytes': { type: 'integer', min: 0, description: 'value size when no text is given (default 100)' },
    interval: { type: 'duration', description: 'time between records (default 0: all at once)' },
    producer: { type: 'string', description: 'producer name (its partitioner state), default "producer"' },
    as: AS_FIELD,
  },
  check: (a) => (a.key !== undefined && a.keys !== undefined ? ["give either 'key' or 'keys', not both"] : []),
  describe: (a) => {
    const count = a.count ?? 1;
    const where = a.partition !== undefined ? `${a.topic}-${a.partition}` : a.topic;
    const keyed = a.key !== undefined ? ` with key '${a.key}'` : a.keys !== undefined ? ` with keys ${a.keys.join(', ')}` : '';
    const pace = a.interval ? `, one every ${formatDuration(a.interval)}` : '';
    return `Produce ${count} record(s) to ${where}${keyed}${pace}`;
  },
  run: (world, a) => {
    const count = a.count ?? 1;
    const interval = a.interval ?? 0;
    const topic = world.kafka.topic(a.topic);
    if (topic === undefined) throw new StepFailure(`topic '${a.topic}' does not exist (create it first)`);
    if (a.partition !== undefined) requirePartition(world, { topic: a.topic, partition: a.partition });
    const partitioner = world.partitioner(a.producer ?? 'producer');
    const perPartition = new Map<number, { first: number; last: number; count: number }>();
    // Records produced at the same instant go out as one batch per partition.
    let pending = new Map<number, RecordInput[]>();
    const flush = (): void => {
      for (const [partition, records] of [...pending].sort((x, y) => x[0] - y[0])) {
        const result = world.kafka.produce({ topic: a.topic, partition }, records);
        if ('error' in result) throw new StepFailure(`produce to ${a.topic}-${partition} failed: ${result.error}: ${result.message}`);
        for (const record of records) {
          if (typeof record.value !== 'string') continue;
          let values = world.producedValues.get(a.topic);
          if (values === undefined) world.producedValues.set(a.topic, (values = []));
          values.push(record.value);
        }
        const seen = perPartition.get(partition);
        perPartition.set(partition, {
          first: seen?.first ?? result.firstOffset,
          last: result.lastOffset,
          count: (seen?.count ?? 0) + result.recordCount,
        });
      }
      pending = new Map();
    };
    for (let n = 0; n < count; n++) {
      if (n > 0 && interval > 0) {
        flush();
        world.sim.advance(interval);
      }
      const key = a.key ?? (a.keys !== undefined ? a.keys[n % a.keys.length]! : null);
      const value = a.value !== undefined ? a.value.replaceAll('{n}', String(n)) : undefined;
      const record: RecordInput =
        value !== undefined || key !== null
          ? { key, value: value ?? 'x'.repeat(a['value-bytes'] ?? 100), timestampMs: world.nowMs }
          : { keySizeBytes: -1, valueSizeBytes: a['value-bytes'] ?? 100, timestampMs: world.nowMs };
      const numPartitions = topic.partitions.length;
      const available = topic.partitions.filter((p) => p.hasLeader).map((p) => p.topicPartition.partition);
      const partition = partitioner.assign({ topic: a.topic, partition: a.partition ?? null, key }, { numPartitions, availablePartitions: available }, 0);
      let list = pending.get(partition);
      if (list === undefined) pending.set(partition, (list = []));
      list.push(record);
    }
    flush();
    const summary: { [key: string]: TraceValue } = {};
    for (const [partition, r] of [...perPartition].sort((x, y) => x[0] - y[0])) {
      summary[`${a.topic}-${partition}`] = { firstOffset: r.first, lastOffset: r.last, count: r.count };
      world.say('detail', `${a.topic}-${partition}: offsets ${r.first}..${r.last} (${r.count} record(s))`);
    }
    world.saveResult(a.as, summary);
  },
});

// ---- reading --------------------------------------------------------------------

export const fetchStep = defineStep<{ topic: string; partition?: number; offset?: number; group?: string; max?: number; as?: string }>({
  kind: 'fetch',
  summary: 'fetch from a partition at an offset (or at the offset a group stored), as a consumer would',
  fields: {
    topic: TOPIC_FIELD,
    partition: { type: 'integer', min: 0, description: 'partition (default 0)' },
    offset: { type: 'integer', min: 0, description: 'offset to fetch from' },
    group: { type: 'string', description: 'fetch from the offset this group stored instead' },
    max: { type: 'integer', min: 1, description: 'at most this many records (default all up to the high watermark)' },
    as: AS_FIELD,
  },
  check: (a) => ((a.offset === undefined) === (a.group === undefined) ? ["give exactly one of 'offset' or 'group'"] : []),
  describe: (a) =>
    a.group !== undefined
      ? `Fetch ${a.topic}-${a.partition ?? 0} from the offset group ${a.group} stored`
      : `Fetch ${a.topic}-${a.partition ?? 0} from offset ${a.offset}`,
  run: (world, a) => {
    const tp = { topic: a.topic, partition: a.partition ?? 0 };
    requirePartition(world, tp);
    let offset = a.offset;
    if (a.group !== undefined) {
      offset = world.storedOffsetsFor(a.group, a.topic).get(tp.partition);
      if (offset === undefined) throw new StepFailure(`group ${a.group} stored no offset for ${topicPartitionName(tp)}`);
    }
    const response = world.kafka.fetch(tp, offset!, { maxRecords: a.max });
    if (response.error !== null) {
      world.sim.trace.emit('fetch.error', { partition: topicPartitionName(tp), offset: offset!, error: response.error, message: response.message });
      world.say('detail', `${response.error}: ${response.message}`);
      world.saveResult(a.as, { error: response.error, message: response.message, offset: offset!, records: 0 });
      return;
    }
    const first = response.records[0]?.offset ?? null;
    const last = response.records[response.records.length - 1]?.offset ?? null;
    world.say('detail', response.records.length === 0 ? `no records at ${offset} (high watermark ${response.highWatermark})` : `read offsets ${first}..${last} (${response.records.length} record(s))`);
    world.saveResult(a.as, { error: null, offset: offset!, records: response.records.length, firstOffset: first, lastOffset: last, nextOffset: response.nextOffset });
  },
});

export const consumeStep = defineStep<{ topic: string; group: string; partition?: number; max?: number; 'auto.offset.reset'?: string; as?: string }>({
  kind: 'consume',
  summary: 'read from the offsets a group stored (or auto.offset.reset), process, and store the next offsets',
  fields: {
    topic: TOPIC_FIELD,
    group: { type: 'string', required: true, description: 'consumer group (key of the offset store)' },
    partition: { type: 'integer', min: 0, description: 'only this partition (default: all)' },
    max: { type: 'integer', min: 1, description: 'at most this many records per partition' },
    'auto.offset.reset': { type: 'string', choices: ['earliest', 'latest', 'none'], description: 'where to start without a stored offset (default earliest)' },
    as: AS_FIELD,
  },
  describe: (a) => `Group ${a.group} consumes ${a.partition !== undefined ? `${a.topic}-${a.partition}` : a.topic} from its stored offsets, then stores where it got to`,
  run: (world, a) => {
    const summary: { [key: string]: TraceValue } = {};
    let total = 0;
    for (const partition of partitionsOf(world, a.topic, a.partition)) {
      const tp = { topic: a.topic, partition };
      const name = topicPartitionName(tp);
      let offset = world.storedOffsetsFor(a.group, a.topic).get(partition);
      if (offset === undefined) {
        const reset = a['auto.offset.reset'] ?? 'earliest';
        if (reset === 'none') throw new StepFailure(`NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [${name}]`);
        const listed = world.kafka.listOffsets(tp, reset === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP);
        if (listed.error !== null) throw new StepFailure(`${listed.error}: ${listed.message}`);
        offset = listed.offset;
      }
      const response = world.kafka.fetch(tp, offset, { maxRecords: a.max });
      if (response.error !== null) {
        world.sim.trace.emit('fetch.error', { partition: name, offset, error: response.error, message: response.message });
        world.say('detail', `${name}: ${response.error}: ${response.message}`);
        summary[name] = { error: response.error, offset, records: 0 };
        continue;
      }
      total += response.records.length;
      world.count('records consumed', response.records.length);
      if (response.records.length > 0) world.storeOffset(a.group, a.topic, partition, response.nextOffset);
      world.say('detail', `${name}: read ${response.records.length} record(s) from offset ${offset}; next offset ${response.nextOffset}`);
      summary[name] = { error: null, offset, records: response.records.length, nextOffset: response.nextOffset };
    }
    summary.total = total;
    world.saveResult(a.as, summary);
  },
});

export const listOffsetsStep = defineStep<{ topic: string; partition?: number; at?: number; ago?: number; timestamp?: string; as?: string }>({
  kind: 'list-offsets',
  summary: 'offsetsForTimes / beginningOffsets / endOffsets: the offset for a time, or the earliest or latest',
  fields: {
    topic: TOPIC_FIELD,
    partition: { type: 'integer', min: 0, description: 'only this partition (default: all)' },
    at: { type: 'instant', description: 'first record at or after this instant' },
    ago: { type: 'duration', description: 'first record at or after now minus this' },
    timestamp: { type: 'string', choices: ['earliest', 'latest'], description: 'the earliest or latest offset' },
    as: AS_FIELD,
  },
  check: (a) => ([a.at, a.ago, a.timestamp].filter((v) => v !== undefined).length !== 1 ? ["give exactly one of 'at', 'ago' or 'timestamp'"] : []),
  describe: (a) =>
    a.timestamp !== undefined
      ? `List the ${a.timestamp} offsets of ${a.topic}`
      : a.ago !== undefined
        ? `Look up offsets of ${a.topic} for ${formatDuration(a.ago)} ago (offsetsForTimes)`
        : `Look up offsets of ${a.topic} for ${formatInstant(a.at!)} (offsetsForTimes)`,
  run: (world, a) => {
    const timestampMs =
      a.timestamp === 'earliest' ? EARLIEST_TIMESTAMP : a.timestamp === 'latest' ? LATEST_TIMESTAMP : a.ago !== undefined ? world.nowMs - a.ago : a.at!;
    const summary: { [key: string]: TraceValue } = {};
    for (const partition of partitionsOf(world, a.topic, a.partition)) {
      const tp = { topic: a.topic, partition };
      const result = world.kafka.listOffsets(tp, timestampMs);
      if (result.error !== null) throw new StepFailure(`${result.error}: ${result.message}`);
      const offset = result.offset < 0 ? null : result.offset;
      summary[topicPartitionName(tp)] = offset;
      world.say(
        'detail',
        offset === null
          ? `${topicPartitionName(tp)}: null (no record at or after ${formatInstant(timestampMs)})`
          : `${topicPartitionName(tp)}: offset ${offset}${result.timestampMs >= 0 ? ` (record timestamp ${formatInstant(result.timestampMs)})` : ''}`,
      );
    }
    world.saveResult(a.as, summary);
  },
});

export const lookupOffsetStep = defineStep<{ topic: string; partition?: number; offset: number; as?: string }>({
  kind: 'lookup-offset',
  summary: 'show how the sparse offset index finds an offset: the entry it lands on and how far it scans',
  fields: {
    topic: TOPIC_FIELD,
    partition: { type: 'integer', min: 0, description: 'partition (default 0)' },
    offset: { type: 'integer', required: true, min: 0, description: 'the offset to find' },
    as: AS_FIELD,
  },
  describe: (a) => `Find offset ${a.offset} in ${a.topic}-${a.partition ?? 0} through the sparse index`,
  run: (world, a) => {
    const tp = { topic: a.topic, partition: a.partition ?? 0 };
    requirePartition(world, tp);
    const view = world.kafka.partition(tp)!;
    // The index walked is the leader's; with every replica down there is none to read.
    if (!view.hasLeader) throw new StepFailure(`${topicPartitionName(tp)} has no leader now (replicas: ${view.replicas.join(', ')}): there is no leader's log to find offset ${a.offset} in`);
    const log = view.leaderLog();
    const lookup = log.explainOffsetLookup(a.offset);
    if (lookup === null) {
      world.say('detail', `offset ${a.offset} is outside [${log.logStartOffset}, ${log.logEndOffset})`);
      world.saveResult(a.as, null);
      return;
    }
    const segment = log.logSegments.find((s) => s.baseOffset === lookup.segmentBaseOffset)!;
    const batch = lookup.batchIndex >= 0 ? segment.batches[lookup.batchIndex]! : null;
    world.say(
      'detail',
      `segment ${String(lookup.segmentBaseOffset).padStart(20, '0')}.log (${segment.offsetIndex.entries} index entries over ${segment.sizeBytes} bytes)`,
    );
    world.say(
      'detail',
      lookup.indexSlot < 0
        ? `the index has no entry at or below ${a.offset}: scan from position 0`
        : `index entry #${lookup.indexSlot}: offset ${lookup.indexEntry.offset} at position ${lookup.indexEntry.position} (largest entry <= ${a.offset})`,
    );
    world.say(
      'detail',
      `scanned ${lookup.batchesScanned} batch header(s), skipping ${lookup.bytesScanned} bytes, to the batch holding offsets ${batch?.baseOffset}..${batch?.lastOffset} at position ${batch?.position}`,
    );
    world.saveResult(a.as, {
      segment: lookup.segmentBaseOffset,
      indexSlot: lookup.indexSlot,
      indexOffset: lookup.indexEntry.offset,
      indexPosition: lookup.indexEntry.position,
      batchesScanned: lookup.batchesScanned,
      bytesScanned: lookup.bytesScanned,
      batchBaseOffset: batch?.baseOffset ?? null,
      batchPosition: batch?.position ?? null,
    });
  },
});

export function formatConfig(config: Readonly<Record<string, ConfigValue>>): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}
