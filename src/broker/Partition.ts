/**
 * One partition as one broker sees it (Kafka's `Partition` with its
 * `Replica` states): the local log, the leader and epoch the metadata names,
 * the ISR, and, while this broker leads, what it knows of every follower.
 *
 * The rules it keeps, as a leader:
 *   - High watermark (Partition.maybeIncrementLeaderHW): the smallest log end
 *     offset over the maximal ISR (the committed ISR plus a member being
 *     added) and over followers caught up enough to join, clamped to the
 *     leader's log, and only ever moved forward. Since 3.7 (KAFKA-15583) it
 *     does not move while the committed ISR is smaller than
 *     min(min.insync.replicas, replication factor).
 *   - Follower fetch state (Replica.updateFetchStateOrThrow): a follower's
 *     log end offset is its fetch offset; `lastCaughtUpTimeMs` moves to the
 *     fetch time when it fetched from the leader's log end, or to the previous
 *     fetch time when it reached the log end of that previous fetch.
 *   - ISR shrink (getOutOfSyncReplicas): a follower is out of sync unless its
 *     log end equals the leader's or it caught up within
 *     replica.lag.time.max.ms.
 *   - ISR expand (isFollowerInSync): its log end is at or past the high
 *     watermark and the start offset of the current leader epoch, and it is
 *     eligible (unfenced, not shutting down, current broker epoch).
 *   - ISR changes go to the controller (AlterPartition) and only count once
 *     committed; one at a time.
 *   - acks=all: rejected before the append with NOT_ENOUGH_REPLICAS when the
 *     committed ISR is below the effective minimum; acknowledged once the high
 *     watermark passes the batch, with NOT_ENOUGH_REPLICAS_AFTER_APPEND if the
 *     ISR fell below the minimum meanwhile (checkEnoughReplicasReachOffset).
 */
import type { Simulation } from '../sim/Simulation';
import type { ResolvedBrokerConfig } from './BrokerConfig';
import { kafkaError, type KafkaError } from './errors';
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from './LeaderEpochCache';
import { NO_LEADER } from './partitionElection';
import { ProducerStateManager } from './ProducerStateManager';
import type { Acks, EpochEndOffset, PartitionRecord, ProduceBatch } from './protocol';
import type { StoredBatch } from './recordBatch';
import type { LogAppendInfo, TopicPartition, UnifiedLog } from './UnifiedLog';

export { NO_LEADER };

/** A follower as its leader sees it (Kafka's ReplicaState). */
export interface ReplicaState {
  readonly brokerId: number;
  /** -1 until the follower's first fetch under this leader. */
  logEndOffset: number;
  lastCaughtUpTimeMs: number;
  lastFetchLeaderLogEndOffset: number;
  lastFetchTimeMs: number;
  brokerEpoch: number;
}

interface PendingIsrChange {
  readonly kind: 'expand' | 'shrink';
  readonly proposedIsr: readonly number[];
  /** The ISR the high watermark must respect meanwhile (KIP-497's maximal ISR). */
  readonly maximalIsr: readonly number[];
}

/** What a partition needs from its broker. */
export interface PartitionHost {
  readonly sim: Simulation;
  readonly brokerId: number;
  readonly config: ResolvedBrokerConfig;
  isReplicaIsrEligible(brokerId: number, fetchBrokerEpoch: number): boolean;
  /** Send AlterPartition to the controller for this partition's pending change. */
  submitAlterPartition(partition: Partition, proposedIsr: readonly number[]): void;
  /** The leader's high watermark moved: delayed produces may complete. */
  onHighWatermarkIncreased(partition: Partition): void;
}

export type LeaderAppendResult =
  | { readonly kind: 'appended'; readonly info: LogAppendInfo }
  | { readonly kind: 'duplicate'; readonly firstOffset: number; readonly lastOffset: number }
  | KafkaError;

