/**
 * The partitions of one running broker process (Kafka's `ReplicaManager`):
 * it turns metadata into leadership and followership, answers Produce, Fetch
 * and OffsetsForLeaderEpoch, keeps acks=all produces and idle follower
 * fetches waiting (DelayedProduce, DelayedFetch), and runs the leader's ISR
 * check every `replica.lag.time.max.ms / 2`.
 *
 *   - acks=0: no response; acks=1: answered after the leader's append;
 *     acks=all: answered when the high watermark passes the batch, or with
 *     REQUEST_TIMED_OUT after the request's timeout (the records stay in the
 *     log), or NOT_LEADER_OR_FOLLOWER when leadership moves first.
 *   - A follower fetch with no new data waits up to `replica.fetch.wait.max.ms`
 *     and is answered as soon as the leader appends. The response carries the
 *     high watermark read before the fetch moved it, so followers learn it on
 *     their next fetch (Partition.fetchRecords reads, then updates state).
 *   - Becoming a follower under `high-watermark` truncation cuts the log to
 *     the replica's own high watermark at once (0.10's makeFollowers); under
 *     `leader-epoch` the fetcher asks the leader first.
 */
import type { Timer } from '../sim/Simulation';
import { kafkaError, type KafkaError, type KafkaErrorCode } from './errors';
import type { MetadataCache, MetadataDelta } from './MetadataCache';
import type { NetworkClient } from './NetworkClient';
import { NO_LEADER, Partition, type PartitionHost } from './Partition';
import type {
  AlterPartitionResponseBody,
  EpochEndOffset,
  FetchPartitionResponse,
  FetchRequest,
  KafkaMessage,
  OffsetsForLeaderEpochRequest,
  PartitionRecord,
  ProducePartitionResponse,
  ProduceRequest,
} from './protocol';
import { ReplicaFetcher, type FetcherHost } from './ReplicaFetcher';
import type { StoredBatch } from './recordBatch';
import type { UnifiedLog } from './UnifiedLog';
import type { LogConfig } from './LogConfig';
import type { TopicPartition } from './UnifiedLog';
import type { ResolvedBrokerConfig } from './BrokerConfig';
import type { Simulation } from '../sim/Simulation';

/** What the replica manager needs from its broker process. */
export interface ReplicaManagerHost {
  readonly sim: Simulation;
  readonly brokerId: number;
  readonly endpoint: string;
  readonly config: ResolvedBrokerConfig;
  readonly client: NetworkClient;
  readonly metadata: MetadataCache;
  brokerEpoch(): number;
  schedule(delayMs: number, label: string, run: () => void): Timer;
  send(to: string, message: KafkaMessage): void;
  /** The log of a replica on this broker's disk, created if missing. */
  logFor(tp: TopicPartition, config: LogConfig): UnifiedLog;
  deleteLog(tp: TopicPartition): void;
  controllerEndpoint: string;
  /** A committed AlterPartition changed an ISR here (the isr-expiration task may have work again). */
  onIsrChanged(): void;
}

interface ProduceStatus {
  readonly topic: string;
  readonly partition: number;
  readonly target: Partition | null;
  error: KafkaError | null;
  baseOffset: number;
  logStartOffset: number;
  /** The high watermark this batch needs (its last offset + 1); -1 when not waiting. */
  requiredOffset: number;
  /** Still waiting for the high watermark (acks=all). */
  waiting: boolean;
}

interface DelayedProduce {
  readonly to: string;
  readonly correlationId: number;
  readonly statuses: ProduceStatus[];
  pending: number;
  timer: Timer | undefined;
  done: boolean;
}

interface DelayedFetch {
  readonly to: string;
  readonly request: FetchRequest;
  readonly watching: Partition[];
  timer: Timer | undefined;
  done: boolean;
}

