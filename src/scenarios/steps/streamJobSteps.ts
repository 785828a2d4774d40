/**
 * Scenario steps for the stream job that keeps its Kafka offsets in Redis
 * (src/app/StreamJob.ts): start it (load the stored offsets, correct them,
 * report each decision), let it run a batch every interval, crash it at a
 * chosen point of a batch, restart it, and measure what was lost and what was
 * processed twice from the results Redis holds.
 *
 *   - stream-job: { name: job, group: group01, topic: topic01, redis: cache, semantics: at-least-once, interval: 3s }
 *   - stream-job-crash: { name: job, at: between-writes }
 *   - stream-job-restart: { name: job, as: restart }
 *   - check-delivery: { name: job, as: delivery }
 */
import { kafkaRecordSource } from '../../app/kafkaRecordSource';
import type { PartitionDecision } from '../../app/offsetCorrection';
import { OffsetStoreError } from '../../app/RedisOffsetStore';
import {
  countDelivery,
  CRASH_POINTS,
  DELIVERY_SEMANTICS,
  JobStartError,
  measureDelivery,
  StreamJob,
  type BatchOutcome,
  type CrashPoint,
  type DeliveryReport,
  type DeliverySemantics,
} from '../../app/StreamJob';
import type { RedisClient } from '../../redis/RedisClient';
import type { RedisServer } from '../../redis/RedisServer';
import type { PeriodicTask } from '../../sim/Simulation';
import type { TraceValue } from '../../sim/Trace';
import { formatDuration, formatInstant } from '../duration';
import { defineNarration } from '../narrate';
import { defineProbe } from '../probes';
import { ScenarioError } from '../ScenarioError';
import { defineStep } from '../Step';
import type { World } from '../World';

class StepFailure extends ScenarioError {}

/** A job in a world: the model, its schedule, its Redis connection. */
interface RunningJob {
  readonly name: string;
  readonly job: StreamJob;
  readonly redisHost: string;
  readonly intervalMs: number;
  task: PeriodicTask | null;
  crashAt: CrashPoint | null;
  connection: { server: RedisServer; client: RedisClient } | null;
  batchesFailed: number;
  lastFailure: string | null;
  recordsProcessed: number;
}

const jobsByWorld = new WeakMap<World, Map<string, RunningJob>>();
/** The action the last start-up correction took per partition, per job. */
const lastDecisions = new WeakMap<RunningJob, Map<number, string>>();

function jobs(world: World): Map<string, RunningJob> {
  let map = jobsByWorld.get(world);
  if (map === undefined) jobsByWorld.set(world, (map = new Map()));
  return map;
}

function jobOf(world: World, name: string | undefined): RunningJob {
  const job = jobs(world).get(name ?? 'job');
  if (job === undefined) throw new StepFailure(`no stream job '${name ?? 'job'}' (start one with a stream-job step first)`);
  return job;
}

/** The job's connection to Redis, reconnecting after a restart; null while Redis is down. */
function redisClient(world: World, job: RunningJob): RedisClient | null {
  const host = world.redisHosts.get(job.redisHost);
  if (host === undefined) throw new StepFailure(`no Redis host '${job.redisHost}'`);
  const server = host.server;
  if (server === null || !host.isRunning) return null;
  if (job.connection === null || job.connection.server !== server || job.connection.client.isClosed) {
    job.connection = { server, client: server.connect() };
  }
  return job.connection.client;
}

function startJob(world: World, job: RunningJob, start: { startFromMs?: number }, as: string | undefined): void {
  const client = redisClient(world, job);
  if (client === null) throw new StepFailure(`stream job ${job.name} cannot start: Redis host '${job.redisHost}' is not running`);
  let decisions: PartitionDecision[];
  try {
    decisions = job.job.start(client, start);
  } catch (error) {
    if (error instanceof OffsetStoreError || error instanceof JobStartError) throw new StepFailure(`stream job ${job.name} failed to start: ${error.message}`);
    throw error;
  }
  const { topic, group } = job.job.options;
  lastDecisions.set(job, new Map(decisions.map((d) => [d.partition, d.action])));
  const report: { [key: string]: TraceValue } = {};
  for (const d of decisions) {
    const name = `${topic}-${d.partition}`;
    world.sim.trace.emit('job.correct', { job: job.name, group, partition: name, action: d.action, stored: d.stored, startOffset: d.startOffset, skipped: d.skipped, reread: d.reread });
    world.say('detail', `${name}: ${d.warning ? 'WARNING: ' : ''}${d.action} → ${d.startOffset ?? '-'}: ${d.reason}`);
    report[name] = { stored: d.stored, logStartOffset: d.logStartOffset, highWatermark: d.highWatermark, startOffset: d.startOffset, action: d.action, skipped: d.skipped, reread: d.reread, warning: d.warning };
  }
  world.count('lost', decisions.filter((d) => d.action.startsWith('reset-')).reduce((sum, d) => sum + d.skipped, 0));
  report.skipped = decisions.reduce((sum, d) => sum + d.skipped, 0);
  world.saveResult(as, report);
  job.task?.stop();
  job.task = world.sim.every(job.intervalMs, `stream job ${job.name} batch`, () => runBatch(world, job));
}

