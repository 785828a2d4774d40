/**
 * A follower's fetcher for one leader (Kafka's `ReplicaFetcherThread` over
 * `AbstractFetcherThread`): one request in flight at a time, first the
 * truncation of partitions that just became followers, then fetches of
 * everything else, again and again; the leader holds a fetch with no new data
 * for up to `replica.fetch.wait.max.ms`.
 *
 * Truncation, by the cluster's rule:
 *   - `leader-epoch` (KIP-101, KIP-279): ask the leader where the follower's
 *     latest epoch ends (OffsetsForLeaderEpoch) and cut there
 *     (getOffsetTruncationState): to min(leader's end, the follower's own end
 *     for that epoch, its log end); when the leader answers with an epoch the
 *     follower does not know, cut to the end of the follower's largest epoch
 *     below it and ask again. With no epochs at all, cut to the high watermark.
 *   - `high-watermark` (before 0.11): the replica manager cut the log to the
 *     follower's own high watermark when it became a follower; the fetcher
 *     starts fetching at once.
 *
 * What a fetch response does (processPartitionData): append the batches at the
 * log end, set the follower's high watermark to the leader's clamped to the
 * follower's log (so the follower learns it one fetch late), and follow the
 * leader's log start offset. OFFSET_OUT_OF_RANGE
 * (fetchOffsetAndTruncate): a leader whose log ends below the follower's
 * (after an unclean election) makes the follower truncate to it; a leader
 * whose log starts past it makes the follower start over at the leader's
 * start. Other errors and failed requests back off `replica.fetch.backoff.ms`.
 */
import type { Simulation, Timer } from '../sim/Simulation';
import type { ResolvedBrokerConfig } from './BrokerConfig';
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from './LeaderEpochCache';
import type { NetworkClient, RequestFailure } from './NetworkClient';
import type { Partition } from './Partition';
import type { EpochEndOffset, FetchPartition, FetchPartitionResponse, FetchResponseBody, OffsetsForLeaderEpochResponseBody, ResponseBody } from './protocol';

export interface FetcherHost {
  readonly sim: Simulation;
  readonly brokerId: number;
  readonly config: ResolvedBrokerConfig;
  readonly client: NetworkClient;
  brokerEpoch(): number;
  schedule(delayMs: number, label: string, run: () => void): Timer;
  /** Truncate a follower's log, saying why (and rebuild what depends on it). */
  truncate(partition: Partition, offset: number, reason: string): void;
  truncateFullyAndStartAt(partition: Partition, offset: number, reason: string): void;
}

interface FetchState {
  readonly partition: Partition;
  readonly leaderEpoch: number;
  state: 'truncating' | 'fetching';
  delayedUntilMs: number;
}

export class ReplicaFetcher {
  readonly leaderId: number;
  private readonly leaderEndpoint: string;
  private readonly host: FetcherHost;
  private readonly states = new Map<string, FetchState>();
  private inFlight = false;
  private wakeTimer: Timer | undefined;

  constructor(host: FetcherHost, leaderId: number) {
    this.host = host;
    this.leaderId = leaderId;
    this.leaderEndpoint = `broker-${leaderId}`;
  }

  get isEmpty(): boolean {
    return this.states.size === 0;
  }

  partitionNames(): string[] {
    return [...this.states.keys()];
  }

  addPartition(partition: Partition, leaderEpoch: number, options: { truncating: boolean }): void {
    this.states.set(partition.name, { partition, leaderEpoch, state: options.truncating ? 'truncating' : 'fetching', delayedUntilMs: 0 });
    this.work();
  }

  removePartition(name: string): void {
    this.states.delete(name);
  }

  /** AbstractFetcherThread.doWork: truncate first, then fetch. */
  work(): void {
    if (this.inFlight) return;
    const now = this.host.sim.nowMs;
    const truncating: FetchState[] = [];
    const fetching: FetchState[] = [];
    let wakeAtMs = Infinity;
    for (const s of this.states.values()) {
      if (s.delayedUntilMs > now) {
        wakeAtMs = Math.min(wakeAtMs, s.delayedUntilMs);
        continue;
      }
      if (s.state === 'truncating') truncating.push(s);
      else fetching.push(s);
    }
    if (truncating.length > 0) {
      const asking = truncating.filter((s) => !this.truncateWithoutEpochs(s));
      if (asking.length > 0) return this.sendOffsetsForLeaderEpoch(asking);
      for (const s of truncating) fetching.push(s);
    }
    if (fetching.length > 0) return this.sendFetch(fetching);
    if (wakeAtMs !== Infinity) this.wakeAt(wakeAtMs);
  }

