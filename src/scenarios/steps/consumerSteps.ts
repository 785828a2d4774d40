/**
 * Scenario steps for consumers and their groups:
 *
 *   - consumer-app: { name: worker-1, group: orders, topics: [events], commit: auto, processing: hand-off, processing-time: 100ms }
 *       an application that polls, processes and commits on its own (see
 *       src/app/ConsumerApplication.ts); `check-delivery: worker-1` counts what
 *       it lost and processed twice
 *   - consumer: { name: c1, config: { group.id: orders, auto.offset.reset: earliest }, subscribe: [events] }
 *       a bare consumer client, driven by poll / commit-sync / seek steps
 *   - poll: { consumer: c1, timeout: 5s, as: got }
 *   - commit-sync: { consumer: c1, offsets: { events-0: 5 }, as: commit }
 *   - commit-async: { consumer: c1 }
 *   - seek: { consumer: c1, partition: events-0, offset: 3 }   (or to: beginning / end)
 *   - consumer-crash: worker-1        kill -9: no commit, no LeaveGroup
 *   - consumer-restart: worker-1      a new process joins the group (same client.id)
 *   - consumer-close: worker-1        close(): auto-commit if enabled, LeaveGroup
 *   - describe-group: { group: orders, as: g }   kafka-consumer-groups --describe
 * Steps that wait (poll, commit-sync, consumer-close) let simulated time pass
 * until they are answered.
 */
import { checkApplicationModes, COMMIT_MODES, ConsumerApplication, PROCESSING_MODES, type CommitMode, type ProcessingMode } from '../../app/ConsumerApplication';
import { MemorySink, RedisSink, type DeliverySink } from '../../app/DeliverySink';
import { parseConsumerConfig } from '../../broker/consumer/ConsumerConfig';
import { ConsumerError, type CommitOutcome, type KafkaConsumer, type PollResult } from '../../broker/consumer/KafkaConsumer';
import { KafkaConfigError } from '../../broker/kafkaConfigError';
import type { TraceValue } from '../../sim/Trace';
import { consumerApps, consumerNamed } from '../consumerApps';
import '../consumerNarration';
import '../consumerProbes';
import { formatDuration } from '../duration';
import { fromFile, ignoredNotice, mergedConfig, withConfigFile, type LoadedConfigFile } from '../configFiles';
import type { ConfigValue } from '../fields';
import { parseTopicPartition } from '../probes';
import { defineStep } from '../Step';
import type { World } from '../World';
import { clientIdTaken, clientNameProblems, reservedClientIdProblem } from './clientIds';
import { formatConfig, StepFailure } from './kafkaSteps';

const AS_FIELD = { type: 'string', description: 'save the result under this name for expectations' } as const;

function checkConfig(config: Record<string, unknown>): string[] {
  try {
    parseConsumerConfig(config);
    return [];
  } catch (error) {
    if (error instanceof KafkaConfigError) return [`${error.name}: ${error.message}`];
    throw error;
  }
}

function requireConsumer(world: World, name: string): KafkaConsumer {
  const consumer = consumerNamed(world, name);
  if (consumer === undefined) throw new StepFailure(`no consumer or consumer application '${name}' (create one with a consumer or consumer-app step)`);
  return consumer;
}

/** The application whose poll loop drives this consumer, if one does. */
function drivingApp(world: World, consumer: KafkaConsumer): string | undefined {
  for (const [name, app] of consumerApps(world)) if (app.consumer === consumer) return name;
  return undefined;
}

/**
 * Refuse a second running consumer with a client.id (the client's network
 * endpoint and its name in steps); `replacing` is the one about to give it up.
 */
function requireClientIdFree(world: World, clientId: string, replacing?: KafkaConsumer): void {
  const taken = clientIdTaken(world, clientId, 'consumer');
  if (taken !== null) throw new StepFailure(taken);
  const existing = world.kafka.consumer(clientId);
  if (existing !== undefined && existing !== replacing && !existing.isClosed()) {
    const app = drivingApp(world, existing);
    throw new StepFailure(`a consumer with client.id '${clientId}' is already running${app !== undefined && app !== clientId ? ` (application ${app}'s)` : ''}; crash or close it first`);
  }
}

/** A misuse Java answers with an exception (seek on an unassigned partition, ...) stops the scenario with its text. */
function call<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof ConsumerError) throw new StepFailure(error.message);
    throw error;
  }
}