export class ReplicaManager implements PartitionHost, FetcherHost {
  readonly partitions = new Map<string, Partition>();
  /** The same partitions by topic and index, so a request needs no name built per partition. */
  private readonly byTopic = new Map<string, Partition[]>();
  readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly host: ReplicaManagerHost;
  private readonly waitingProduces = new Map<Partition, DelayedProduce[]>();
  private readonly waitingFetches = new Map<Partition, Set<DelayedFetch>>();

  constructor(host: ReplicaManagerHost) {
    this.host = host;
  }

  get sim(): Simulation {
    return this.host.sim;
  }

  get brokerId(): number {
    return this.host.brokerId;
  }

  get config(): ResolvedBrokerConfig {
    return this.host.config;
  }

  get client(): NetworkClient {
    return this.host.client;
  }

  brokerEpoch(): number {
    return this.host.brokerEpoch();
  }

  schedule(delayMs: number, label: string, run: () => void): Timer {
    return this.host.schedule(delayMs, label, run);
  }

  partition(tp: TopicPartition): Partition | undefined {
    return this.byTopic.get(tp.topic)?.[tp.partition];
  }

  // ---- metadata ---------------------------------------------------------------------

  /** ReplicaManager.applyDelta: become leader or follower as the new metadata says. */
  applyDelta(delta: MetadataDelta): void {
    for (const topic of delta.removedTopics) this.removeTopic(topic);
    for (const record of delta.partitions) this.applyPartition(record);
    if (delta.brokersChanged) this.startFetchersForReturningLeaders();
  }

  private applyPartition(record: PartitionRecord): void {
    const me = this.host.brokerId;
    if (!record.replicas.includes(me)) return;
    const name = `${record.topic}-${record.partition}`;
    let partition = this.partitions.get(name);
    if (partition === undefined) {
      const topic = this.host.metadata.topics.get(record.topic);
      if (topic === undefined) return;
      const log = this.host.logFor({ topic: record.topic, partition: record.partition }, topic.config);
      partition = new Partition({ log, host: this });
      this.partitions.set(name, partition);
      let list = this.byTopic.get(record.topic);
      if (list === undefined) this.byTopic.set(record.topic, (list = []));
      list[record.partition] = partition;
    }
    if (record.leader === me) {
      if (!partition.isLeader || record.leaderEpoch > partition.leaderEpoch) {
        this.removeFetcher(partition);
        partition.makeLeader(record);
        this.completeDelayedFetches(partition);
      } else {
        partition.updateIsr(record);
      }
      return;
    }
    if (partition.leaderId !== record.leader || partition.leaderEpoch !== record.leaderEpoch || partition.isLeader) {
      this.becomeFollower(partition, record);
    } else {
      partition.updateIsr(record);
    }
  }

  private becomeFollower(partition: Partition, record: PartitionRecord): void {
    partition.makeFollower(record);
    this.failDelayedProduces(partition, kafkaError('NOT_LEADER_OR_FOLLOWER'));
    this.completeDelayedFetches(partition);
    this.removeFetcher(partition);
    this.maybeStartFetcher(partition);
  }

  private maybeStartFetcher(partition: Partition): void {
    const leader = partition.leaderId;
    if (leader === NO_LEADER || leader === this.host.brokerId || !this.host.metadata.isAlive(leader)) return;
    const truncation = this.host.config.followerTruncation;
    if (truncation === 'high-watermark') {
      const hw = partition.log.highWatermark;
      this.truncate(partition, hw, `it became a follower of broker ${leader} (epoch ${partition.leaderEpoch}): truncate to its own high watermark ${hw}`);
    }
    let fetcher = this.fetchers.get(leader);
    if (fetcher === undefined) {
      fetcher = new ReplicaFetcher(this, leader);
      this.fetchers.set(leader, fetcher);
    }
    fetcher.addPartition(partition, partition.leaderEpoch, { truncating: truncation === 'leader-epoch' });
  }

