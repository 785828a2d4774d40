/**
 * A consumer's fetching (Kafka's Fetcher and FetchCollector): Fetch requests
 * to partition leaders, at most one in flight per broker, for the assigned
 * partitions that have a position, are not paused or being revoked, and have
 * nothing buffered; responses are buffered as they arrive (the network is
 * read in the background), and poll() drains the buffer up to
 * `max.poll.records`, moving each partition's position past what it returns.
 *
 *   - Records below the position in a returned batch are skipped (a fetch
 *     returns whole batches).
 *   - A response for a fetch offset that is no longer the position (a seek,
 *     a reset, a rebalance meanwhile) is discarded.
 *   - OFFSET_OUT_OF_RANGE: the position is reset by `auto.offset.reset`, or,
 *     with `none`, poll() fails with OffsetOutOfRangeException.
 *   - NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION
 *     and the like ask for a metadata update; a failed request (timeout,
 *     disconnect) too.
 */
import { NO_LEADER } from '../partitionElection';
import { CONSUMER_REPLICA_ID, type FetchPartition, type FetchPartitionResponse, type FetchResponseBody } from '../protocol';
import { brokerEndpoint, type ConsumerClientHost } from './ConsumerClientHost';
import { offsetOutOfRange, type ConsumerException } from './consumerExceptions';
import { ConsumerRecords, type RecordSlice } from './ConsumerRecords';

interface CompletedFetch {
  readonly name: string;
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: number;
  readonly response: FetchPartitionResponse;
  /** Where draining continues: the next batch, and the next offset to return. */
  batchIndex: number;
  nextOffset: number;
}

export class Fetcher {
  private completed: CompletedFetch[] = [];
  private readonly nodesWithPendingFetch = new Set<number>();
  /** Fetches sent, for diagnostics and tests. */
  fetchesSent = 0;

  constructor(private readonly host: ConsumerClientHost) {}

  get hasAvailableFetches(): boolean {
    return this.completed.length > 0;
  }

  /** Fetcher.sendFetches: one request per leader without one in flight. Returns how many were sent. */
  sendFetches(): number {
    const host = this.host;
    const config = host.config;
    const byNode = new Map<number, FetchPartition[]>();
    const buffered = new Set(this.completed.map((c) => c.name));
    for (const s of host.subscriptions.assignedPartitions()) {
      if (!host.subscriptions.isFetchable(s) || buffered.has(s.name)) continue;
      const leader = host.metadata.leader(s.topic, s.partition);
      if (leader === NO_LEADER) {
        host.metadata.requestUpdate();
        continue;
      }
      if (this.nodesWithPendingFetch.has(leader)) continue;
      let list = byNode.get(leader);
      if (list === undefined) byNode.set(leader, (list = []));
      list.push({
        topic: s.topic,
        partition: s.partition,
        fetchOffset: s.position!,
        currentLeaderEpoch: host.metadata.leaderEpoch(s.topic, s.partition),
        partitionMaxBytes: config.maxPartitionFetchBytes,
      });
    }
    for (const node of [...byNode.keys()].sort((a, b) => a - b)) {
      const partitions = byNode.get(node)!;
      this.nodesWithPendingFetch.add(node);
      this.fetchesSent++;
      host.client.send(
        brokerEndpoint(node),
        (correlationId) => ({
          kind: 'fetch',
          correlationId,
          replicaId: CONSUMER_REPLICA_ID,
          brokerEpoch: -1,
          maxWaitMs: config.fetchMaxWaitMs,
          minBytes: config.fetchMinBytes,
          maxBytes: config.fetchMaxBytes,
          partitions,
        }),
        (body, failure) => {
          this.nodesWithPendingFetch.delete(node);
          if (host.isClosed()) return;
          if (failure !== null) {
            host.metadata.requestUpdate();
          } else {
            for (const response of (body as FetchResponseBody).partitions) this.onPartitionResponse(partitions, response);
          }
          host.wakeup();
        },
        // A fetch may wait fetch.max.wait.ms at the broker before it is answered.
        config.requestTimeoutMs + config.fetchMaxWaitMs,
      );
    }
    return byNode.size;
  }

  private onPartitionResponse(sent: readonly FetchPartition[], response: FetchPartitionResponse): void {
    const request = sent.find((p) => p.topic === response.topic && p.partition === response.partition);
    if (request === undefined) return;
    if (response.error === null && response.batches.length === 0) {
      this.noteHighWatermark(`${response.topic}-${response.partition}`, request.fetchOffset, response.highWatermark);
      return;
    }
    this.completed.push({
      name: `${response.topic}-${response.partition}`,
      topic: response.topic,
      partition: response.partition,
      fetchOffset: request.fetchOffset,
      response,
      batchIndex: 0,
      nextOffset: request.fetchOffset,
    });
  }

