/**
 * Invariant checkers for a replicated cluster, cheap enough to run after
 * every simulation event (property tests do) and callable from scenarios:
 *
 *   - `no-acked-write-lost`: every record a producer saw acknowledged is, at
 *     its offset, in the log of the partition's current leader (unless
 *     retention deleted it). Once a leader has taken over, records it lacks
 *     are gone for good: followers truncate to it.
 *   - `committed-prefix-identical`: below the leader's high watermark, every
 *     running member of the ISR holds the same batches as the leader.
 *   - `hw-monotonic-on-leader`: a leader's high watermark never decreases
 *     while it leads (one broker, one leader epoch).
 *   - `consumers-below-hw`: a consumer fetch never returns a record at or
 *     above the high watermark.
 *   - `offsets-strictly-increasing`: in every replica's log, each batch starts
 *     right after the previous one; no two acknowledged records share an
 *     offset.
 *   - `no-duplicates`: no value written by an idempotent producer appears
 *     twice in a leader's committed log (on when a workload's values are
 *     unique, as in property tests).
 *
 * Each keeps its first violation, with the simulated time, the partition, the
 * offsets and the trace position, and `check()` returns the first new one so
 * a test can stop there.
 *
 * Checks are incremental: a partition's acknowledged records are verified
 * once per leader (a leader's log only grows), and logs are compared from
 * where the last check stopped until a truncation or a new leader resets it.
 */
import { assert } from '../sim/assert';
import type { TraceValue } from '../sim/Trace';
import type { KafkaCluster } from './KafkaCluster';
import type { Completion, KafkaProducer } from './producer/KafkaProducer';
import type { LogRecord, StoredBatch } from './recordBatch';
import { topicPartitionName, type TopicPartition, type UnifiedLog } from './UnifiedLog';

export const CHECKER_NAMES = [
  'no-acked-write-lost',
  'committed-prefix-identical',
  'hw-monotonic-on-leader',
  'consumers-below-hw',
  'offsets-strictly-increasing',
  'no-duplicates',
] as const;

export type CheckerName = (typeof CHECKER_NAMES)[number];

export interface Violation {
  readonly checker: CheckerName;
  /** Milliseconds since the start of the run. */
  readonly atMs: number;
  readonly partition: string;
  readonly offsets: readonly number[];
  readonly message: string;
  /** How many trace records had been emitted when it was found. */
  readonly tracePosition: number;
}

export interface AckedRecord {
  readonly producer: string;
  readonly partition: string;
  readonly offset: number;
  readonly value: string | null;
  readonly idempotent: boolean;
}

interface PartitionState {
  readonly tp: TopicPartition;
  readonly name: string;
  readonly acked: AckedRecord[];
  readonly ackedByOffset: Map<number, AckedRecord>;
  /** Acknowledged with acks=0 (no offset): checked by value. */
  readonly unplaced: AckedRecord[];
  ackKey: string;
  ackVerified: number;
  hwKey: string;
  hw: number;
  dupKey: string;
  dupScanned: number;
  readonly dupSeen: Map<string, number>;
  readonly prefix: Map<number, { key: string; upTo: number }>;
  readonly structure: Map<number, { truncations: number; upTo: number }>;
  /** What the partition looked like at the last check; unchanged ⇒ nothing to check. */
  /** Updated in place (check runs after every event: no array per check). */
  signature: number[];
}

export interface CheckersOptions {
  /** Which checkers run (default: all but no-duplicates). */
  readonly checkers?: readonly CheckerName[];
}

export class ReplicationCheckers {
  readonly violations = new Map<CheckerName, Violation>();
  private readonly cluster: KafkaCluster;
  private readonly enabled: ReadonlySet<CheckerName>;
  private readonly partitions = new Map<string, PartitionState>();
  /** The same states by topic and partition number (looked up once per acknowledged record). */
  private readonly statesByTopic = new Map<string, PartitionState[]>();
  private pending: Violation | null = null;
  private checking = false;
  private topicsVersion = -1;
  private order: PartitionState[] = [];