export class Partition {
  readonly topicPartition: TopicPartition;
  readonly name: string;
  readonly log: UnifiedLog;
  readonly producerState: ProducerStateManager;
  replicas: readonly number[] = [];
  isr: readonly number[] = [];
  leaderId = NO_LEADER;
  leaderEpoch = -1;
  partitionEpoch = -1;
  /** Start offset of this broker's current leader epoch, -1 when not leader. */
  leaderEpochStartOffset = -1;
  pendingIsr: PendingIsrChange | null = null;
  /** The partition epoch of the last NOT_ENOUGH_REPLICAS trace (one per ISR state). */
  private rejectedAtPartitionEpoch = -1;
  readonly remoteReplicas = new Map<number, ReplicaState>();
  private readonly host: PartitionHost;

  constructor(options: { log: UnifiedLog; host: PartitionHost }) {
    this.log = options.log;
    this.topicPartition = options.log.topicPartition;
    this.name = options.log.name;
    this.host = options.host;
    this.producerState = new ProducerStateManager(this.name);
    this.producerState.rebuild(allBatches(this.log));
  }

  get isLeader(): boolean {
    return this.leaderId === this.host.brokerId;
  }

  get maximalIsr(): readonly number[] {
    return this.pendingIsr?.maximalIsr ?? this.isr;
  }

  /** min(min.insync.replicas, RF) since 3.7; the raw setting before. */
  get effectiveMinIsr(): number {
    const minIsr = this.log.config['min.insync.replicas'];
    return this.host.config.highWatermarkMinIsrRule ? Math.min(minIsr, this.replicas.length) : minIsr;
  }

  get isUnderMinIsr(): boolean {
    return this.isLeader && this.isr.length < this.effectiveMinIsr;
  }

  // ---- leadership ---------------------------------------------------------------

  /** Partition.makeLeader. Returns true when this is a new leader epoch for this broker. */
  makeLeader(record: PartitionRecord): boolean {
    const nowMs = this.host.sim.nowMs;
    const isNewLeaderEpoch = !this.isLeader || record.leaderEpoch > this.leaderEpoch;
    const wasLeader = this.isLeader;
    this.replicas = record.replicas;
    this.isr = record.isr;
    this.partitionEpoch = record.partitionEpoch;
    this.pendingIsr = null;
    this.leaderId = this.host.brokerId;
    this.leaderEpoch = record.leaderEpoch;
    const leaderEnd = this.log.logEndOffset;
    for (const id of record.replicas) {
      if (id === this.host.brokerId) continue;
      const inSync = record.isr.includes(id);
      const previous = wasLeader ? this.remoteReplicas.get(id) : undefined;
      // Replica.resetReplicaState: the ISR gets a full replica.lag.time.max.ms of grace.
      this.remoteReplicas.set(
        id,
        isNewLeaderEpoch || previous === undefined
          ? { brokerId: id, logEndOffset: -1, lastCaughtUpTimeMs: inSync ? nowMs : 0, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0, brokerEpoch: -1 }
          : { ...previous, lastFetchLeaderLogEndOffset: leaderEnd, lastFetchTimeMs: inSync ? nowMs : 0, lastCaughtUpTimeMs: inSync ? nowMs : 0 },
      );
    }
    for (const id of [...this.remoteReplicas.keys()]) if (!record.replicas.includes(id)) this.remoteReplicas.delete(id);
    if (isNewLeaderEpoch) {
      // UnifiedLog.maybeAssignEpochStartOffset: the epoch starts at the log end, before any record of it.
      this.log.leaderEpochCache.assign(record.leaderEpoch, leaderEnd);
      this.leaderEpochStartOffset = leaderEnd;
      // The first leader of a new partition is not news; every later one is.
      if (this.host.sim.trace.active && record.leaderEpoch > 0) {
        this.host.sim.trace.emit('partition.leader', {
          broker: this.host.brokerId,
          partition: this.name,
          leaderEpoch: record.leaderEpoch,
          startOffset: leaderEnd,
          highWatermark: this.log.highWatermark,
          isr: [...record.isr],
        });
      }
    }
    if (this.maybeIncrementLeaderHighWatermark()) this.host.onHighWatermarkIncreased(this);
    return isNewLeaderEpoch;
  }

