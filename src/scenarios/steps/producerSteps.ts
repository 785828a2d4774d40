/**
 * Scenario steps for producer clients: create one with Kafka's configuration
 * keys, send records through it, and wait for what it was told.
 *
 *   - producer: { name: app, config: { acks: 1, enable.idempotence: false, linger.ms: 0 } }
 *   - send: { producer: app, topic: events, count: 2, value: 'm{n}', as: first }
 *   - send: { producer: app, topic: events, value: late, wait: false }
 *   - await-sends: { producer: app, as: outcome }
 *
 * `send` waits until every record it sent is acknowledged or has failed
 * (delivery.timeout.ms bounds that), unless `wait: false`; time passes while
 * it waits. Its result has the counts, the offsets, the first error, and
 * each record's outcome (`first.records.0.offset`).
 */
import type { SendHandle } from '../../broker/producer/KafkaProducer';
import { KafkaConfigError } from '../../broker/kafkaConfigError';
import { parseProducerConfig } from '../../broker/ProducerConfig';
import type { TraceValue } from '../../sim/Trace';
import { formatDuration } from '../duration';
import { fromFile, ignoredNotice, withConfigFile, type LoadedConfigFile } from '../configFiles';
import type { ConfigValue } from '../fields';
import { defineStep } from '../Step';
import type { World } from '../World';
import { clientIdTaken, clientNameProblems } from './clientIds';
import { formatConfig, StepFailure } from './kafkaSteps';

const AS_FIELD = { type: 'string', description: 'save the result under this name for expectations' } as const;

function producerConfigInput(name: string, config: Record<string, ConfigValue> | undefined): Record<string, unknown> {
  return { 'client.id': name, ...(config ?? {}) };
}

export const producerStep = defineStep<{ name: string; config?: Record<string, ConfigValue>; 'config-file'?: LoadedConfigFile; version?: '3.9' | '4.0' }>({
  kind: 'producer',
  summary: "create a producer client with Kafka's producer configs (acks, retries, linger.ms, enable.idempotence, ...); its name is its client.id",
  shorthand: 'name',
  fields: {
    name: { type: 'string', required: true, description: 'the producer name (its client.id and network endpoint)' },
    config: { type: 'config', description: 'producer configs with Kafka key names' },
    'config-file': { type: 'config-file', format: 'producer.properties', description: "a producer.properties, relative to the scenario file; 'config' entries override its settings" },
    version: { type: 'string', choices: ['3.9', '4.0'], description: 'client version whose defaults apply (default 4.0)' },
  },
  check: (given) => {
    const a = withConfigFile(given);
    const nameProblems = clientNameProblems('producer', a.name, a.config);
    if (nameProblems.length > 0) return nameProblems;
    try {
      parseProducerConfig(producerConfigInput(a.name, a.config), { clientVersion: a.version });
      return [];
    } catch (error) {
      if (error instanceof KafkaConfigError) return [`${error.name}: ${error.message}`];
      throw error;
    }
  },
  describe: (a) => `Create producer ${a.name}${fromFile(a['config-file'])}${a.config ? ` with ${formatConfig(a.config)}` : ''}`,
  run: (world, given) => {
    const a = withConfigFile(given);
    const notice = ignoredNotice(a['config-file']);
    if (notice !== null) world.say('detail', notice);
    if (world.kafka.producer(a.name) !== undefined) throw new StepFailure(`a producer named '${a.name}' already exists`);
    const taken = clientIdTaken(world, a.name, 'producer');
    if (taken !== null) throw new StepFailure(taken);
    const producer = world.kafka.createProducer(producerConfigInput(a.name, a.config), { clientVersion: a.version });
    const c = producer.config;
    world.say(
      'detail',
      `acks=${c.acks === -1 ? 'all' : c.acks} enable.idempotence=${c.enableIdempotence} max.in.flight.requests.per.connection=${c.maxInFlightRequestsPerConnection} retries=${c.retries} linger.ms=${c.lingerMs} request.timeout.ms=${c.requestTimeoutMs} delivery.timeout.ms=${c.deliveryTimeoutMs}`,
    );
    for (const note of c.notes) world.say('detail', note);
  },
});

interface SendArgs {
  producer: string;
  topic: string;
  count?: number;
  partition?: number;
  key?: string;
  keys?: string[];
  value?: string;
  from?: number;
  'value-bytes'?: number;
  interval?: number;
  wait?: boolean;
  as?: string;
}