  constructor(cluster: KafkaCluster, options: CheckersOptions = {}) {
    this.cluster = cluster;
    this.enabled = new Set(options.checkers ?? CHECKER_NAMES.filter((c) => c !== 'no-duplicates'));
    for (const name of this.enabled) assert(CHECKER_NAMES.includes(name), () => `unknown checker '${name}'`);
    cluster.onProducer((producer) => this.watchProducer(producer));
    cluster.onFetch((tp, records, hw) => this.checkConsumerFetch(tp, records, hw));
  }

  get ok(): boolean {
    return this.violations.size === 0;
  }

  /** The first violation of any checker, in the order found. */
  get firstViolation(): Violation | null {
    let first: Violation | null = null;
    for (const v of this.violations.values()) if (first === null || v.tracePosition < first.tracePosition || (v.tracePosition === first.tracePosition && v.atMs < first.atMs)) first = v;
    return first;
  }

  isEnabled(name: CheckerName): boolean {
    return this.enabled.has(name);
  }

  acknowledged(partition?: string): readonly AckedRecord[] {
    if (partition !== undefined) return this.partitions.get(partition)?.acked ?? [];
    return [...this.partitions.values()].flatMap((p) => p.acked);
  }

  /** Run every enabled checker now. Returns the first violation found by this call, or null. */
  check(): Violation | null {
    if (this.checking) return null;
    this.checking = true;
    try {
      this.pending = null;
      if (this.topicsVersion !== this.cluster.topicsVersion) {
        this.topicsVersion = this.cluster.topicsVersion;
        this.order = [];
        for (const topicName of this.cluster.topicNames()) {
          for (const view of this.cluster.topic(topicName)!.partitions) this.order.push(this.state(view.topicPartition));
        }
      }
      for (const state of this.order) if (this.changed(state)) this.checkPartition(state);
      const found = this.pending;
      this.pending = null;
      return found;
    } finally {
      this.checking = false;
    }
  }

  // ---- inputs ------------------------------------------------------------------------

  watchProducer(producer: KafkaProducer): void {
    producer.onCompletion((completion) => this.recordCompletion(completion));
  }

  private recordCompletion(completion: Completion): void {
    const result = completion.result;
    if (!result.ok) return;
    const state = this.state({ topic: result.topic, partition: result.partition });
    const value = completion.record.value ?? null;
    const acked: AckedRecord = { producer: completion.producer, partition: state.name, offset: result.offset, value, idempotent: completion.idempotent };
    if (result.offset < 0) {
      state.unplaced.push(acked);
      return;
    }
    const existing = state.ackedByOffset.get(result.offset);
    if (existing !== undefined && existing.value !== value && this.enabled.has('offsets-strictly-increasing')) {
      this.report('offsets-strictly-increasing', state.name, [result.offset], `offset ${result.offset} of ${state.name} was acknowledged twice, for ${JSON.stringify(existing.value)} (${existing.producer}) and ${JSON.stringify(value)} (${completion.producer})`);
    }
    if (existing === undefined) state.ackedByOffset.set(result.offset, acked);
    state.acked.push(acked);
  }

  private checkConsumerFetch(tp: TopicPartition, records: readonly LogRecord[], highWatermark: number): void {
    if (!this.enabled.has('consumers-below-hw')) return;
    const above = records.filter((r) => r.offset >= highWatermark).map((r) => r.offset);
    if (above.length > 0) {
      this.report('consumers-below-hw', topicPartitionName(tp), above, `a consumer fetch of ${topicPartitionName(tp)} returned offsets ${above.join(', ')}, at or above the high watermark ${highWatermark}`);
    }
  }

  // ---- per partition ---------------------------------------------------------------------

