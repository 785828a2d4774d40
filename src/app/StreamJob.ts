/**
 * A stream job as many teams run it (the tutorial's Spark Streaming "direct
 * stream"): it reads every partition of a topic itself, keeps its offsets in
 * a Redis hash, and every batch interval processes the records between its
 * positions and the high watermark, writes results to Redis, and stores the
 * next offsets.
 *
 * The delivery semantics are the order of those writes, nothing else:
 *   - at-most-once: store the offsets, then process and write results;
 *   - at-least-once: process and write results, then store the offsets;
 *   - exactly-once (within Redis): results and offsets in one MULTI/EXEC.
 * A crash can be injected at any point between fetching, processing,
 * writing results and storing offsets; the job then restarts from what Redis
 * still has. Results are counted per record id (HINCRBY results <id> 1), so
 * losses and duplicates are measured from Redis's final state, not assumed:
 * a record never counted was lost, one counted twice was duplicated.
 */
import type { RedisClient } from '../redis/RedisClient';
import { fromUtf8, toUtf8 } from '../redis/RedisValue';
import { firstReplyError } from '../redis/reply';
import { correctOffsets, type OutOfRangePolicy, type PartitionDecision } from './offsetCorrection';
import { OffsetStoreError, RedisOffsetStore } from './RedisOffsetStore';

export type DeliverySemantics = 'at-most-once' | 'at-least-once' | 'exactly-once';
export const DELIVERY_SEMANTICS: readonly DeliverySemantics[] = ['at-most-once', 'at-least-once', 'exactly-once'];

/** Where a batch can be interrupted by a crash of the job. */
export type CrashPoint = 'after-fetch' | 'between-writes' | 'after-writes';
export const CRASH_POINTS: readonly CrashPoint[] = ['after-fetch', 'between-writes', 'after-writes'];

/** A record as the job reads it. Its value is its identity for counting. */
export interface JobRecord {
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

/** What the job needs of Kafka (a consumer's view of the partition leaders). */
export interface RecordSource {
  partitions(topic: string): number[];
  offsets(topic: string, partition: number): { logStartOffset: number; highWatermark: number } | null;
  /** Records from `offset` below the high watermark, or the broker's error. */
  fetch(topic: string, partition: number, offset: number, maxRecords: number): { records: JobRecord[] } | { error: string; message: string };
  offsetForTime(topic: string, partition: number, timestampMs: number): number | null;
}

export interface StreamJobOptions {
  readonly group: string;
  readonly topic: string;
  readonly semantics: DeliverySemantics;
  readonly source: RecordSource;
  /** Where results are counted (a hash: record id ⇒ times processed). */
  readonly resultsKey: string;
  readonly outOfRange?: OutOfRangePolicy;
  /** Records per partition per batch (Spark's maxRatePerPartition × interval). */
  readonly maxRecordsPerPartition?: number;
  /** The start-up correction: `complete`, or the tutorial program's own. */
  readonly correction?: 'complete' | 'tutorial';
}

export class JobStartError extends Error {
  override readonly name = 'JobStartError';
}

export type BatchOutcome =
  | { readonly kind: 'processed'; readonly records: number }
  | { readonly kind: 'crashed'; readonly at: CrashPoint; readonly records: number }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'not-running' };

export class StreamJob {
  private opts: StreamJobOptions;
  private positions: Map<number, number> | null = null;
  private batchesRun = 0;

  constructor(options: StreamJobOptions) {
    this.opts = options;
  }

  get options(): StreamJobOptions {
    return this.opts;
  }

  /** Switch the start-up correction, for the next start. */
  setCorrection(correction: 'complete' | 'tutorial'): void {
    this.opts = { ...this.opts, correction };
  }

  get running(): boolean {
    return this.positions !== null;
  }

  position(partition: number): number | undefined {
    return this.positions?.get(partition);
  }

  get batches(): number {
    return this.batchesRun;
  }

  /**
   * Start-up: read the stored offsets (EXISTS + HGETALL), correct them against
   * the log, and remember where each partition starts. The corrected offsets
   * are not written back until the first batch stores its own.
   */
  start(redis: RedisClient, options: { startFromMs?: number } = {}): PartitionDecision[] {
    const { group, topic, source } = this.options;
    const stored = new RedisOffsetStore(redis).load(group, topic);
    const partitions = source.partitions(topic).map((partition) => {
      const o = source.offsets(topic, partition);
      if (o === null) throw new JobStartError(`cannot list the offsets of ${topic}-${partition}: it has no available leader`);
      return { partition, ...o };
    });
    const decisions = correctOffsets({
      topic,
      stored: stored.offsets,
      partitions,
      outOfRange: this.options.outOfRange ?? 'earliest',
      mode: this.options.correction ?? 'complete',
      startFromMs: options.startFromMs,
      offsetForTime: (partition, timestampMs) => source.offsetForTime(topic, partition, timestampMs),
    });
    this.positions = new Map();
    for (const d of decisions) if (d.startOffset !== null) this.positions.set(d.partition, d.startOffset);
    return decisions;
  }