  private wakeAt(atMs: number): void {
    if (this.wakeTimer !== undefined && !this.wakeTimer.cancelled && this.wakeTimer.atMs <= atMs) return;
    this.host.sim.cancel(this.wakeTimer);
    this.wakeTimer = this.host.schedule(atMs - this.host.sim.nowMs, `replica fetcher ${this.host.brokerId}->${this.leaderId} backoff`, () => {
      this.wakeTimer = undefined;
      this.work();
    });
  }

  private backOff(s: FetchState): void {
    s.delayedUntilMs = this.host.sim.nowMs + this.host.config.replicaFetchBackoffMs;
  }

  // ---- truncation --------------------------------------------------------------------

  /** A follower without leader epochs truncates to its high watermark (truncateToHighWatermark). */
  private truncateWithoutEpochs(s: FetchState): boolean {
    const log = s.partition.log;
    if (log.leaderEpochCache.latestEpoch() !== UNDEFINED_EPOCH) return false;
    this.host.truncate(s.partition, log.highWatermark, `it has no leader epochs: truncate to its high watermark ${log.highWatermark}`);
    s.state = 'fetching';
    return true;
  }

  private sendOffsetsForLeaderEpoch(states: FetchState[]): void {
    this.inFlight = true;
    const asked = states.map((s) => ({
      state: s,
      topic: s.partition.topicPartition.topic,
      partition: s.partition.topicPartition.partition,
      currentLeaderEpoch: s.leaderEpoch,
      leaderEpoch: s.partition.log.leaderEpochCache.latestEpoch(),
    }));
    if (this.host.sim.trace.active) {
      for (const a of asked) {
        this.host.sim.trace.emit('replica.epoch-request', { broker: this.host.brokerId, leader: this.leaderId, partition: a.state.partition.name, leaderEpoch: a.leaderEpoch });
      }
    }
    this.host.client.send(
      this.leaderEndpoint,
      (correlationId) => ({
        kind: 'offsets-for-leader-epoch',
        correlationId,
        replicaId: this.host.brokerId,
        partitions: asked.map(({ topic, partition, currentLeaderEpoch, leaderEpoch }) => ({ topic, partition, currentLeaderEpoch, leaderEpoch })),
      }),
      (body, failure) => {
        this.inFlight = false;
        if (failure !== null) {
          for (const a of asked) this.backOff(a.state);
        } else {
          const response = body as OffsetsForLeaderEpochResponseBody;
          response.partitions.forEach((r, i) => this.onEpochEndOffset(asked[i]!.state, r));
        }
        this.work();
      },
    );
  }

  private onEpochEndOffset(s: FetchState, response: EpochEndOffset): void {
    if (this.states.get(s.partition.name) !== s || s.state !== 'truncating') return;
    if (response.error !== null) {
      this.backOff(s);
      return;
    }
    const log = s.partition.log;
    const end = log.logEndOffset;
    let offset: number;
    let completed = true;
    let why: string;
    if (response.endOffset === UNDEFINED_EPOCH_OFFSET) {
      offset = log.highWatermark;
      why = `the leader knows no offset for its epoch: truncate to the high watermark ${offset}`;
    } else if (response.leaderEpoch === UNDEFINED_EPOCH) {
      offset = Math.min(response.endOffset, end);
      why = `the leader's end offset is ${response.endOffset}`;
    } else {
      const mine = log.leaderEpochCache.endOffsetFor(response.leaderEpoch, end);
      if (mine.startOffset === UNDEFINED_EPOCH_OFFSET) {
        offset = Math.min(response.endOffset, end);
        why = `leader epoch ${response.leaderEpoch} ends at ${response.endOffset}, below any epoch this replica tracks`;
      } else if (mine.epoch !== response.leaderEpoch) {
        // KIP-279: the follower does not know the leader's epoch; cut to where its own earlier epoch ends and ask again.
        offset = Math.min(mine.startOffset, end);
        completed = false;
        why = `the leader answered with epoch ${response.leaderEpoch}, unknown here: truncate to ${offset}, the end of epoch ${mine.epoch}, and ask again`;
      } else {
        offset = Math.min(mine.startOffset, response.endOffset, end);
        why = `the leader says epoch ${response.leaderEpoch} ends at ${response.endOffset}; here it ends at ${mine.startOffset}`;
      }
    }
    this.host.truncate(s.partition, offset, why);
    if (completed) s.state = 'fetching';
  }