  private removeFetcher(partition: Partition): void {
    for (const [leader, fetcher] of this.fetchers) {
      fetcher.removePartition(partition.name);
      if (fetcher.isEmpty) this.fetchers.delete(leader);
    }
  }

  private startFetchersForReturningLeaders(): void {
    for (const partition of this.partitions.values()) {
      if (partition.isLeader || partition.leaderId === NO_LEADER) continue;
      const fetcher = this.fetchers.get(partition.leaderId);
      if (fetcher !== undefined && fetcher.partitionNames().includes(partition.name)) continue;
      this.maybeStartFetcher(partition);
    }
  }

  private removeTopic(topic: string): void {
    for (const [name, partition] of [...this.partitions]) {
      if (partition.topicPartition.topic !== topic) continue;
      this.removeFetcher(partition);
      this.failDelayedProduces(partition, kafkaError('UNKNOWN_TOPIC_OR_PARTITION'));
      this.completeDelayedFetches(partition);
      this.partitions.delete(name);
      this.byTopic.delete(topic);
      this.host.deleteLog(partition.topicPartition);
    }
  }

  // ---- truncation (FetcherHost) ----------------------------------------------------------

  truncate(partition: Partition, offset: number, reason: string): void {
    const log = partition.log;
    if (offset >= log.logEndOffset) {
      this.traceTruncation(partition, log.logEndOffset, log.logEndOffset, reason);
      return;
    }
    const from = log.logEndOffset;
    this.traceTruncation(partition, from, offset, reason);
    log.truncateTo(offset);
    partition.reloadProducerState();
  }

  truncateFullyAndStartAt(partition: Partition, offset: number, reason: string): void {
    this.traceTruncation(partition, partition.log.logEndOffset, offset, reason);
    partition.log.truncateFullyAndStartAt(offset);
    partition.reloadProducerState();
  }

  private traceTruncation(partition: Partition, from: number, to: number, reason: string): void {
    if (!this.host.sim.trace.active || (from === 0 && to === 0)) return;
    this.host.sim.trace.emit(from === to ? 'replica.no-truncation' : 'replica.truncate', {
      broker: this.host.brokerId,
      partition: partition.name,
      rule: this.host.config.followerTruncation,
      from,
      to,
      highWatermark: partition.log.highWatermark,
      reason,
    });
  }

  // ---- PartitionHost -------------------------------------------------------------------

  isReplicaIsrEligible(brokerId: number, fetchBrokerEpoch: number): boolean {
    return this.host.metadata.isReplicaIsrEligible(brokerId, fetchBrokerEpoch);
  }

  submitAlterPartition(partition: Partition, proposedIsr: readonly number[]): void {
    const leaderEpoch = partition.leaderEpoch;
    const partitionEpoch = partition.partitionEpoch;
    this.host.client.send(
      this.host.controllerEndpoint,
      (correlationId) => ({
        kind: 'alter-partition',
        correlationId,
        brokerId: this.host.brokerId,
        brokerEpoch: this.host.brokerEpoch(),
        topic: partition.topicPartition.topic,
        partition: partition.topicPartition.partition,
        leaderEpoch,
        partitionEpoch,
        newIsr: proposedIsr,
      }),
      (body, failure) => {
        if (this.partitions.get(partition.name) !== partition) return;
        if (failure !== null) {
          // AlterPartitionManager retries until the controller answers.
          if (partition.pendingIsr !== null && partition.leaderEpoch === leaderEpoch && partition.partitionEpoch === partitionEpoch) {
            this.host.schedule(100, `alter-partition retry ${partition.name}`, () => {
              if (partition.pendingIsr !== null && partition.leaderEpoch === leaderEpoch && partition.partitionEpoch === partitionEpoch) {
                this.submitAlterPartition(partition, partition.pendingIsr.proposedIsr);
              }
            });
          }
          return;
        }
        partition.onAlterPartitionResponse(body as AlterPartitionResponseBody);
        this.host.onIsrChanged();
        this.tryCompleteDelayedProduces(partition);
      },
    );
  }