  /** Partition.makeFollower. Returns true when the leader or its epoch changed. */
  makeFollower(record: PartitionRecord): boolean {
    const changed = this.leaderId !== record.leader || this.leaderEpoch !== record.leaderEpoch;
    this.replicas = record.replicas;
    this.isr = record.isr;
    this.partitionEpoch = record.partitionEpoch;
    this.pendingIsr = null;
    this.leaderId = record.leader;
    this.leaderEpoch = record.leaderEpoch;
    this.leaderEpochStartOffset = -1;
    this.remoteReplicas.clear();
    if (changed && this.host.sim.trace.active) {
      this.host.sim.trace.emit('partition.follower', { broker: this.host.brokerId, partition: this.name, leader: record.leader, leaderEpoch: record.leaderEpoch });
    }
    return changed;
  }

  /** The ISR changed with no new leader epoch (a committed AlterPartition or a fencing). */
  updateIsr(record: PartitionRecord): void {
    if (record.partitionEpoch <= this.partitionEpoch) return;
    this.replicas = record.replicas;
    this.isr = record.isr;
    this.partitionEpoch = record.partitionEpoch;
    this.pendingIsr = null;
    if (this.isLeader && this.maybeIncrementLeaderHighWatermark()) this.host.onHighWatermarkIncreased(this);
  }

  // ---- the leader's log ---------------------------------------------------------------

  /** Partition.appendRecordsToLeader. */
  appendRecordsToLeader(batch: ProduceBatch, acks: Acks): LeaderAppendResult {
    if (!this.isLeader) return kafkaError('NOT_LEADER_OR_FOLLOWER');
    if (acks === -1 && this.isr.length < this.effectiveMinIsr) {
      // The detailed text stays in the broker's log; the client gets the default message.
      if (this.host.sim.trace.active && this.rejectedAtPartitionEpoch !== this.partitionEpoch) {
        this.rejectedAtPartitionEpoch = this.partitionEpoch;
        this.host.sim.trace.emit('partition.not-enough-replicas', {
          broker: this.host.brokerId,
          partition: this.name,
          message: `The size of the current ISR Set(${this.isr.join(', ')}) is insufficient to satisfy the min.isr requirement of ${this.effectiveMinIsr} for partition ${this.name}`,
        });
      }
      return kafkaError('NOT_ENOUGH_REPLICAS');
    }
    const count = batch.records !== null ? batch.records.length : batch.uniform!.count;
    if (batch.producer !== null) {
      const check = this.producerState.checkClientAppend(batch.producer, count, this.log.logEndOffset);
      if ('error' in check) return check;
      if (check.kind === 'duplicate') return { kind: 'duplicate', firstOffset: check.batch.firstOffset, lastOffset: check.batch.lastOffset };
    }
    const options = { leaderEpoch: this.leaderEpoch, producer: batch.producer ?? undefined };
    const info = batch.records !== null ? this.log.appendAsLeader(batch.records, options) : this.log.appendUniformAsLeader(batch.uniform!, options);
    if ('error' in info) return info;
    if (batch.producer !== null) this.producerState.update(batch.producer, info.firstOffset, info.lastOffset, info.maxTimestampMs);
    // "we may need to increment high watermark since ISR could be down to 1"
    if (this.maybeIncrementLeaderHighWatermark()) this.host.onHighWatermarkIncreased(this);
    return { kind: 'appended', info };
  }

  /** Partition.checkEnoughReplicasReachOffset, for a delayed acks=all produce. */
  checkEnoughReplicasReachOffset(requiredOffset: number): { done: boolean; error: KafkaError | null } {
    if (!this.isLeader) return { done: true, error: kafkaError('NOT_LEADER_OR_FOLLOWER') };
    if (this.log.highWatermark < requiredOffset) return { done: false, error: null };
    if (this.effectiveMinIsr <= this.maximalIsr.length) return { done: true, error: null };
    return { done: true, error: kafkaError('NOT_ENOUGH_REPLICAS_AFTER_APPEND') };
  }