  private state(tp: TopicPartition): PartitionState {
    let byPartition = this.statesByTopic.get(tp.topic);
    if (byPartition === undefined) this.statesByTopic.set(tp.topic, (byPartition = []));
    const known = byPartition[tp.partition];
    if (known !== undefined) return known;
    const name = topicPartitionName(tp);
    let state = this.partitions.get(name);
    if (state === undefined) {
      state = {
        tp,
        name,
        acked: [],
        ackedByOffset: new Map(),
        unplaced: [],
        ackKey: '',
        ackVerified: 0,
        hwKey: '',
        hw: -1,
        dupKey: '',
        dupScanned: 0,
        dupSeen: new Map(),
        prefix: new Map(),
        structure: new Map(),
        signature: [],
      };
      this.partitions.set(name, state);
    }
    byPartition[tp.partition] = state;
    return state;
  }

  /**
   * Whether anything a checker reads moved since the last check: a replica's
   * log, process or metadata, the controller's registration, the acks.
   */
  private changed(state: PartitionState): boolean {
    const view = this.cluster.partition(state.tp);
    if (view === undefined) return false;
    const reg = view.registration;
    const sig = state.signature;
    let moved = store(sig, 0, reg.leader);
    moved = store(sig, 1, reg.leaderEpoch) || moved;
    moved = store(sig, 2, reg.partitionEpoch) || moved;
    moved = store(sig, 3, state.acked.length) || moved;
    moved = store(sig, 4, state.unplaced.length) || moved;
    let i = 5;
    const brokers = this.cluster.brokers;
    for (const id of reg.replicas) {
      const broker = brokers.get(id)!;
      const server = broker.server;
      moved = store(sig, i++, broker.processIncarnation) || moved;
      moved = store(sig, i++, server === null ? -1 : server.metadata.nextOffset) || moved;
      moved = store(sig, i++, broker.log(state.tp)?.version ?? -1) || moved;
    }
    if (sig.length !== i) {
      sig.length = i;
      moved = true;
    }
    return moved;
  }

  private checkPartition(state: PartitionState): void {
    if (this.enabled.has('offsets-strictly-increasing')) this.checkStructure(state);
    const leader = this.cluster.leaderPartition(state.tp);
    if ('error' in leader) return;
    const log = leader.log;
    const leaderKey = `${leader.leaderEpoch}@${this.cluster.partition(state.tp)!.leaderId}:${log.truncations}`;
    if (this.enabled.has('hw-monotonic-on-leader')) {
      if (state.hwKey === leaderKey && log.highWatermark < state.hw) {
        this.report('hw-monotonic-on-leader', state.name, [state.hw, log.highWatermark], `the high watermark of ${state.name} on its leader went back from ${state.hw} to ${log.highWatermark} in leader epoch ${leader.leaderEpoch}`);
      }
      state.hwKey = leaderKey;
      state.hw = log.highWatermark;
    }
    if (this.enabled.has('no-acked-write-lost')) this.checkAcked(state, log, leaderKey);
    if (this.enabled.has('committed-prefix-identical')) this.checkPrefix(state, log, leaderKey);
    if (this.enabled.has('no-duplicates')) this.checkDuplicates(state, log, leaderKey);
  }

  private checkAcked(state: PartitionState, log: UnifiedLog, leaderKey: string): void {
    if (state.ackKey !== leaderKey) {
      state.ackKey = leaderKey;
      state.ackVerified = 0;
    }
    const acked = state.acked;
    for (; state.ackVerified < acked.length; state.ackVerified++) {
      const a = acked[state.ackVerified]!;
      const found = valueAt(log, a.offset);
      if (found === RETAINED_AWAY || (found !== MISSING && (a.value === null || found === a.value))) continue;
      const what = found === MISSING ? `the leader's log ends at ${log.logEndOffset}` : `the leader has ${JSON.stringify(found)} there`;
      this.report('no-acked-write-lost', state.name, [a.offset], `acknowledged record ${JSON.stringify(a.value)} (${a.producer}) at ${state.name} offset ${a.offset} is lost: ${what}`);
      state.ackVerified++;
      return;
    }
  }