  /** The job process dies: everything in memory is gone. */
  crash(): void {
    this.positions = null;
  }

  /** One micro-batch, optionally crashing at `crashAt`. */
  runBatch(redis: RedisClient, crashAt?: CrashPoint): BatchOutcome {
    const positions = this.positions;
    if (positions === null) return { kind: 'not-running' };
    this.batchesRun++;
    const { topic, source, group, semantics } = this.options;
    // Partitions added since start-up begin at their earliest offset, as the
    // correction would have started them.
    for (const partition of source.partitions(topic)) {
      if (!positions.has(partition)) positions.set(partition, source.offsets(topic, partition)?.logStartOffset ?? 0);
    }
    const records: JobRecord[] = [];
    const next = new Map<number, number>();
    for (const [partition, offset] of [...positions].sort((a, b) => a[0] - b[0])) {
      const fetched = source.fetch(topic, partition, offset, this.options.maxRecordsPerPartition ?? Number.MAX_SAFE_INTEGER);
      if ('error' in fetched) return { kind: 'failed', reason: `${topic}-${partition}: ${fetched.error}: ${fetched.message}` };
      records.push(...fetched.records);
      const last = fetched.records[fetched.records.length - 1];
      next.set(partition, last === undefined ? offset : last.offset + 1);
    }
    if (crashAt === 'after-fetch') return this.crashed('after-fetch', records.length);
    const store = new RedisOffsetStore(redis);
    const resultCommands = records.map((r) => ['HINCRBY', fromUtf8(this.options.resultsKey), fromUtf8(r.value), '1']);
    const offsetCommands = store.saveCommands(group, topic, next);
    const write = (commands: string[][]): string | null => firstReplyError(commands.length === 0 ? [] : redis.pipeline(commands));
    if (semantics === 'exactly-once') {
      // One transaction: a crash before it writes nothing, after it everything.
      if (crashAt === 'between-writes') return this.crashed(crashAt, records.length);
      const error = write([['MULTI'], ...resultCommands, ...offsetCommands, ['EXEC']]);
      if (error !== null) return { kind: 'failed', reason: error };
      if (crashAt === 'after-writes') return this.crashed(crashAt, records.length);
    } else {
      const [first, second] = semantics === 'at-most-once' ? [offsetCommands, resultCommands] : [resultCommands, offsetCommands];
      const firstError_ = write(first);
      if (firstError_ !== null) return { kind: 'failed', reason: firstError_ };
      if (crashAt === 'between-writes') return this.crashed(crashAt, records.length);
      const secondError = write(second);
      if (secondError !== null) return { kind: 'failed', reason: secondError };
      if (crashAt === 'after-writes') return this.crashed(crashAt, records.length);
    }
    for (const [partition, offset] of next) positions.set(partition, offset);
    return { kind: 'processed', records: records.length };
  }

  private crashed(at: CrashPoint, records: number): BatchOutcome {
    this.crash();
    return { kind: 'crashed', at, records };
  }
}


export interface DeliveryReport {
  /** Records that should have been processed. */
  readonly expected: number;
  readonly processedOnce: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Results for records nobody produced (a bug if ever non-zero). */
  readonly unexpected: number;
}

/**
 * Compare the results Redis holds with the records that should have been
 * processed: each id counted once is delivered, never is lost, more than once
 * is duplicated (by the number of extra times).
 */
export function measureDelivery(redis: RedisClient, resultsKey: string, expectedIds: Iterable<string>): DeliveryReport {
  const reply = redis.call('HGETALL', fromUtf8(resultsKey));
  if (reply.kind === 'error') throw new OffsetStoreError(`HGETALL ${resultsKey} failed: ${reply.message}`);
  const counts = new Map<string, number>();
  if (reply.kind === 'array') {
    for (let i = 0; i + 1 < reply.items.length; i += 2) {
      const id = reply.items[i]!;
      const count = reply.items[i + 1]!;
      if (id.kind === 'bulk' && count.kind === 'bulk') counts.set(toUtf8(id.value), Number(toUtf8(count.value)));
    }
  }
  return countDelivery(counts, expectedIds);
}

/**
 * The same comparison over counts already read (record id ⇒ times
 * processed), wherever they were kept.
 */
export function countDelivery(processed: ReadonlyMap<string, number>, expectedIds: Iterable<string>): DeliveryReport {
  const counts = new Map(processed);
  let expected = 0;
  let processedOnce = 0;
  let lost = 0;
  let duplicated = 0;
  for (const id of expectedIds) {
    expected++;
    const n = counts.get(id) ?? 0;
    if (n === 0) lost++;
    else if (n === 1) processedOnce++;
    else duplicated += n - 1;
    counts.delete(id);
  }
  let unexpected = 0;
  for (const n of counts.values()) if (n > 0) unexpected++;
  return { expected, processedOnce, lost, duplicated, unexpected };
}