/** Run the simulation until `done()` holds, at most `boundMs`. */
function runUntil(world: World, done: () => boolean, boundMs: number, what: string): void {
  const sim = world.sim;
  if (done()) return;
  let expired = false;
  const stop = sim.schedule(boundMs, `${what} bound`, () => {
    expired = true;
  });
  sim.runWhile(() => !done() && !expired);
  sim.cancel(stop);
  if (!done()) throw new StepFailure(`${what} had no answer after ${formatDuration(boundMs)}`);
}

// ---- applications ---------------------------------------------------------------------------

interface ConsumerAppArgs {
  name: string;
  group: string;
  topics: string[];
  config?: Record<string, ConfigValue>;
  'config-file'?: LoadedConfigFile;
  commit?: CommitMode;
  processing?: ProcessingMode;
  'processing-time'?: number;
  'poll-timeout'?: number;
  redis?: string;
  results?: string;
}

/** Result stores shared by the applications of a world, by name (the members of a group write to one). */
const sinksByWorld = new WeakMap<World, Map<string, DeliverySink>>();

function appConfig(a: ConsumerAppArgs): Record<string, unknown> {
  return { 'client.id': a.name, ...(mergedConfig(a['config-file'], a.config) ?? {}), 'group.id': a.group };
}

export const consumerAppStep = defineStep<ConsumerAppArgs>({
  kind: 'consumer-app',
  summary: 'start a consumer application: a poll loop in a group that processes records at its pace, writes a result per record, and commits (auto, sync, async, or external: results and offsets in one Redis MULTI/EXEC)',
  fields: {
    name: { type: 'string', required: true, description: "the application's name (its consumer's client.id unless config sets one)" },
    group: { type: 'string', required: true, description: 'group.id' },
    topics: { type: 'string-list', required: true, description: 'topics it subscribes to' },
    config: { type: 'config', description: 'consumer configs with Kafka key names (auto.offset.reset, max.poll.records, ...)' },
    'config-file': { type: 'config-file', format: 'consumer.properties', description: "a consumer.properties, relative to the scenario file; 'config' entries override its settings, and 'group' its group.id" },
    commit: { type: 'string', choices: COMMIT_MODES, description: 'how it commits (default auto: enable.auto.commit)' },
    processing: { type: 'string', choices: PROCESSING_MODES, description: 'in-loop: process before the next poll (default); hand-off: queue records to a worker and poll again' },
    'processing-time': { type: 'duration', description: 'time to process one record (default 10ms)' },
    'poll-timeout': { type: 'duration', min: 1, description: 'the poll(Duration) timeout (default 1s)' },
    redis: { type: 'string', description: 'the Redis host results (and, with commit external, offsets) go to (default: a durable in-memory store)' },
    results: { type: 'string', description: "where results are counted: applications with the same name share it, and check-delivery takes it (default: the application's name)" },
  },
  check: (a) => {
    const problems = checkConfig(appConfig(a));
    const reserved = reservedClientIdProblem(String(appConfig(a)['client.id']));
    if (reserved !== null) problems.push(reserved);
    const modes = checkApplicationModes(a.commit ?? 'auto', a.processing ?? 'in-loop');
    if (modes !== null) problems.push(modes);
    if (a.commit === 'external' && a.redis === undefined) problems.push("commit 'external' keeps offsets in Redis: give 'redis'");
    return problems;
  },
  describe: (a) =>
    `Start consumer application ${a.name} in group ${a.group} reading ${a.topics.join(', ')}: commit ${a.commit ?? 'auto'}, ${a.processing ?? 'in-loop'} processing of ${formatDuration(a['processing-time'] ?? 10)} per record` +
    (a.redis !== undefined ? `, results in Redis '${a.redis}'` : '') +
    (a['config-file'] ? `, configs${fromFile(a['config-file'])}` : '') +
    (a.config ? `, ${formatConfig(a.config)}` : ''),
  run: (world, a) => {
    const notice = ignoredNotice(a['config-file']);
    if (notice !== null) world.say('detail', notice);
    const apps = consumerApps(world);
    if (apps.has(a.name)) throw new StepFailure(`a consumer application named '${a.name}' already exists (use consumer-restart)`);
    for (const topic of a.topics) if (world.kafka.topic(topic) === undefined) throw new StepFailure(`topic '${topic}' does not exist`);
    const resultsName = a.results ?? a.name;
    let sinks = sinksByWorld.get(world);
    if (sinks === undefined) sinksByWorld.set(world, (sinks = new Map()));
    let sink = sinks.get(resultsName);
    if (sink === undefined) {
      if (a.redis !== undefined) {
        const host = world.redisHosts.get(a.redis);
        if (host === undefined) throw new StepFailure(`no Redis host '${a.redis}' (start one with a redis-server step)`);
        sink = new RedisSink(host, `results:${resultsName}`);
      } else {
        sink = new MemorySink();
      }
      sinks.set(resultsName, sink);
      const s = sink;
      world.deliveryTargets.set(resultsName, { topics: a.topics, counts: () => s.counts() });
    } else if (sink.name !== (a.redis === undefined ? 'memory' : `redis '${a.redis}'`)) {
      throw new StepFailure(`results '${resultsName}' are already kept in ${sink.name}`);
    }
    requireClientIdFree(world, String(appConfig(a)['client.id']));
    const app = new ConsumerApplication({
      name: a.name,
      cluster: world.kafka,
      consumerConfig: appConfig(a),
      topics: a.topics,
      commit: a.commit ?? 'auto',
      processing: a.processing ?? 'in-loop',
      processingMsPerRecord: a['processing-time'] ?? 10,
      pollTimeoutMs: a['poll-timeout'] ?? 1_000,
      sink,
    });
    apps.set(a.name, app);
    const c = app.consumer.config;
    world.say(
      'detail',
      `${app.consumer.clientId}: enable.auto.commit=${c.enableAutoCommit} auto.commit.interval.ms=${c.autoCommitIntervalMs} auto.offset.reset=${c.autoOffsetReset} max.poll.records=${c.maxPollRecords} max.poll.interval.ms=${c.maxPollIntervalMs} session.timeout.ms=${c.sessionTimeoutMs}`,
    );
  },
});