  onHighWatermarkIncreased(partition: Partition): void {
    this.tryCompleteDelayedProduces(partition);
  }

  /**
   * Every replica.lag.time.max.ms / 2 (ReplicaManager's isr-expiration task).
   * Returns false when no later run can shrink anything until leadership or
   * an ISR changes: this broker leads no partition whose ISR has another
   * member (the leader never removes itself).
   */
  maybeShrinkIsr(): boolean {
    let mayShrinkLater = false;
    for (const partition of this.partitions.values()) {
      partition.maybeShrinkIsr();
      if (!mayShrinkLater && partition.isLeader && partition.isr.some((id) => id !== this.host.brokerId)) mayShrinkLater = true;
    }
    return mayShrinkLater;
  }

  highWatermarks(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, partition] of this.partitions) out.set(name, partition.log.highWatermark);
    return out;
  }

  // ---- produce ---------------------------------------------------------------------------

  handleProduce(from: string, request: ProduceRequest): void {
    const statuses: ProduceStatus[] = [];
    for (const batch of request.batches) {
      const partition = this.partition(batch);
      const status: ProduceStatus = {
        topic: batch.topic,
        partition: batch.partition,
        target: partition ?? null,
        error: null,
        baseOffset: -1,
        logStartOffset: -1,
        requiredOffset: -1,
        waiting: false,
      };
      statuses.push(status);
      if (partition === undefined) {
        status.error = kafkaError(this.host.metadata.noReplicaError(batch.topic));
        continue;
      }
      const result = partition.appendRecordsToLeader(batch, request.acks);
      if ('error' in result) {
        status.error = result;
        continue;
      }
      status.logStartOffset = partition.log.logStartOffset;
      if (result.kind === 'appended') {
        status.baseOffset = result.info.firstOffset;
        status.requiredOffset = result.info.lastOffset + 1;
        this.completeDelayedFetches(partition);
      } else {
        status.baseOffset = result.firstOffset;
        status.requiredOffset = result.lastOffset + 1;
        if (this.host.sim.trace.active) {
          this.host.sim.trace.emit('partition.duplicate', { broker: this.host.brokerId, partition: partition.name, producerId: batch.producer!.producerId, baseSequence: batch.producer!.baseSequence, firstOffset: result.firstOffset, lastOffset: result.lastOffset });
        }
      }
    }
    if (request.acks === 0) return;
    const delayed: DelayedProduce = { to: from, correlationId: request.correlationId, statuses, pending: 0, timer: undefined, done: false };
    if (request.acks === -1) {
      for (const status of statuses) {
        if (status.error !== null || status.target === null) continue;
        const check = status.target.checkEnoughReplicasReachOffset(status.requiredOffset);
        if (check.done) {
          status.error = check.error;
          continue;
        }
        delayed.pending++;
        status.waiting = true;
        let queue = this.waitingProduces.get(status.target);
        if (queue === undefined) this.waitingProduces.set(status.target, (queue = []));
        queue.push(delayed);
      }
    }
    if (delayed.pending === 0) return this.respondProduce(delayed);
    delayed.timer = this.host.schedule(request.timeoutMs, `delayed produce ${from}#${request.correlationId}`, () => {
      delayed.timer = undefined;
      if (delayed.done) return;
      // DelayedProduce starts every status at REQUEST_TIMED_OUT until its acks arrive.
      for (const status of delayed.statuses) if (status.waiting) status.error = kafkaError('REQUEST_TIMED_OUT');
      this.respondProduce(delayed);
    });
  }

  /** An in-process append went straight to the leader: wake the followers waiting on it. */
  afterDirectAppend(partition: Partition): void {
    this.completeDelayedFetches(partition);
  }

  /** DelayedProduce.tryComplete for every request waiting on this partition. */
  private tryCompleteDelayedProduces(partition: Partition): void {
    const queue = this.waitingProduces.get(partition);
    if (queue === undefined || queue.length === 0) return;
    for (const delayed of [...queue]) {
      if (delayed.done) continue;
      const status = delayed.statuses.find((s) => s.target === partition && s.waiting);
      if (status === undefined) continue;
      const check = partition.checkEnoughReplicasReachOffset(status.requiredOffset);
      if (!check.done) continue;
      status.error = check.error;
      status.waiting = false;
      this.unqueue(partition, delayed);
      if (--delayed.pending === 0) this.respondProduce(delayed);
    }
  }

  private failDelayedProduces(partition: Partition, error: KafkaError): void {
    const queue = this.waitingProduces.get(partition);
    if (queue === undefined) return;
    for (const delayed of [...queue]) {
      if (delayed.done) continue;
      const status = delayed.statuses.find((s) => s.target === partition && s.waiting);
      if (status === undefined) continue;
      status.error = error;
      status.waiting = false;
      this.unqueue(partition, delayed);
      if (--delayed.pending === 0) this.respondProduce(delayed);
    }
  }

  private unqueue(partition: Partition, delayed: DelayedProduce): void {
    const queue = this.waitingProduces.get(partition);
    if (queue === undefined) return;
    const i = queue.indexOf(delayed);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) this.waitingProduces.delete(partition);
  }

  private respondProduce(delayed: DelayedProduce): void {
    delayed.done = true;
    this.host.sim.cancel(delayed.timer);
    for (const status of delayed.statuses) {
      if (status.target !== null && status.waiting) this.unqueue(status.target, delayed);
      status.waiting = false;
    }
    const partitions: ProducePartitionResponse[] = delayed.statuses.map((s) => ({
      topic: s.topic,
      partition: s.partition,
      error: s.error?.error ?? null,
      message: s.error?.message ?? null,
      baseOffset: s.error === null ? s.baseOffset : -1,
      logStartOffset: s.logStartOffset,
    }));
    this.host.send(delayed.to, { kind: 'response', correlationId: delayed.correlationId, body: { api: 'produce', partitions } });
  }

  // ---- fetch (from followers) --------------------------------------------------------------

  handleFetch(from: string, request: FetchRequest): void {
    const read = this.readForFollower(request);
    if (request.maxWaitMs <= 0 || read.bytes >= request.minBytes || read.errors > 0 || request.partitions.length === 0) {
      return this.respondFetch(from, request.correlationId, read.partitions);
    }
    const watching = request.partitions.map((p) => this.partition(p)!);
    const delayed: DelayedFetch = { to: from, request, watching, timer: undefined, done: false };
    for (const partition of watching) {
      let set = this.waitingFetches.get(partition);
      if (set === undefined) this.waitingFetches.set(partition, (set = new Set()));
      set.add(delayed);
    }
    delayed.timer = this.host.schedule(request.maxWaitMs, `delayed fetch ${from}#${request.correlationId}`, () => {
      delayed.timer = undefined;
      this.completeDelayedFetch(delayed);
    });
  }

  private completeDelayedFetches(partition: Partition): void {
    const set = this.waitingFetches.get(partition);
    if (set === undefined || set.size === 0) return;
    this.waitingFetches.delete(partition);
    for (const delayed of set) this.completeDelayedFetch(delayed);
  }

  private completeDelayedFetch(delayed: DelayedFetch): void {
    if (delayed.done) return;
    delayed.done = true;
    this.host.sim.cancel(delayed.timer);
    for (const partition of delayed.watching) this.waitingFetches.get(partition)?.delete(delayed);
    this.respondFetch(delayed.to, delayed.request.correlationId, this.readForFollower(delayed.request).partitions);
  }

  private respondFetch(to: string, correlationId: number, partitions: FetchPartitionResponse[]): void {
    this.host.send(to, { kind: 'response', correlationId, body: { api: 'fetch', partitions } });
  }

  /** Partition.fetchRecords for a follower: read first, then record the follower's progress. */
  private readForFollower(request: FetchRequest): { partitions: FetchPartitionResponse[]; bytes: number; errors: number } {
    const partitions: FetchPartitionResponse[] = [];
    let bytes = 0;
    let errors = 0;
    for (const fp of request.partitions) {
      const partition = this.partition(fp);
      if (partition === undefined) {
        partitions.push(fetchError(fp, this.host.metadata.noReplicaError(fp.topic)));
        errors++;
        continue;
      }
      const epochError = partition.checkLeaderEpoch(fp.currentLeaderEpoch);
      if (epochError !== null) {
        partitions.push(fetchError(fp, epochError.error));
        errors++;
        continue;
      }
      const log = partition.log;
      if (fp.fetchOffset > log.logEndOffset || fp.fetchOffset < log.logStartOffset) {
        partitions.push(fetchError(fp, 'OFFSET_OUT_OF_RANGE', log));
        errors++;
        continue;
      }
      const read = log.read(fp.fetchOffset, { maxBytes: request.maxBytes, isolation: 'log_end', minOneMessage: true });
      const batches: readonly StoredBatch[] = 'error' in read && read.error !== null ? NO_BATCHES : read.batches;
      for (const batch of batches) bytes += batch.sizeBytes;
      partitions.push({
        topic: fp.topic,
        partition: fp.partition,
        error: null,
        highWatermark: log.highWatermark,
        logStartOffset: log.logStartOffset,
        logEndOffset: log.logEndOffset,
        batches,
      });
      if (partition.updateFollowerFetchState(request.replicaId, request.brokerEpoch, fp.fetchOffset)) this.tryCompleteDelayedProduces(partition);
    }
    return { partitions, bytes, errors };
  }

  // ---- offsets for leader epoch ---------------------------------------------------------------

  handleOffsetsForLeaderEpoch(from: string, request: OffsetsForLeaderEpochRequest): void {
    const partitions: EpochEndOffset[] = request.partitions.map((p) => {
      const partition = this.partition(p);
      if (partition === undefined) {
        const error = this.host.metadata.noReplicaError(p.topic);
        return { topic: p.topic, partition: p.partition, error, leaderEpoch: -1, endOffset: -1 };
      }
      const result = partition.lastOffsetForLeaderEpoch(p.currentLeaderEpoch, p.leaderEpoch);
      if (this.host.sim.trace.active && result.error === null) {
        this.host.sim.trace.emit('replica.epoch-answer', {
          broker: this.host.brokerId,
          follower: request.replicaId,
          partition: partition.name,
          requestedEpoch: p.leaderEpoch,
          leaderEpoch: result.leaderEpoch,
          endOffset: result.endOffset,
        });
      }
      return { topic: p.topic, partition: p.partition, ...result };
    });
    this.host.send(from, { kind: 'response', correlationId: request.correlationId, body: { api: 'offsets-for-leader-epoch', partitions } });
  }

  /** The process is going away: nothing it promised will be answered. */
  shutdown(): void {
    this.waitingProduces.clear();
    this.waitingFetches.clear();
    this.fetchers.clear();
  }
}

const NO_BATCHES: readonly StoredBatch[] = [];

/** A follower fetch's answer for one partition that failed; an offset out of range says where the log is. */
function fetchError(fp: { readonly topic: string; readonly partition: number }, error: KafkaErrorCode, log?: UnifiedLog): FetchPartitionResponse {
  return {
    topic: fp.topic,
    partition: fp.partition,
    error,
    highWatermark: -1,
    logStartOffset: log?.logStartOffset ?? -1,
    logEndOffset: log?.logEndOffset ?? -1,
    batches: NO_BATCHES,
  };
}