  // ---- fetching --------------------------------------------------------------------

  private sendFetch(states: FetchState[]): void {
    this.inFlight = true;
    const partitions: FetchPartition[] = states.map((s) => ({
      topic: s.partition.topicPartition.topic,
      partition: s.partition.topicPartition.partition,
      fetchOffset: s.partition.log.logEndOffset,
      currentLeaderEpoch: s.leaderEpoch,
    }));
    const config = this.host.config;
    this.host.client.send(
      this.leaderEndpoint,
      (correlationId) => ({
        kind: 'fetch',
        correlationId,
        replicaId: this.host.brokerId,
        brokerEpoch: this.host.brokerEpoch(),
        maxWaitMs: config.replicaFetchWaitMaxMs,
        minBytes: config.replicaFetchMinBytes,
        maxBytes: config.replicaFetchMaxBytes,
        partitions,
      }),
      (body, failure) => this.onFetchResponse(states, partitions, body, failure),
    );
  }

  private onFetchResponse(states: FetchState[], request: readonly FetchPartition[], body: ResponseBody | null, failure: RequestFailure | null): void {
    this.inFlight = false;
    if (failure !== null) {
      for (const s of states) this.backOff(s);
    } else {
      const response = body as FetchResponseBody;
      for (let i = 0; i < response.partitions.length; i++) {
        const s = states[i]!;
        if (this.states.get(s.partition.name) !== s || s.state !== 'fetching') continue;
        // A response to a fetch from an offset the log no longer ends at is stale.
        if (s.partition.log.logEndOffset !== request[i]!.fetchOffset) continue;
        this.processPartitionData(s, response.partitions[i]!);
      }
    }
    this.work();
  }

  private processPartitionData(s: FetchState, data: FetchPartitionResponse): void {
    const partition = s.partition;
    const log = partition.log;
    if (data.error !== null) {
      if (data.error === 'OFFSET_OUT_OF_RANGE') return this.handleOutOfRange(s, data);
      this.backOff(s);
      return;
    }
    for (const batch of data.batches) {
      if (batch.lastOffset < log.logEndOffset) continue;
      if (batch.baseOffset < log.logEndOffset) {
        this.host.truncate(partition, batch.baseOffset, `the leader's batch ${batch.baseOffset}..${batch.lastOffset} straddles its log end`);
      }
      log.appendAsFollower(batch);
      partition.onFollowerAppend(batch);
    }
    const hw = Math.min(data.highWatermark, log.logEndOffset);
    if (hw !== log.highWatermark) {
      const before = log.highWatermark;
      log.updateHighWatermark(hw);
      if (this.host.sim.trace.active) {
        this.host.sim.trace.emit('partition.hw', { broker: this.host.brokerId, partition: partition.name, from: before, to: log.highWatermark, follower: true });
      }
    }
    const newStart = Math.min(data.logStartOffset, log.highWatermark);
    if (newStart > log.logStartOffset) log.maybeIncrementLogStartOffset(newStart, 'leader log start offset incremented');
  }

  /** AbstractFetcherThread.fetchOffsetAndTruncate. */
  private handleOutOfRange(s: FetchState, data: FetchPartitionResponse): void {
    const log = s.partition.log;
    if (data.logEndOffset < log.logEndOffset) {
      this.host.truncate(s.partition, data.logEndOffset, `the leader's log ends at ${data.logEndOffset}, below this replica's ${log.logEndOffset}`);
    } else if (log.logEndOffset < data.logStartOffset) {
      this.host.truncateFullyAndStartAt(s.partition, data.logStartOffset, `the leader's log starts at ${data.logStartOffset}, past this replica's end`);
    } else {
      this.backOff(s);
    }
  }
}