// ---- bare consumers --------------------------------------------------------------------------

interface ConsumerArgs {
  name: string;
  config?: Record<string, ConfigValue>;
  'config-file'?: LoadedConfigFile;
  subscribe?: string[];
  assign?: string[];
}

export const consumerStep = defineStep<ConsumerArgs>({
  kind: 'consumer',
  summary: "create a consumer client with Kafka's consumer configs and subscribe it to topics (group management) or assign it partitions; poll, commit-sync and seek steps drive it",
  shorthand: 'name',
  fields: {
    name: { type: 'string', required: true, description: 'its client.id and network endpoint' },
    config: { type: 'config', description: 'consumer configs with Kafka key names (group.id, auto.offset.reset, ...)' },
    'config-file': { type: 'config-file', format: 'consumer.properties', description: "a consumer.properties, relative to the scenario file; 'config' entries override its settings" },
    subscribe: { type: 'string-list', description: 'topics to subscribe to' },
    assign: { type: 'string-list', description: "partitions to assign, e.g. ['events-0']" },
  },
  check: (given) => {
    const a = withConfigFile(given);
    const problems = checkConfig({ 'client.id': a.name, ...(a.config ?? {}) });
    problems.push(...clientNameProblems('consumer', a.name, a.config));
    if (a.subscribe !== undefined && a.assign !== undefined) problems.push("give 'subscribe' or 'assign', not both");
    for (const tp of a.assign ?? []) if (parseTopicPartition(tp) === null) problems.push(`'${tp}' is not a partition like events-0`);
    return problems;
  },
  describe: (a) =>
    `Create consumer ${a.name}${fromFile(a['config-file'])}${a.config ? ` with ${formatConfig(a.config)}` : ''}` +
    (a.subscribe ? `, subscribed to ${a.subscribe.join(', ')}` : a.assign ? `, assigned ${a.assign.join(', ')}` : ''),
  run: (world, given) => {
    const a = withConfigFile(given);
    const notice = ignoredNotice(a['config-file']);
    if (notice !== null) world.say('detail', notice);
    requireClientIdFree(world, a.name);
    const consumer = world.kafka.createConsumer({ 'client.id': a.name, ...(a.config ?? {}) });
    call(() => {
      if (a.subscribe !== undefined) consumer.subscribe(a.subscribe);
      if (a.assign !== undefined) consumer.assign(a.assign.map((tp) => parseTopicPartition(tp)!));
    });
  },
});