  /** Partition.maybeIncrementLeaderHW. Returns true when the high watermark moved. */
  maybeIncrementLeaderHighWatermark(): boolean {
    if (!this.isLeader) return false;
    if (this.host.config.highWatermarkMinIsrRule && this.isr.length < this.effectiveMinIsr) return false;
    const log = this.log;
    const leaderEnd = log.logEndOffset;
    const nowMs = this.host.sim.nowMs;
    let newHw = leaderEnd;
    const maximal = this.maximalIsr;
    for (const replica of this.remoteReplicas.values()) {
      if (replica.logEndOffset >= newHw) continue;
      if (maximal.includes(replica.brokerId) || (this.isCaughtUp(replica, leaderEnd, nowMs) && this.host.isReplicaIsrEligible(replica.brokerId, replica.brokerEpoch))) {
        newHw = replica.logEndOffset;
      }
    }
    const before = log.highWatermark;
    if (newHw <= before) return false;
    log.updateHighWatermark(newHw);
    if (this.host.sim.trace.active) this.host.sim.trace.emit('partition.hw', { broker: this.host.brokerId, partition: this.name, from: before, to: log.highWatermark });
    return true;
  }

  // ---- followers, seen from the leader -------------------------------------------------

  /**
   * Partition.updateFollowerFetchState: a follower fetched from `fetchOffset`.
   * Returns true when the high watermark moved.
   */
  updateFollowerFetchState(replicaId: number, brokerEpoch: number, fetchOffset: number): boolean {
    const replica = this.remoteReplicas.get(replicaId);
    if (replica === undefined) return false;
    const nowMs = this.host.sim.nowMs;
    const leaderEnd = this.log.logEndOffset;
    const previousEnd = replica.logEndOffset;
    // Replica.updateFetchStateOrThrow
    if (fetchOffset >= leaderEnd) replica.lastCaughtUpTimeMs = Math.max(replica.lastCaughtUpTimeMs, nowMs);
    else if (fetchOffset >= replica.lastFetchLeaderLogEndOffset) replica.lastCaughtUpTimeMs = Math.max(replica.lastCaughtUpTimeMs, replica.lastFetchTimeMs);
    replica.logEndOffset = fetchOffset;
    replica.lastFetchLeaderLogEndOffset = Math.max(leaderEnd, replica.lastFetchLeaderLogEndOffset);
    replica.lastFetchTimeMs = nowMs;
    replica.brokerEpoch = brokerEpoch;
    const hwMoved = previousEnd !== fetchOffset && this.maybeIncrementLeaderHighWatermark();
    this.maybeExpandIsr(replica);
    return hwMoved;
  }

  private isCaughtUp(replica: ReplicaState, leaderEndOffset: number, nowMs: number): boolean {
    return replica.logEndOffset === leaderEndOffset || nowMs - replica.lastCaughtUpTimeMs <= this.host.config.replicaLagTimeMaxMs;
  }

  /** Partition.maybeExpandIsr. */
  private maybeExpandIsr(replica: ReplicaState): void {
    if (this.pendingIsr !== null || this.isr.includes(replica.brokerId)) return;
    if (!this.host.isReplicaIsrEligible(replica.brokerId, replica.brokerEpoch)) return;
    // isFollowerInSync: at or past the high watermark and the start of the current leader epoch.
    const end = replica.logEndOffset;
    if (end < this.log.highWatermark || end < this.leaderEpochStartOffset) return;
    const proposed = [...this.isr, replica.brokerId];
    this.pendingIsr = { kind: 'expand', proposedIsr: proposed, maximalIsr: proposed };
    if (this.host.sim.trace.active) {
      this.host.sim.trace.emit('isr.expand', {
        broker: this.host.brokerId,
        partition: this.name,
        isr: [...this.isr],
        newIsr: proposed,
        follower: replica.brokerId,
        followerEndOffset: end,
        highWatermark: this.log.highWatermark,
      });
    }
    this.host.submitAlterPartition(this, proposed);
  }