function runBatch(world: World, job: RunningJob): void {
  const client = redisClient(world, job);
  let outcome: BatchOutcome;
  if (client === null) {
    outcome = { kind: 'failed', reason: `Redis host '${job.redisHost}' is not running (connection refused)` };
  } else {
    const crashAt = job.crashAt ?? undefined;
    outcome = job.job.runBatch(client, crashAt);
    if (outcome.kind === 'crashed') job.crashAt = null;
  }
  const trace = world.sim.trace;
  switch (outcome.kind) {
    case 'processed':
      job.recordsProcessed += outcome.records;
      if (outcome.records > 0 && trace.active) trace.emit('job.batch', { job: job.name, records: outcome.records });
      return;
    case 'crashed':
      job.task?.stop();
      job.task = null;
      trace.emit('job.crash', { job: job.name, at: outcome.at, records: outcome.records });
      return;
    case 'failed':
      job.batchesFailed++;
      if (job.lastFailure !== outcome.reason) trace.emit('job.batch-failed', { job: job.name, reason: outcome.reason });
      job.lastFailure = outcome.reason;
      return;
    case 'not-running':
      return;
  }
}

const START_FIELDS = {
  'start-ago': { type: 'duration', description: 'ignore stored offsets and start from this long ago (offsetsForTimes)' },
  'start-at': { type: 'instant', description: 'ignore stored offsets and start from this instant' },
  as: { type: 'string', description: 'save the start-up correction report under this name' },
} as const;

function startOptions(world: World, a: { 'start-ago'?: number; 'start-at'?: number }): { startFromMs?: number } {
  if (a['start-ago'] !== undefined) return { startFromMs: world.nowMs - a['start-ago'] };
  if (a['start-at'] !== undefined) return { startFromMs: a['start-at'] };
  return {};
}

function startDescription(a: { 'start-ago'?: number; 'start-at'?: number }): string {
  if (a['start-ago'] !== undefined) return `, starting from ${formatDuration(a['start-ago'])} ago`;
  if (a['start-at'] !== undefined) return `, starting from ${formatInstant(a['start-at'])}`;
  return '';
}

interface StreamJobArgs {
  name?: string;
  group: string;
  topic: string;
  redis?: string;
  semantics?: DeliverySemantics;
  interval?: number;
  'max-per-partition'?: number;
  'out-of-range'?: 'earliest' | 'latest';
  correction?: 'complete' | 'tutorial';
  'start-ago'?: number;
  'start-at'?: number;
  as?: string;
}