export const sendStep = defineStep<SendArgs>({
  kind: 'send',
  summary: 'send records through a producer (KafkaProducer.send) and, unless wait: false, wait until each is acknowledged or fails',
  fields: {
    producer: { type: 'string', required: true, description: 'the producer (created with a producer step)' },
    topic: { type: 'string', required: true, description: 'topic name' },
    count: { type: 'integer', min: 1, max: 1_000_000, description: 'number of records (default 1)' },
    partition: { type: 'integer', min: 0, description: 'explicit partition' },
    key: { type: 'string', description: 'the key of every record' },
    keys: { type: 'string-list', description: 'keys used in turn' },
    value: { type: 'string', description: "value text; '{n}' is replaced by the record's number in this step" },
    from: { type: 'integer', min: 0, description: "the number '{n}' starts at (default 1)" },
    'value-bytes': { type: 'integer', min: 0, description: 'value size when no text is given (default 100)' },
    interval: { type: 'duration', description: 'time between records (default 0: all at once)' },
    wait: { type: 'boolean', description: 'wait for the outcomes (default true)' },
    as: AS_FIELD,
  },
  check: (a) => (a.key !== undefined && a.keys !== undefined ? ["give either 'key' or 'keys', not both"] : []),
  describe: (a) => {
    const count = a.count ?? 1;
    const first = a.from ?? 1;
    const what =
      a.value !== undefined && count === 1
        ? JSON.stringify(a.value.replaceAll('{n}', String(first)))
        : `${count} record(s)${a.value !== undefined ? ` (${a.value.replaceAll('{n}', String(first))} to ${a.value.replaceAll('{n}', String(first + count - 1))})` : ''}`;
    const where = a.partition !== undefined ? `${a.topic}-${a.partition}` : a.topic;
    const keyed = a.key !== undefined ? ` with key '${a.key}'` : a.keys !== undefined ? ` with keys ${a.keys.join(', ')}` : '';
    const pace = a.interval ? `, one every ${formatDuration(a.interval)}` : '';
    return `${a.producer} sends ${what} to ${where}${keyed}${pace}${a.wait === false ? ' (not waiting)' : ''}`;
  },
  run: (world, a) => {
    const producer = world.kafka.producer(a.producer);
    if (producer === undefined) throw new StepFailure(`no producer '${a.producer}' (create it with a producer step first)`);
    const count = a.count ?? 1;
    const first = a.from ?? 1;
    const handles: SendHandle[] = [];
    for (let i = 0; i < count; i++) {
      if (i > 0 && (a.interval ?? 0) > 0) world.sim.advance(a.interval!);
      const key = a.key ?? (a.keys !== undefined ? a.keys[i % a.keys.length]! : null);
      handles.push(
        producer.send({
          topic: a.topic,
          partition: a.partition ?? null,
          key,
          value: a.value !== undefined ? a.value.replaceAll('{n}', String(first + i)) : undefined,
          valueSizeBytes: a['value-bytes'],
        }),
      );
    }
    if (a.wait === false) {
      world.saveResult(a.as, { sent: handles.length });
      return;
    }
    awaitHandles(world, handles, producer.config.deliveryTimeoutMs + producer.config.maxBlockMs + 60_000);
    reportOutcomes(world, handles, a.as);
  },
});

export const awaitSendsStep = defineStep<{ producer: string; as?: string }>({
  kind: 'await-sends',
  summary: "wait until every record a producer sent so far is acknowledged or has failed, and report the outcomes of those not reported yet",
  shorthand: 'producer',
  fields: { producer: { type: 'string', required: true, description: 'the producer' }, as: AS_FIELD },
  describe: (a) => `Wait for producer ${a.producer}'s outstanding sends`,
  run: (world, a) => {
    const producer = world.kafka.producer(a.producer);
    if (producer === undefined) throw new StepFailure(`no producer '${a.producer}'`);
    const handles = producer.handles.filter((h) => h.result === null);
    awaitHandles(world, handles, producer.config.deliveryTimeoutMs + producer.config.maxBlockMs + 60_000);
    reportOutcomes(world, handles, a.as);
  },
});

/** Run the simulation until every handle has its result; bounded by `boundMs`. */
function awaitHandles(world: World, handles: readonly SendHandle[], boundMs: number): void {
  const sim = world.sim;
  // Handles before `settled` all have results; scanning only moves forward.
  let settled = 0;
  const allDone = (): boolean => {
    while (settled < handles.length && handles[settled]!.result !== null) settled++;
    return settled === handles.length;
  };
  if (allDone()) return;
  let done = false;
  const stop = sim.schedule(boundMs, 'send wait bound', () => {
    done = true;
  });
  sim.runWhile(() => !allDone() && !done);
  sim.cancel(stop);
  if (!allDone()) throw new StepFailure(`${handles.length - settled} record(s) still had no outcome after ${formatDuration(boundMs)}`);
}

function reportOutcomes(world: World, handles: readonly SendHandle[], as: string | undefined): void {
  const records: TraceValue[] = [];
  const perPartition = new Map<string, { first: number; last: number; count: number }>();
  let acked = 0;
  let failed = 0;
  let firstError: { error: string; exception: string; message: string } | null = null;
  for (const h of handles) {
    const r = h.result!;
    if (r.ok) {
      acked++;
      const name = `${r.topic}-${r.partition}`;
      const seen = perPartition.get(name);
      perPartition.set(name, { first: Math.min(seen?.first ?? r.offset, r.offset), last: Math.max(seen?.last ?? r.offset, r.offset), count: (seen?.count ?? 0) + 1 });
      records.push({ ok: true, partition: r.partition, offset: r.offset, timestamp: r.timestampMs });
    } else {
      failed++;
      firstError ??= { error: r.error, exception: r.exception, message: r.message };
      records.push({ ok: false, partition: r.partition, error: r.error, exception: r.exception, message: r.message });
    }
  }
  for (const [name, p] of [...perPartition].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    world.say('detail', p.first < 0 ? `${name}: ${p.count} record(s) acknowledged without offsets (acks=0)` : `${name}: ${p.count} record(s) acknowledged, offsets ${p.first}..${p.last}`);
  }
  if (failed > 0) world.say('detail', `${failed} record(s) failed; first: ${firstError!.exception}: ${firstError!.message}`);
  const result: { [key: string]: TraceValue } = {
    acked,
    failed,
    offsets: handles.map((h) => (h.result!.ok ? String(h.result!.offset) : 'x')).join(','),
    error: firstError?.error ?? null,
    exception: firstError?.exception ?? null,
    message: firstError?.message ?? null,
    records,
  };
  for (const [name, p] of perPartition) result[name] = { firstOffset: p.first, lastOffset: p.last, count: p.count };
  world.saveResult(as, result);
}