export const pollStep = defineStep<{ consumer: string; timeout?: number; as?: string }>({
  kind: 'poll',
  summary: "KafkaConsumer.poll(timeout): wait until records arrive (or the timeout passes) and report them, or the exception poll() throws",
  shorthand: 'consumer',
  fields: { consumer: { type: 'string', required: true, description: 'the consumer' }, timeout: { type: 'duration', description: 'the poll timeout (default 5s)' }, as: AS_FIELD },
  describe: (a) => `${a.consumer}: poll(${formatDuration(a.timeout ?? 5_000)})`,
  run: (world, a) => {
    const consumer = requireConsumer(world, a.consumer);
    const app = drivingApp(world, consumer);
    if (app !== undefined) throw new StepFailure(`${a.consumer} is ${app === a.consumer ? 'a consumer application' : `application ${app}'s consumer`}: its poll loop polls, a poll step cannot`);
    if (consumer.polling) throw new StepFailure(`${a.consumer} is already polling`);
    let result: PollResult | null = null;
    const timeoutMs = a.timeout ?? 5_000;
    call(() => consumer.poll(timeoutMs, (r) => (result = r)));
    runUntil(world, () => result !== null, timeoutMs + 120_000, `poll of ${a.consumer}`);
    const r = result as unknown as PollResult;
    if (r.error !== null) {
      world.say('detail', `${r.error.exception}: ${r.error.message}`);
      world.saveResult(a.as, { records: 0, exception: r.error.exception, message: r.error.message });
      return;
    }
    const perPartition = new Map<string, { first: number; last: number; count: number }>();
    const values: string[] = [];
    for (const rec of r.records) {
      const name = `${rec.topic}-${rec.partition}`;
      const seen = perPartition.get(name);
      perPartition.set(name, { first: seen?.first ?? rec.offset, last: rec.offset, count: (seen?.count ?? 0) + 1 });
      values.push(rec.value ?? '');
    }
    const summary: { [key: string]: TraceValue } = { records: r.records.count, exception: null, message: null, values: values.join(',') };
    for (const [name, p] of [...perPartition].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
      summary[name] = { firstOffset: p.first, lastOffset: p.last, count: p.count };
      world.say('detail', `${name}: offsets ${p.first}..${p.last} (${p.count} record(s))`);
    }
    if (r.records.count === 0) world.say('detail', 'no records');
    world.saveResult(a.as, summary);
  },
});

function offsetsArg(offsets: Record<string, ConfigValue> | undefined): Map<string, number> | undefined {
  if (offsets === undefined) return undefined;
  return new Map(Object.entries(offsets).map(([tp, o]) => [tp, Number(o)]));
}

function checkOffsets(offsets: Record<string, ConfigValue> | undefined): string[] {
  const problems: string[] = [];
  for (const [tp, o] of Object.entries(offsets ?? {})) {
    if (parseTopicPartition(tp) === null) problems.push(`'${tp}' is not a partition like events-0`);
    if (!Number.isInteger(Number(o)) || Number(o) < 0) problems.push(`offset for ${tp} must be an integer >= 0, got ${String(o)}`);
  }
  return problems;
}

export const commitSyncStep = defineStep<{ consumer: string; offsets?: Record<string, ConfigValue>; as?: string }>({
  kind: 'commit-sync',
  summary: 'KafkaConsumer.commitSync: commit the given offsets (default: every position) and wait for the answer (CommitFailedException, RebalanceInProgressException, TimeoutException)',
  shorthand: 'consumer',
  fields: { consumer: { type: 'string', required: true, description: 'the consumer' }, offsets: { type: 'config', description: "offsets to commit, e.g. { events-0: 5 } (default: the consumer's positions)" }, as: AS_FIELD },
  check: (a) => checkOffsets(a.offsets),
  describe: (a) => `${a.consumer}: commitSync(${a.offsets ? formatConfig(a.offsets) : 'every position'})`,
  run: (world, a) => {
    const consumer = requireConsumer(world, a.consumer);
    let outcome: CommitOutcome | null = null;
    call(() => consumer.commitSync((o) => (outcome = o), { offsets: offsetsArg(a.offsets) }));
    runUntil(world, () => outcome !== null, consumer.config.defaultApiTimeoutMs + 60_000, `commitSync of ${a.consumer}`);
    const o = outcome as unknown as CommitOutcome;
    if (o.ok) world.say('detail', 'committed');
    else world.say('detail', `${o.error.exception}: ${o.error.message}`);
    world.saveResult(a.as, o.ok ? { ok: true, exception: null, message: null } : { ok: false, exception: o.error.exception, message: o.error.message });
  },
});

export const commitAsyncStep = defineStep<{ consumer: string; offsets?: Record<string, ConfigValue> }>({
  kind: 'commit-async',
  summary: 'KafkaConsumer.commitAsync: send the commit and go on; a failure is reported when its callback runs (at a later poll or commit)',
  shorthand: 'consumer',
  fields: { consumer: { type: 'string', required: true, description: 'the consumer' }, offsets: { type: 'config', description: 'offsets to commit (default: every position)' } },
  check: (a) => checkOffsets(a.offsets),
  describe: (a) => `${a.consumer}: commitAsync(${a.offsets ? formatConfig(a.offsets) : 'every position'})`,
  run: (world, a) => {
    const consumer = requireConsumer(world, a.consumer);
    call(() => consumer.commitAsync(undefined, { offsets: offsetsArg(a.offsets) }));
  },
});

export const seekStep = defineStep<{ consumer: string; partition: string; offset?: number; to?: 'beginning' | 'end' }>({
  kind: 'seek',
  summary: 'KafkaConsumer.seek / seekToBeginning / seekToEnd for one assigned partition',
  fields: {
    consumer: { type: 'string', required: true, description: 'the consumer' },
    partition: { type: 'string', required: true, description: 'the partition, e.g. events-0' },
    offset: { type: 'integer', min: 0, description: 'the next offset to read' },
    to: { type: 'string', choices: ['beginning', 'end'], description: 'or the log start / the end (applied at the next poll)' },
  },
  check: (a) => {
    const problems = (a.offset === undefined) === (a.to === undefined) ? ["give exactly one of 'offset' or 'to'"] : [];
    if (parseTopicPartition(a.partition) === null) problems.push(`'${a.partition}' is not a partition like events-0`);
    return problems;
  },
  describe: (a) => (a.offset !== undefined ? `${a.consumer}: seek ${a.partition} to offset ${a.offset}` : `${a.consumer}: seekTo${a.to === 'beginning' ? 'Beginning' : 'End'} ${a.partition}`),
  run: (world, a) => {
    const consumer = requireConsumer(world, a.consumer);
    const tp = parseTopicPartition(a.partition)!;
    call(() => {
      if (a.offset !== undefined) consumer.seek(tp, a.offset);
      else if (a.to === 'beginning') consumer.seekToBeginning([tp]);
      else consumer.seekToEnd([tp]);
    });
  },
});

// ---- lifecycles ------------------------------------------------------------------------------

export const consumerCrashStep = defineStep<{ name: string }>({
  kind: 'consumer-crash',
  summary: "kill a consumer application or consumer (kill -9): no commit, no LeaveGroup; what it had polled but not processed is gone, and its group waits for session.timeout.ms",
  shorthand: 'name',
  fields: { name: { type: 'string', required: true, description: 'the application or consumer' } },
  describe: (a) => `Kill ${a.name} (kill -9)`,
  run: (world, a) => {
    const app = consumerApps(world).get(a.name);
    if (app !== undefined) {
      if (app.state !== 'running') throw new StepFailure(`application ${a.name} is ${app.state}, not running`);
      app.crash();
      return;
    }
    const consumer = requireConsumer(world, a.name);
    if (consumer.isClosed()) throw new StepFailure(`consumer ${a.name} is not running`);
    consumer.crash();
  },
});

export const consumerStallStep = defineStep<{ name: string; for: number }>({
  kind: 'consumer-stall',
  summary: "freeze a consumer application's poll thread (a GC pause, a slow call): its heartbeat thread goes on, and past max.poll.interval.ms the consumer leaves the group; the batch in hand is finished when the thread runs again",
  fields: {
    name: { type: 'string', required: true, description: 'the application' },
    for: { type: 'duration', required: true, min: 1, description: 'how long the thread is frozen' },
  },
  describe: (a) => `${a.name}'s poll thread freezes for ${formatDuration(a.for)}`,
  run: (world, a) => {
    const app = consumerApps(world).get(a.name);
    if (app === undefined) throw new StepFailure(`no consumer application '${a.name}'`);
    if (app.state !== 'running') throw new StepFailure(`application ${a.name} is ${app.state}, not running`);
    app.stall(a.for);
  },
});

export const consumerRestartStep = defineStep<{ name: string }>({
  kind: 'consumer-restart',
  summary: 'start a consumer application again (after a crash, a failure or a close): a new consumer with the same client.id joins the group',
  shorthand: 'name',
  fields: { name: { type: 'string', required: true, description: 'the application' } },
  describe: (a) => `Restart application ${a.name}`,
  run: (world, a) => {
    const app = consumerApps(world).get(a.name);
    if (app === undefined) throw new StepFailure(`no consumer application '${a.name}'`);
    if (app.options.cluster !== world.kafka) {
      throw new StepFailure(`consumer application '${a.name}' ran on a Kafka cluster that a later kafka-cluster step halted; start a new consumer-app on the current one`);
    }
    requireClientIdFree(world, app.consumer.clientId, app.consumer);
    app.restart();
  },
});

export const consumerCloseStep = defineStep<{ name: string }>({
  kind: 'consumer-close',
  summary: 'close a consumer application or consumer cleanly: KafkaConsumer.close() commits the positions when auto-commit is on, then leaves the group; waits until it has',
  shorthand: 'name',
  fields: { name: { type: 'string', required: true, description: 'the application or consumer' } },
  describe: (a) => `Close ${a.name}`,
  run: (world, a) => {
    let closed = false;
    const app = consumerApps(world).get(a.name);
    if (app !== undefined) app.close(() => (closed = true));
    else {
      const consumer = requireConsumer(world, a.name);
      if (consumer.isClosed()) throw new StepFailure(`consumer ${a.name} is already closed`);
      consumer.close(() => (closed = true));
    }
    runUntil(world, () => closed, 120_000, `close of ${a.name}`);
  },
});

// ---- kafka-consumer-groups --------------------------------------------------------------------

export const describeGroupStep = defineStep<{ group: string; as?: string }>({
  kind: 'describe-group',
  summary: 'kafka-consumer-groups --describe --group G: every partition with its committed offset, log end offset (the high watermark), lag and owner, as the tool prints them',
  shorthand: 'group',
  fields: { group: { type: 'string', required: true, description: 'group.id' }, as: AS_FIELD },
  describe: (a) => `kafka-consumer-groups --describe --group ${a.group}`,
  run: (world, a) => {
    const described = world.kafka.describeGroup(a.group);
    for (const line of [...described.text.stderr, ...described.text.stdout]) world.say('detail', line === '' ? ' ' : line);
    const result: { [key: string]: TraceValue } = {
      state: described.state,
      coordinator: described.coordinator,
      members: new Set(described.rows.map((r) => r.consumerId).filter((m) => m !== null)).size,
      lag: described.rows.reduce((sum, r) => sum + (r.currentOffset !== null && r.logEndOffset !== null ? r.logEndOffset - r.currentOffset : 0), 0),
    };
    for (const r of described.rows) {
      if (r.topic === null || r.partition === null) continue;
      result[`${r.topic}-${r.partition}`] = {
        currentOffset: r.currentOffset,
        logEndOffset: r.logEndOffset,
        lag: r.currentOffset !== null && r.logEndOffset !== null ? r.logEndOffset - r.currentOffset : null,
        consumerId: r.consumerId,
        clientId: r.clientId,
      };
    }
    world.saveResult(a.as, result);
  },
});