  private checkPrefix(state: PartitionState, leaderLog: UnifiedLog, leaderKey: string): void {
    const view = this.cluster.partition(state.tp)!;
    for (const id of view.isr) {
      if (id === view.leaderId) continue;
      const server = this.cluster.broker(id).server;
      if (server === null || !server.isAlive) continue;
      const log = view.replicaLog(id);
      const key = `${leaderKey}:${log.truncations}`;
      let progress = state.prefix.get(id);
      if (progress === undefined || progress.key !== key) {
        progress = { key, upTo: Math.max(log.logStartOffset, leaderLog.logStartOffset) };
        state.prefix.set(id, progress);
      }
      const end = Math.min(leaderLog.highWatermark, log.logEndOffset, leaderLog.logEndOffset);
      let offset = Math.max(progress.upTo, log.logStartOffset, leaderLog.logStartOffset);
      while (offset < end) {
        const mine = log.batchContaining(offset);
        const theirs = leaderLog.batchContaining(offset);
        if (mine === undefined || theirs === undefined) break;
        if (!sameBatch(mine, theirs, offset)) {
          this.report(
            'committed-prefix-identical',
            state.name,
            [offset],
            `${state.name} offset ${offset} is committed (high watermark ${leaderLog.highWatermark}) but broker ${id} (in the ISR) holds ${describeRecord(mine, offset)} where the leader ${view.leaderId} holds ${describeRecord(theirs, offset)}`,
          );
          progress.upTo = end;
          return;
        }
        offset = Math.min(mine.lastOffset, theirs.lastOffset) + 1;
      }
      progress.upTo = Math.max(progress.upTo, Math.min(offset, end));
    }
  }

  private checkDuplicates(state: PartitionState, log: UnifiedLog, leaderKey: string): void {
    if (state.dupKey !== leaderKey) {
      state.dupKey = leaderKey;
      state.dupScanned = log.logStartOffset;
      state.dupSeen.clear();
    }
    const end = log.highWatermark;
    let offset = Math.max(state.dupScanned, log.logStartOffset);
    while (offset < end) {
      const batch = log.batchContaining(offset);
      if (batch === undefined) break;
      const values = batch.records?.values;
      if (batch.producerId >= 0 && values != null) {
        for (let o = Math.max(offset, batch.baseOffset); o <= batch.lastOffset && o < end; o++) {
          const value = values[o - batch.baseOffset];
          if (value === null || value === undefined) continue;
          const first = state.dupSeen.get(value);
          if (first !== undefined && first !== o) {
            this.report('no-duplicates', state.name, [first, o], `${JSON.stringify(value)} appears twice in ${state.name}: at offsets ${first} and ${o}`);
          } else {
            state.dupSeen.set(value, o);
          }
        }
      }
      offset = Math.min(batch.lastOffset + 1, end);
    }
    state.dupScanned = offset;
  }

  private checkStructure(state: PartitionState): void {
    const view = this.cluster.partition(state.tp);
    if (view === undefined) return;
    for (const id of view.replicas) {
      const server = this.cluster.broker(id).server;
      if (server === null || !server.isAlive) continue;
      const log = this.cluster.broker(id).log(state.tp);
      if (log === undefined) continue;
      let progress = state.structure.get(id);
      if (progress === undefined || progress.truncations !== log.truncations) {
        progress = { truncations: log.truncations, upTo: log.logStartOffset };
        state.structure.set(id, progress);
      }
      if (progress.upTo >= log.logEndOffset) continue;
      // Walk the batches from the last one checked; each must start right after the one before.
      let previousLast = -1;
      let broken = false;
      for (const segment of log.logSegments) {
        if (segment.nextOffset <= progress.upTo && segment !== log.activeSegment) continue;
        const from = Math.max(0, segment.findBatchIndex(Math.max(progress.upTo - 1, segment.baseOffset)));
        for (let i = from; i < segment.batches.length && !broken; i++) {
          const batch = segment.batches[i]!;
          if (batch.lastOffset < batch.baseOffset || (previousLast >= 0 && batch.baseOffset !== previousLast + 1)) {
            this.report(
              'offsets-strictly-increasing',
              state.name,
              [previousLast, batch.baseOffset],
              `broker ${id}'s log of ${state.name} has a batch ${batch.baseOffset}..${batch.lastOffset} after offset ${previousLast}`,
            );
            broken = true;
          }
          previousLast = batch.lastOffset;
        }
        if (broken) break;
      }
      progress.upTo = log.logEndOffset;
    }
  }