export const streamJobStep = defineStep<StreamJobArgs>({
  kind: 'stream-job',
  summary: 'start a stream job that keeps its offsets in a Redis hash ({group}_{topic}), corrects them at start-up, and processes a batch every interval',
  fields: {
    name: { type: 'string', description: "the job's name (default 'job')" },
    group: { type: 'string', required: true, description: 'group id: half of the Redis key' },
    topic: { type: 'string', required: true, description: 'the topic it reads, every partition' },
    redis: { type: 'string', description: "the Redis host holding offsets and results (default 'redis')" },
    semantics: { type: 'string', choices: DELIVERY_SEMANTICS, description: 'the order of writes (default at-least-once)' },
    interval: { type: 'duration', min: 1, description: 'batch interval (default 3s, the tutorial\'s Seconds(3))' },
    'max-per-partition': { type: 'integer', min: 1, description: 'records per partition per batch (default: all up to the high watermark)' },
    'out-of-range': { type: 'string', choices: ['earliest', 'latest'], description: 'where to go when retention deleted the stored offset (default earliest)' },
    correction: { type: 'string', choices: ['complete', 'tutorial'], description: "the start-up correction: faultline's complete one, or the tutorial's (default complete)" },
    ...START_FIELDS,
  },
  check: (a) => (a['start-ago'] !== undefined && a['start-at'] !== undefined ? ["give at most one of 'start-ago' and 'start-at'"] : []),
  describe: (a) =>
    `Start stream job ${a.name ?? 'job'}: group ${a.group} reads ${a.topic} every ${formatDuration(a.interval ?? 3000)}, ${a.semantics ?? 'at-least-once'}, offsets and results in Redis '${a.redis ?? 'redis'}'` +
    (a.correction === 'tutorial' ? ", with the tutorial's correction" : '') +
    startDescription(a),
  run: (world, a) => {
    const name = a.name ?? 'job';
    if (jobs(world).has(name)) throw new StepFailure(`a stream job named '${name}' already exists (use stream-job-restart)`);
    if (world.kafka.topic(a.topic) === undefined) throw new StepFailure(`topic '${a.topic}' does not exist`);
    const job: RunningJob = {
      name,
      job: new StreamJob({
        group: a.group,
        topic: a.topic,
        semantics: a.semantics ?? 'at-least-once',
        source: kafkaRecordSource(world.kafka),
        resultsKey: `results:${name}`,
        outOfRange: a['out-of-range'],
        maxRecordsPerPartition: a['max-per-partition'],
        correction: a.correction,
      }),
      redisHost: a.redis ?? 'redis',
      intervalMs: a.interval ?? 3000,
      task: null,
      crashAt: null,
      connection: null,
      batchesFailed: 0,
      lastFailure: null,
      recordsProcessed: 0,
    };
    jobs(world).set(name, job);
    startJob(world, job, startOptions(world, a), a.as);
  },
});

export const streamJobCrashStep = defineStep<{ name?: string; at?: CrashPoint }>({
  kind: 'stream-job-crash',
  summary: 'kill the stream job now, or during its next batch at a point: after-fetch, between-writes, after-writes',
  shorthand: 'name',
  fields: {
    name: { type: 'string', description: "the job (default 'job')" },
    at: { type: 'string', choices: CRASH_POINTS, description: 'crash inside the next batch at this point (default: now, between batches)' },
  },
  describe: (a) => (a.at === undefined ? `Kill stream job ${a.name ?? 'job'}` : `Stream job ${a.name ?? 'job'} will die in its next batch, ${a.at}`),
  run: (world, a) => {
    const job = jobOf(world, a.name);
    if (a.at !== undefined) {
      if (job.task === null) throw new StepFailure(`stream job ${job.name} is not running`);
      job.crashAt = a.at;
      return;
    }
    job.task?.stop();
    job.task = null;
    job.job.crash();
    world.sim.trace.emit('job.crash', { job: job.name, at: 'between-batches', records: 0 });
  },
});

export const streamJobRestartStep = defineStep<{ name?: string; correction?: 'complete' | 'tutorial'; 'start-ago'?: number; 'start-at'?: number; as?: string }>({
  kind: 'stream-job-restart',
  summary: 'restart a stream job (running, stopped or crashed): reload its offsets from Redis and correct them again; says how many records it will read again',
  shorthand: 'name',
  fields: {
    name: { type: 'string', description: "the job (default 'job')" },
    correction: { type: 'string', choices: ['complete', 'tutorial'], description: 'switch the start-up correction (default: keep the current one)' },
    ...START_FIELDS,
  },
  check: (a) => (a['start-ago'] !== undefined && a['start-at'] !== undefined ? ["give at most one of 'start-ago' and 'start-at'"] : []),
  describe: (a) => `Restart stream job ${a.name ?? 'job'}${a.correction ? ` with the ${a.correction} correction` : ''}${startDescription(a)}`,
  run: (world, a) => {
    const job = jobOf(world, a.name);
    const before = new Map<number, number>();
    for (const partition of world.kafka.topic(job.job.options.topic)?.partitions.map((_, i) => i) ?? []) {
      const position = job.job.position(partition);
      if (position !== undefined) before.set(partition, position);
    }
    job.task?.stop();
    job.task = null;
    job.job.crash();
    job.crashAt = null;
    if (a.correction !== undefined) job.job.setCorrection(a.correction);
    startJob(world, job, startOptions(world, a), a.as);
    // A running job that restarts from Redis reads again what Redis forgot (or
    // what a start time asks for); a reset or a clamp is not a re-read.
    let replayed = 0;
    const report = a.as !== undefined ? (world.results.get(a.as) as { [key: string]: { action?: string } }) : undefined;
    for (const [partition, position] of before) {
      const action = lastDecisions.get(job)?.get(partition);
      if (action !== 'keep' && action !== 'from-time' && action !== 'keep-unchecked') continue;
      replayed += Math.max(0, position - (job.job.position(partition) ?? position));
    }
    if (replayed > 0) world.say('detail', `the job was at later offsets before the restart: it will read ${replayed} record(s) again`);
    if (a.as !== undefined) world.saveResult(a.as, { ...(report as { [key: string]: TraceValue }), replayed });
  },
});