  /** Partition.maybeShrinkIsr, run every replica.lag.time.max.ms / 2. */
  maybeShrinkIsr(): void {
    if (!this.isLeader || this.pendingIsr !== null) return;
    const nowMs = this.host.sim.nowMs;
    const leaderEnd = this.log.logEndOffset;
    const outOfSync: ReplicaState[] = [];
    for (const id of this.isr) {
      if (id === this.host.brokerId) continue;
      const replica = this.remoteReplicas.get(id);
      if (replica === undefined || !this.isCaughtUp(replica, leaderEnd, nowMs)) {
        outOfSync.push(replica ?? { brokerId: id, logEndOffset: -1, lastCaughtUpTimeMs: 0, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0, brokerEpoch: -1 });
      }
    }
    if (outOfSync.length === 0) return;
    const proposed = this.isr.filter((id) => !outOfSync.some((r) => r.brokerId === id));
    this.pendingIsr = { kind: 'shrink', proposedIsr: proposed, maximalIsr: this.isr };
    if (this.host.sim.trace.active) {
      this.host.sim.trace.emit('isr.shrink', {
        broker: this.host.brokerId,
        partition: this.name,
        isr: [...this.isr],
        newIsr: proposed,
        highWatermark: this.log.highWatermark,
        endOffset: leaderEnd,
        outOfSync: outOfSync.map((r) => ({ brokerId: r.brokerId, endOffset: r.logEndOffset, lastCaughtUpTimeMs: r.lastCaughtUpTimeMs })),
        lagMs: this.host.config.replicaLagTimeMaxMs,
      });
    }
    this.host.submitAlterPartition(this, proposed);
  }

  /** The controller answered an AlterPartition (handleAlterPartitionUpdate). */
  onAlterPartitionResponse(result: { error: string | null; leaderEpoch: number; isr: readonly number[]; partitionEpoch: number }): void {
    if (!this.isLeader || this.pendingIsr === null) return;
    if (result.error === null) {
      if (result.leaderEpoch !== this.leaderEpoch || result.partitionEpoch <= this.partitionEpoch) {
        this.pendingIsr = null;
        return;
      }
      this.isr = result.isr;
      this.partitionEpoch = result.partitionEpoch;
      this.pendingIsr = null;
      if (this.maybeIncrementLeaderHighWatermark()) this.host.onHighWatermarkIncreased(this);
      return;
    }
    // INELIGIBLE_REPLICA and similar: go back to the committed state and try again later.
    // FENCED_LEADER_EPOCH / INVALID_UPDATE_VERSION: new metadata is on its way and clears the state.
    if (result.error === 'INELIGIBLE_REPLICA') this.pendingIsr = null;
  }

  /** Partition.lastOffsetForLeaderEpoch (OffsetsForLeaderEpoch on the leader). */
  lastOffsetForLeaderEpoch(currentLeaderEpoch: number, requestedEpoch: number): Omit<EpochEndOffset, 'topic' | 'partition'> {
    const error = this.checkLeaderEpoch(currentLeaderEpoch);
    if (error !== null) return { error: error.error, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    const found = this.log.leaderEpochCache.endOffsetFor(requestedEpoch, this.log.logEndOffset);
    if (found.startOffset === UNDEFINED_EPOCH_OFFSET) return { error: null, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    return { error: null, leaderEpoch: found.epoch, endOffset: found.startOffset };
  }

  /** Partition.getLocalLog's leader checks: NOT_LEADER_OR_FOLLOWER, FENCED_ / UNKNOWN_LEADER_EPOCH. */
  checkLeaderEpoch(currentLeaderEpoch: number): KafkaError | null {
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch < this.leaderEpoch) return kafkaError('FENCED_LEADER_EPOCH');
    if (currentLeaderEpoch > this.leaderEpoch) return kafkaError('UNKNOWN_LEADER_EPOCH');
    if (!this.isLeader) return kafkaError('NOT_LEADER_OR_FOLLOWER');
    return null;
  }

  /** The log was truncated or recovered: rebuild producer state from what it still holds. */
  reloadProducerState(): void {
    this.producerState.rebuild(allBatches(this.log));
  }

  /** A follower appended a replicated batch: producer state follows (origin REPLICATION). */
  onFollowerAppend(batch: StoredBatch): void {
    if (batch.producerId >= 0) {
      this.producerState.update(
        { producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence },
        batch.baseOffset,
        batch.lastOffset,
        batch.maxTimestampMs,
      );
    }
  }
}

function* allBatches(log: UnifiedLog): Generator<StoredBatch> {
  for (const segment of log.logSegments) yield* segment.batches;
}