  // ---- summaries for scenarios -------------------------------------------------------------

  /** Acknowledged records the current leaders no longer hold (acks=0 records are looked up by value). */
  lostRecords(): AckedRecord[] {
    const lost: AckedRecord[] = [];
    for (const state of this.partitions.values()) {
      const leader = this.cluster.leaderPartition(state.tp);
      const view = this.cluster.partition(state.tp);
      // With no leader to ask, look at the replica the controller would elect first: its last leader.
      const log = 'error' in leader ? (view?.hasLeader ? view.leaderLog() : undefined) : leader.log;
      if (log === undefined) continue;
      for (const a of state.acked) {
        const found = valueAt(log, a.offset);
        if (found === MISSING || (found !== RETAINED_AWAY && a.value !== null && found !== a.value)) lost.push(a);
      }
      if (state.unplaced.length > 0) {
        const present = new Set(allValues(log));
        for (const a of state.unplaced) if (a.value !== null && !present.has(a.value)) lost.push(a);
      }
    }
    return lost;
  }

  private report(checker: CheckerName, partition: string, offsets: readonly number[], message: string): void {
    if (this.violations.has(checker)) return;
    const sim = this.cluster.sim;
    const violation: Violation = { checker, atMs: sim.elapsedMs, partition, offsets, message, tracePosition: sim.trace.position };
    this.violations.set(checker, violation);
    if (this.pending === null) this.pending = violation;
    if (sim.trace.active) sim.trace.emit('checker.violation', { checker, partition, offsets: [...offsets], message } as Record<string, TraceValue>);
  }
}

const MISSING = Symbol('missing');
const RETAINED_AWAY = Symbol('deleted by retention');

/** The value at `offset` in `log`, MISSING past its end, RETAINED_AWAY below its start. */
function valueAt(log: UnifiedLog, offset: number): string | null | typeof MISSING | typeof RETAINED_AWAY {
  if (offset < log.logStartOffset) return RETAINED_AWAY;
  if (offset >= log.logEndOffset) return MISSING;
  const batch = log.batchContaining(offset);
  if (batch === undefined) return MISSING;
  return batch.records?.values?.[offset - batch.baseOffset] ?? null;
}

function sameBatch(a: StoredBatch, b: StoredBatch, offset: number): boolean {
  if (a.baseOffset === b.baseOffset && a.lastOffset === b.lastOffset) {
    return (
      a.partitionLeaderEpoch === b.partitionLeaderEpoch &&
      a.producerId === b.producerId &&
      a.baseSequence === b.baseSequence &&
      a.sizeBytes === b.sizeBytes &&
      (a.records === b.records || sameValues(a, b))
    );
  }
  // Different batch boundaries: compare the record at `offset` alone.
  return a.partitionLeaderEpoch === b.partitionLeaderEpoch && (a.records?.values?.[offset - a.baseOffset] ?? null) === (b.records?.values?.[offset - b.baseOffset] ?? null);
}

function sameValues(a: StoredBatch, b: StoredBatch): boolean {
  const va = a.records?.values ?? null;
  const vb = b.records?.values ?? null;
  if (va === null || vb === null) return va === vb;
  for (let i = 0; i < va.length; i++) if (va[i] !== vb[i]) return false;
  return true;
}

function describeRecord(batch: StoredBatch, offset: number): string {
  const value = batch.records?.values?.[offset - batch.baseOffset];
  return `${value === undefined ? 'a record' : JSON.stringify(value)} (leader epoch ${batch.partitionLeaderEpoch})`;
}

function* allValues(log: UnifiedLog): Generator<string> {
  for (const segment of log.logSegments) {
    for (const batch of segment.batches) {
      const values = batch.records?.values;
      if (values == null) continue;
      for (const v of values) if (v !== null) yield v;
    }
  }
}

/** Put `value` at `sig[i]`; true when it differs from what was there. */
function store(sig: number[], i: number, value: number): boolean {
  if (sig[i] === value) return false;
  sig[i] = value;
  return true;
}