  private noteHighWatermark(name: string, fetchOffset: number, highWatermark: number): void {
    const s = this.host.subscriptions.state(name);
    if (s !== undefined && s.position === fetchOffset) s.highWatermark = highWatermark;
  }

  /** Drop what was buffered for partitions no longer assigned (a rebalance, a new assignment). */
  clearBufferedDataForUnassignedPartitions(): void {
    this.completed = this.completed.filter((c) => this.host.subscriptions.isAssigned(c.name));
  }

  /** FetchCollector.collectFetch: up to `maxRecords` records, or the error poll() must raise. */
  collectFetch(maxRecords: number): { records: ConsumerRecords; error: ConsumerException | null } {
    const host = this.host;
    const subscriptions = host.subscriptions;
    const slices: RecordSlice[] = [];
    let remaining = maxRecords;
    const keep: CompletedFetch[] = [];
    let error: ConsumerException | null = null;
    let i = 0;
    for (; i < this.completed.length && remaining > 0 && error === null; i++) {
      const cf = this.completed[i]!;
      const s = subscriptions.state(cf.name);
      if (s === undefined || s.position === null || s.position !== cf.nextOffset) {
        // "Discarding stale fetch response": a seek, a reset or a rebalance moved the position.
        continue;
      }
      if (s.paused || s.pendingRevocation) {
        keep.push(cf);
        continue;
      }
      const response = cf.response;
      if (response.error !== null) {
        if (slices.length > 0) break; // records already collected go first; this one is handled by the next poll
        error = this.handleError(cf);
        continue;
      }
      s.highWatermark = response.highWatermark;
      const batches = response.batches;
      while (cf.batchIndex < batches.length && remaining > 0) {
        const batch = batches[cf.batchIndex]!;
        if (batch.lastOffset < cf.nextOffset) {
          cf.batchIndex++;
          continue;
        }
        const from = Math.max(batch.baseOffset, cf.nextOffset);
        const to = Math.min(batch.lastOffset, from + remaining - 1);
        slices.push({ topic: cf.topic, partition: cf.partition, batch, fromOffset: from, toOffset: to });
        remaining -= to - from + 1;
        cf.nextOffset = to + 1;
        s.position = to + 1;
        s.positionEpoch = batch.partitionLeaderEpoch;
        if (to === batch.lastOffset) cf.batchIndex++;
      }
      if (cf.batchIndex < batches.length) keep.push(cf);
    }
    this.completed = keep.concat(this.completed.slice(i));
    return { records: slices.length === 0 ? ConsumerRecords.EMPTY : new ConsumerRecords(slices), error };
  }

  private handleError(cf: CompletedFetch): ConsumerException | null {
    const host = this.host;
    const error = cf.response.error!;
    if (error === 'OFFSET_OUT_OF_RANGE') {
      const policy = host.config.autoOffsetReset;
      const s = host.subscriptions.state(cf.name)!;
      const position = { offset: s.position!, offsetEpoch: s.positionEpoch, leader: host.metadata.leader(cf.topic, cf.partition), leaderEpoch: host.metadata.leaderEpoch(cf.topic, cf.partition) };
      const exception = offsetOutOfRange(cf.name, position);
      if (policy === 'none') {
        // FetchCollector.handleInitializeErrors logs this before throwing.
        const message = `${exception.message}, raising error to the application since no reset policy is configured`;
        host.trace('consumer.out-of-range', { partition: cf.name, offset: cf.fetchOffset, logStartOffset: cf.response.logStartOffset, logEndOffset: cf.response.logEndOffset, policy, message });
        return exception;
      }
      host.trace('consumer.out-of-range', { partition: cf.name, offset: cf.fetchOffset, logStartOffset: cf.response.logStartOffset, logEndOffset: cf.response.logEndOffset, policy, message: `${exception.message}, resetting offset` });
      host.subscriptions.requestOffsetReset(cf.name, policy);
      return null;
    }
    // NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION, KAFKA_STORAGE_ERROR, OFFSET_NOT_AVAILABLE:
    // the leader moved; UNKNOWN_LEADER_EPOCH: the broker is behind; either way metadata decides.
    host.metadata.requestUpdate();
    return null;
  }
}