export const streamJobStopStep = defineStep<{ name?: string }>({
  kind: 'stream-job-stop',
  summary: 'stop a stream job cleanly between batches',
  shorthand: 'name',
  fields: { name: { type: 'string', description: "the job (default 'job')" } },
  describe: (a) => `Stop stream job ${a.name ?? 'job'}`,
  run: (world, a) => {
    const job = jobOf(world, a.name);
    job.task?.stop();
    job.task = null;
    job.job.crash();
  },
});

export const checkDeliveryStep = defineStep<{ name?: string; as?: string }>({
  kind: 'check-delivery',
  summary:
    "count, from the results it wrote, the records a stream job or consumer application lost (never processed) and duplicated (processed more than once), against every record producers had acknowledged",
  shorthand: 'name',
  fields: { name: { type: 'string', description: "the job or consumer application (default 'job')" }, as: { type: 'string', description: 'save the counts under this name' } },
  describe: (a) => `Count what ${a.name ?? 'job'} lost and duplicated`,
  run: (world, a) => {
    const target = world.deliveryTargets.get(a.name ?? 'job');
    let report: DeliveryReport;
    if (target !== undefined && !jobs(world).has(a.name ?? 'job')) {
      const counts = target.counts();
      if (typeof counts === 'string') throw new StepFailure(`cannot read the results of ${a.name}: ${counts}`);
      report = countDelivery(counts, target.topics.flatMap((topic) => acknowledgedValues(world, topic)));
    } else {
      const job = jobOf(world, a.name);
      const client = redisClient(world, job);
      if (client === null) throw new StepFailure(`cannot read results: Redis host '${job.redisHost}' is not running`);
      report = measureDelivery(client, job.job.options.resultsKey, acknowledgedValues(world, job.job.options.topic));
    }
    world.count('lost', report.lost);
    world.count('duplicated', report.duplicated);
    world.say(
      'detail',
      `${report.expected} record(s) acknowledged: ${report.processedOnce} processed once, ${report.lost} lost, ${report.duplicated} extra processing(s)` +
        (report.unexpected > 0 ? `, ${report.unexpected} result(s) for records nobody acknowledged` : ''),
    );
    world.saveResult(a.as, { expected: report.expected, processedOnce: report.processedOnce, lost: report.lost, duplicated: report.duplicated, unexpected: report.unexpected });
  },
});

/** Values of the records of `topic` that produce steps appended and producers had acknowledged. */
export function acknowledgedValues(world: World, topic: string): string[] {
  const expected = [...(world.producedValues.get(topic) ?? [])];
  if (world.hasKafka) {
    for (const producer of world.kafka.allProducers()) {
      for (const handle of producer.handles) {
        if (handle.result?.ok === true && handle.record.topic === topic && typeof handle.record.value === 'string') expected.push(handle.record.value);
      }
    }
  }
  return expected;
}

defineProbe({
  name: 'jobPosition',
  usage: 'jobPosition <job> <topic>-<partition>',
  arity: 2,
  read: (world, [name, tp]) => {
    const job = jobs(world).get(name!);
    const partition = /-(\d+)$/.exec(tp!)?.[1];
    return job === undefined || partition === undefined ? undefined : (job.job.position(Number(partition)) ?? null);
  },
});
defineProbe({
  name: 'jobFailures',
  usage: 'jobFailures <job>',
  arity: 1,
  read: (world, [name]) => jobs(world).get(name!)?.batchesFailed,
});
defineProbe({
  name: 'jobProcessed',
  usage: 'jobProcessed <job>',
  arity: 1,
  read: (world, [name]) => jobs(world).get(name!)?.recordsProcessed,
});

defineNarration('job.batch', (r) => `stream job ${String(r.job)}: processed a batch of ${String(r.records)} record(s)`, { verbose: true });
defineNarration('job.crash', (r) =>
  r.at === 'between-batches'
    ? `stream job ${String(r.job)} killed`
    : `stream job ${String(r.job)} died ${String(r.at)} of a batch of ${String(r.records)} record(s)`,
);
defineNarration('job.batch-failed', (r) => `stream job ${String(r.job)}: batch failed: ${String(r.reason)} (it retries every interval)`);
