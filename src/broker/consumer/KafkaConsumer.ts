/**
 * A Kafka consumer client on the simulated network (Kafka's classic
 * KafkaConsumer), event-driven: where Java blocks, a call here takes a
 * callback and the simulation runs on until it is answered.
 *
 *   - poll(timeoutMs, callback): joins the group when needed, initializes
 *     positions (committed offsets, else `auto.offset.reset`), auto-commits
 *     when due, and answers with up to `max.poll.records` buffered records as
 *     soon as there are some, or with none after `timeoutMs`. Before
 *     answering it sends the next fetches (pipelining). Errors poll() throws
 *     in Java (NoOffsetForPartitionException, OffsetOutOfRangeException, a
 *     fatal join error) are answered instead of records.
 *   - commitSync / commitAsync, seek / seekToBeginning / seekToEnd,
 *     position, committed, offsetsForTimes, beginningOffsets, endOffsets,
 *     pause / resume, close (auto-commit, then LeaveGroup) as in Java.
 *   - crash(): the process dies. Nothing is sent, nothing is answered; the
 *     group notices when the member's session expires.
 *
 * Responses are read as they arrive (Java's heartbeat thread reads the
 * network too), metadata is refreshed when asked for and every
 * `metadata.max.age.ms`, and heartbeats run on their own clock
 * (ConsumerCoordinator).
 */
import { assert } from '../../sim/assert';
import type { Rng } from '../../sim/Rng';
import type { Simulation, Timer } from '../../sim/Simulation';
import type { TraceValue } from '../../sim/Trace';
import type { ClusterNetwork, NetworkEndpoint } from '../ClusterNetwork';
import { NetworkClient } from '../NetworkClient';
import type { KafkaMessage, MetadataResponseBody } from '../protocol';
import { retryBackoffMs } from '../ProducerConfig';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../UnifiedLog';
import { brokerEndpoint, type ConsumerClientHost } from './ConsumerClientHost';
import type { ConsumerConfig } from './ConsumerConfig';
import { ConsumerCoordinator, type CommitCallback, type CommitOutcome, type ConsumerRebalanceListener } from './ConsumerCoordinator';
import { committedTimeout, consumerException, illegalState, invalidGroupId, noOffsetForPartition, offsetsText, positionTimeout, type ConsumerException } from './consumerExceptions';
import { ConsumerMetadata } from './ConsumerMetadata';
import { ConsumerRecords } from './ConsumerRecords';
import { Fetcher } from './Fetcher';
import { OffsetFetcher, type ListOffsetsResult } from './OffsetFetcher';
import { SubscriptionState } from './SubscriptionState';

export type { ConsumerRebalanceListener, CommitOutcome };

export interface TopicPartitionRef {
  readonly topic: string;
  readonly partition: number;
}

export type PollResult = { readonly records: ConsumerRecords; readonly error: null } | { readonly records: ConsumerRecords; readonly error: ConsumerException };

export interface KafkaConsumerOptions {
  readonly sim: Simulation;
  readonly network: ClusterNetwork;
  readonly config: ConsumerConfig;
  readonly bootstrapBrokers: readonly number[];
  /** The host shown by the coordinator (default `/10.0.0.1`). */
  readonly clientHost?: string;
}

/** ConsumerUtils.DEFAULT_CLOSE_TIMEOUT_MS. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;

interface PendingPoll {
  readonly deadlineMs: number;
  readonly callback: (result: PollResult) => void;
}

export class KafkaConsumer implements NetworkEndpoint, ConsumerClientHost {
  readonly sim: Simulation;
  readonly config: ConsumerConfig;
  readonly clientId: string;
  readonly clientHost: string;
  readonly client: NetworkClient;
  readonly metadata: ConsumerMetadata;
  readonly subscriptions: SubscriptionState;
  readonly rng: Rng;
  readonly coordinator: ConsumerCoordinator | null;
  readonly fetcher: Fetcher;
  readonly offsetFetcher: OffsetFetcher;
  /** Records poll() has returned, in all. */
  recordsReturned = 0;
  private readonly network: ClusterNetwork;
  private closed = false;
  private closing = false;
  private pendingPoll: PendingPoll | null = null;
  private pollTimer: Timer | undefined;
  private wakeTimer: Timer | undefined;
  private metadataTimer: Timer | undefined;
  private metadataInFlight = false;
  private metadataAttempts = 0;
  private nextNode = 0;
  private committedFetchInFlight = false;
  private committedRetryAtMs = 0;
  private readonly noOffset = new Set<string>();
  private fatal: ConsumerException | null = null;

  constructor(options: KafkaConsumerOptions) {
    this.sim = options.sim;
    this.config = options.config;
    this.clientId = options.config.clientId;
    this.clientHost = options.clientHost ?? '/10.0.0.1';
    this.network = options.network;
    this.client = new NetworkClient({ sim: this.sim, network: options.network, self: this.clientId, requestTimeoutMs: this.config.requestTimeoutMs });
    this.metadata = new ConsumerMetadata(options.bootstrapBrokers);
    this.subscriptions = new SubscriptionState(this.config.autoOffsetReset);
    this.rng = this.sim.rng.fork(`consumer/${this.clientId}/backoff`);
    this.coordinator = this.config.groupId === null ? null : new ConsumerCoordinator(this);
    this.fetcher = new Fetcher(this);
    this.offsetFetcher = new OffsetFetcher(this);
    options.network.register(this.clientId, this);
    // A new process on a host that may have run the previous one.
    options.network.processStarted(this.clientId);
    this.trace('consumer.start', { group: this.config.groupId, clientHost: this.clientHost });
  }

  // ---- ConsumerClientHost -----------------------------------------------------------------------

  isClosed(): boolean {
    return this.closed;
  }

  trace(type: string, fields: { readonly [key: string]: TraceValue }): void {
    if (this.sim.trace.active) this.sim.trace.emit(type, { consumer: this.clientId, ...fields });
  }

  /** Something arrived: pending work runs again, once, at the current instant. */
  wakeup(): void {
    if (this.closed) return;
    const timer = this.wakeTimer;
    if (timer !== undefined && !timer.cancelled) return;
    this.wakeTimer = this.sim.schedule(0, `consumer ${this.clientId}`, () => {
      this.wakeTimer = undefined;
      this.maybeUpdateMetadata();
      this.runPoll();
    });
  }

  leastLoadedNode(): string {
    const brokers = this.metadata.brokers;
    let best: string | undefined;
    let bestInFlight = Infinity;
    for (let i = 0; i < brokers.length; i++) {
      const endpoint = brokerEndpoint(brokers[(this.nextNode + i) % brokers.length]!);
      if (!this.client.isConnected(endpoint)) continue;
      const inFlight = this.client.inFlight(endpoint);
      if (inFlight === 0) return endpoint;
      if (inFlight < bestInFlight) [best, bestInFlight] = [endpoint, inFlight];
    }
    return best ?? brokerEndpoint(brokers[this.nextNode % brokers.length]!);
  }

  // ---- subscriptions ------------------------------------------------------------------------------

  /** KafkaConsumer.subscribe: the group assigns partitions of these topics. */
  subscribe(topics: readonly string[], listener?: ConsumerRebalanceListener): void {
    this.ensureOpen();
    if (this.coordinator === null) throw new ConsumerError(invalidGroupId());
    if (this.subscriptions.type === 'user-assigned') throw new ConsumerError(illegalState('Subscription to topics, partitions and pattern are mutually exclusive'));
    this.subscriptions.subscribe(topics);
    this.coordinator.listener = listener ?? null;
    this.metadata.setTopics(this.metadataTopics());
    this.trace('consumer.subscribe', { topics: [...topics] });
    this.wakeup();
  }

  /** KafkaConsumer.assign: these partitions, no group management. */
  assign(partitions: readonly TopicPartitionRef[]): void {
    this.ensureOpen();
    if (this.subscriptions.type === 'auto-topics') throw new ConsumerError(illegalState('Subscription to topics, partitions and pattern are mutually exclusive'));
    this.subscriptions.assignFromUser(partitions);
    this.fetcher.clearBufferedDataForUnassignedPartitions();
    this.metadata.setTopics(this.metadataTopics());
    this.trace('consumer.assign', { partitions: partitions.map((p) => `${p.topic}-${p.partition}`) });
    this.wakeup();
  }

  /** Partitions currently assigned. */
  assignment(): string[] {
    return this.subscriptions.assignedNames().sort();
  }

  private metadataTopics(): string[] {
    const s = this.subscriptions;
    const assigned = s.assignedPartitions().map((p) => p.topic);
    return [...new Set([...s.subscription, ...s.groupSubscription, ...assigned])];
  }

  // ---- poll -----------------------------------------------------------------------------------

  /** KafkaConsumer.poll(Duration): records, or the error Java would throw; answered later, never twice. */
  poll(timeoutMs: number, callback: (result: PollResult) => void): void {
    this.ensureOpen();
    assert(this.pendingPoll === null, () => `${this.clientId}: poll() while a poll is running (KafkaConsumer is not safe for multi-threaded access)`);
    if (this.subscriptions.type === 'none') {
      const error = illegalState('Consumer is not subscribed to any topics or assigned any partitions');
      this.sim.schedule(0, `poll ${this.clientId}`, () => callback({ records: ConsumerRecords.EMPTY, error }));
      return;
    }
    this.pendingPoll = { deadlineMs: this.sim.nowMs + timeoutMs, callback };
    this.runPoll();
  }

  get polling(): boolean {
    return this.pendingPoll !== null;
  }

  /** One pass of KafkaConsumer.poll's loop; answers, or waits for the next event. */
  private runPoll(): void {
    const pending = this.pendingPoll;
    if (pending === null || this.closed) return;
    const now = this.sim.nowMs;
    this.sim.cancel(this.pollTimer);
    this.pollTimer = undefined;
    this.metadata.setTopics(this.metadataTopics());
    let ready = true;
    if (this.coordinator !== null) {
      const r = this.coordinator.poll(now);
      if (r.error !== null) return this.finishPoll({ records: ConsumerRecords.EMPTY, error: r.error });
      ready = r.ready;
    }
    if (ready) {
      const error = this.fatal ?? this.updateFetchPositions(now);
      this.fatal = null;
      if (error !== null) return this.finishPoll({ records: ConsumerRecords.EMPTY, error });
    }
    const collected = this.fetcher.collectFetch(this.config.maxPollRecords);
    if (collected.error !== null) return this.finishPoll({ records: ConsumerRecords.EMPTY, error: collected.error });
    this.fetcher.sendFetches();
    if (!collected.records.isEmpty) return this.finishPoll({ records: collected.records, error: null });
    if (now >= pending.deadlineMs) return this.finishPoll({ records: ConsumerRecords.EMPTY, error: null });
    let wakeAt = pending.deadlineMs;
    if (this.coordinator !== null) wakeAt = Math.min(wakeAt, this.coordinator.nextPollWakeupMs());
    wakeAt = Math.min(wakeAt, this.offsetFetcher.nextResetRetryAtMs());
    if (this.committedRetryAtMs > now) wakeAt = Math.min(wakeAt, this.committedRetryAtMs);
    // Anything due now arrives through wakeup(); the timer is only for later moments.
    assert(wakeAt > now, () => `${this.clientId}: poll would wake at ${wakeAt}, not after now (${now})`);
    this.pollTimer = this.sim.at(wakeAt, `poll ${this.clientId}`, () => {
      this.pollTimer = undefined;
      this.runPoll();
    });
  }

  private finishPoll(result: PollResult): void {
    const pending = this.pendingPoll!;
    this.pendingPoll = null;
    this.sim.cancel(this.pollTimer);
    this.pollTimer = undefined;
    this.recordsReturned += result.records.count;
    if (result.error !== null) this.trace('consumer.poll-error', { exception: result.error.exception, message: result.error.message });
    pending.callback(result);
  }

  /**
   * KafkaConsumer.updateFetchPositions: committed offsets for partitions
   * without a position (from the coordinator), then `auto.offset.reset` for
   * the rest (NoOffsetForPartitionException with `none`), then ListOffsets.
   */
  private updateFetchPositions(now: number): ConsumerException | null {
    const subscriptions = this.subscriptions;
    if (subscriptions.hasAllFetchPositions()) return null;
    const initializing = subscriptions.initializingPartitions();
    const coordinator = this.coordinator;
    if (coordinator !== null && initializing.length > 0) {
      const waitingForCommitted = initializing.filter((s) => !this.noOffset.has(s.name));
      if (waitingForCommitted.length > 0) {
        if (!this.committedFetchInFlight && now >= this.committedRetryAtMs) this.fetchCommittedForInitializing(waitingForCommitted.map((s) => s.name));
        return null;
      }
    }
    const none: string[] = [];
    for (const s of subscriptions.initializingPartitions()) {
      if (this.config.autoOffsetReset === 'none') none.push(s.name);
      else subscriptions.requestOffsetReset(s.name, this.config.autoOffsetReset);
      this.noOffset.delete(s.name);
    }
    if (none.length > 0) return noOffsetForPartition(none.sort());
    this.offsetFetcher.resetPositionsIfNeeded();
    return null;
  }

  private fetchCommittedForInitializing(names: readonly string[]): void {
    const coordinator = this.coordinator!;
    if (coordinator.coordinatorUnknown) {
      coordinator.lookupCoordinator();
      return;
    }
    this.committedFetchInFlight = true;
    const assignmentId = this.subscriptions.assignmentId;
    coordinator.fetchCommittedOffsets(names, (result) => {
      this.committedFetchInFlight = false;
      if (this.closed) return;
      if (!(result instanceof Map)) {
        if (result.retriable) this.committedRetryAtMs = this.sim.nowMs + this.config.retryBackoffMs;
        else this.fatal = result;
        this.wakeup();
        return;
      }
      if (this.subscriptions.assignmentId !== assignmentId) return this.wakeup();
      for (const [name, offset] of result) {
        const s = this.subscriptions.state(name);
        if (s === undefined || s.position !== null || s.resetStrategy !== null) continue;
        if (offset === null) {
          this.noOffset.add(name);
          continue;
        }
        this.subscriptions.seek(name, offset);
        this.trace('consumer.committed-position', { partition: name, offset });
      }
      this.wakeup();
    });
  }

  // ---- commits ----------------------------------------------------------------------------------

  /** KafkaConsumer.commitSync: these offsets (default: every position) or the error Java throws. */
  commitSync(callback: (outcome: CommitOutcome) => void, options: { offsets?: ReadonlyMap<string, number>; timeoutMs?: number } = {}): void {
    this.ensureOpen();
    const coordinator = this.coordinator;
    if (coordinator === null) {
      this.sim.schedule(0, `commitSync ${this.clientId}`, () => callback({ ok: false, error: invalidGroupId() }));
      return;
    }
    coordinator.commitOffsetsSync(options.offsets ?? this.subscriptions.allConsumed(), options.timeoutMs ?? this.config.defaultApiTimeoutMs, callback);
  }

  /** KafkaConsumer.commitAsync: the callback runs at a later poll() or commit call. */
  commitAsync(callback?: CommitCallback, options: { offsets?: ReadonlyMap<string, number> } = {}): void {
    this.ensureOpen();
    const coordinator = this.coordinator;
    if (coordinator === null) throw new ConsumerError(invalidGroupId());
    const offsets = options.offsets ?? this.subscriptions.allConsumed();
    coordinator.invokeCompletedOffsetCommitCallbacks();
    coordinator.commitOffsetsAsync(offsets, (committed, error) => {
      if (error !== null) this.trace('consumer.commit-async-failed', { exception: error.exception, message: error.message, ...(error.cause !== undefined ? { cause: error.cause } : {}) });
      callback?.(committed, error);
    });
  }

  // ---- positions --------------------------------------------------------------------------------

  seek(tp: TopicPartitionRef, offset: number): void {
    this.ensureOpen();
    if (offset < 0) throw new ConsumerError(consumerException('IllegalArgumentException', 'seek offset must not be a negative number'));
    const name = `${tp.topic}-${tp.partition}`;
    if (!this.subscriptions.isAssigned(name)) throw new ConsumerError(illegalState(`No current assignment for partition ${name}`));
    this.subscriptions.seek(name, offset);
    this.noOffset.delete(name);
    this.trace('consumer.seek', { partition: name, offset });
  }

  seekToBeginning(partitions: readonly TopicPartitionRef[]): void {
    for (const tp of partitions) this.subscriptions.requestOffsetReset(`${tp.topic}-${tp.partition}`, 'earliest');
    this.wakeup();
  }

  seekToEnd(partitions: readonly TopicPartitionRef[]): void {
    for (const tp of partitions) this.subscriptions.requestOffsetReset(`${tp.topic}-${tp.partition}`, 'latest');
    this.wakeup();
  }

  pause(partitions: readonly TopicPartitionRef[]): void {
    for (const tp of partitions) {
      const s = this.subscriptions.state(`${tp.topic}-${tp.partition}`);
      if (s !== undefined) s.paused = true;
    }
  }

  resume(partitions: readonly TopicPartitionRef[]): void {
    for (const tp of partitions) {
      const s = this.subscriptions.state(`${tp.topic}-${tp.partition}`);
      if (s !== undefined) s.paused = false;
    }
    this.wakeup();
  }

  /** The position now, without any request (null when it must still be determined). */
  currentPosition(tp: TopicPartitionRef): number | null {
    return this.subscriptions.state(`${tp.topic}-${tp.partition}`)?.position ?? null;
  }

  /** KafkaConsumer.position: determines the position if needed (committed offset or reset), within default.api.timeout.ms. */
  position(tp: TopicPartitionRef, callback: (result: number | ConsumerException) => void): void {
    this.ensureOpen();
    const name = `${tp.topic}-${tp.partition}`;
    if (!this.subscriptions.isAssigned(name)) throw new ConsumerError(illegalState('You can only check the position for partitions assigned to this consumer.'));
    const deadline = this.sim.nowMs + this.config.defaultApiTimeoutMs;
    const check = (): void => {
      if (this.closed) return;
      const s = this.subscriptions.state(name);
      if (s?.position !== null && s?.position !== undefined) return callback(s.position);
      if (this.sim.nowMs >= deadline) return callback(positionTimeout(this.config.defaultApiTimeoutMs, name));
      const error = this.updateFetchPositions(this.sim.nowMs);
      if (error !== null) return callback(error);
      this.sim.schedule(Math.min(this.config.retryBackoffMs, deadline - this.sim.nowMs), `position ${this.clientId}`, check);
    };
    check();
  }

  /** KafkaConsumer.committed: the group's committed offsets (null: none), within default.api.timeout.ms. */
  committed(partitions: readonly TopicPartitionRef[], callback: (result: Map<string, number | null> | ConsumerException) => void): void {
    this.ensureOpen();
    const coordinator = this.coordinator;
    if (coordinator === null) throw new ConsumerError(invalidGroupId());
    const names = partitions.map((p) => `${p.topic}-${p.partition}`);
    const timeoutMs = this.config.defaultApiTimeoutMs;
    const deadline = this.sim.nowMs + timeoutMs;
    let attempts = 0;
    const attempt = (): void => {
      if (this.closed) return;
      if (this.sim.nowMs >= deadline) return callback(committedTimeout(timeoutMs, names));
      const retry = (): void => {
        this.sim.schedule(Math.min(retryBackoffMs(this.config, attempts++, this.rng), Math.max(0, deadline - this.sim.nowMs)), `committed ${this.clientId}`, attempt);
      };
      if (coordinator.coordinatorUnknown) return coordinator.lookupCoordinator((found) => (found ? attempt() : retry()));
      coordinator.fetchCommittedOffsets(names, (result) => {
        if (result instanceof Map) return callback(result);
        if (!result.retriable) return callback(result);
        retry();
      });
    };
    attempt();
  }

  /** KafkaConsumer.offsetsForTimes: the first offset at or after each time (null: none), within default.api.timeout.ms. */
  offsetsForTimes(timestamps: ReadonlyMap<string, number>, callback: (result: ListOffsetsResult | ConsumerException) => void): void {
    this.ensureOpen();
    this.withMetadataFor([...timestamps.keys()], () => this.offsetFetcher.listOffsets(timestamps, this.config.defaultApiTimeoutMs, callback));
  }

  beginningOffsets(partitions: readonly TopicPartitionRef[], callback: (result: ListOffsetsResult | ConsumerException) => void): void {
    this.offsetsForTimes(new Map(partitions.map((p) => [`${p.topic}-${p.partition}`, EARLIEST_TIMESTAMP])), callback);
  }

  endOffsets(partitions: readonly TopicPartitionRef[], callback: (result: ListOffsetsResult | ConsumerException) => void): void {
    this.offsetsForTimes(new Map(partitions.map((p) => [`${p.topic}-${p.partition}`, LATEST_TIMESTAMP])), callback);
  }

  /** Make sure metadata covers the topics of `names` before `run` (a lookup of leaders). */
  private withMetadataFor(names: readonly string[], run: () => void): void {
    const topics = names.map((n) => n.slice(0, n.lastIndexOf('-')));
    const missing = topics.filter((t) => !this.metadata.knows(t));
    if (missing.length === 0) return run();
    this.metadata.setTopics([...this.metadataTopics(), ...topics]);
    this.metadata.requestUpdate();
    const version = this.metadata.updateVersion;
    const check = (): void => {
      if (this.closed) return;
      if (this.metadata.updateVersion > version) run();
      else this.sim.schedule(this.config.retryBackoffMs, `metadata wait ${this.clientId}`, check);
    };
    this.wakeup();
    this.sim.schedule(0, `metadata wait ${this.clientId}`, check);
  }

  // ---- metadata -----------------------------------------------------------------------------------

  /** NetworkClient's metadata updater: a Metadata request when one is due, then a timer for the next. */
  private maybeUpdateMetadata(): void {
    if (this.closed || this.metadataInFlight) return;
    const now = this.sim.nowMs;
    const metadata = this.metadata;
    const backoffMs = this.metadataAttempts === 0 ? this.config.retryBackoffMs : retryBackoffMs(this.config, this.metadataAttempts - 1, this.rng);
    const dueAt = metadata.nextUpdateAtMs(backoffMs, this.config.metadataMaxAgeMs);
    if (dueAt === Infinity) return;
    if (dueAt > now) {
      if (this.metadataTimer === undefined || this.metadataTimer.cancelled || this.metadataTimer.atMs > dueAt) {
        this.sim.cancel(this.metadataTimer);
        this.metadataTimer = this.sim.at(dueAt, `metadata ${this.clientId}`, () => {
          this.metadataTimer = undefined;
          this.maybeUpdateMetadata();
        });
      }
      return;
    }
    this.metadataInFlight = true;
    metadata.lastAttemptMs = now;
    const topics = metadata.topics;
    this.client.send(
      this.leastLoadedNode(),
      (correlationId) => ({ kind: 'metadata', correlationId, topics }),
      (body, failure) => {
        this.metadataInFlight = false;
        if (this.closed) return;
        if (failure !== null) {
          this.nextNode++;
          this.metadataAttempts++;
        } else {
          metadata.update(body as MetadataResponseBody, this.sim.nowMs);
          this.metadataAttempts = metadata.updateRequested ? this.metadataAttempts + 1 : 0;
          this.trace('consumer.metadata', { version: metadata.updateVersion, topics: Object.fromEntries(topics.map((t) => [t, metadata.numPartitions(t)])) });
        }
        this.wakeup();
        this.maybeUpdateMetadata();
      },
    );
  }

  // ---- closing ----------------------------------------------------------------------------------

  /**
   * KafkaConsumer.close: auto-commit the positions (commitSync), revoke,
   * LeaveGroup, and stop; at most DEFAULT_CLOSE_TIMEOUT_MS, bounded by
   * request.timeout.ms.
   */
  close(callback?: () => void): void {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.pendingPoll = null;
    const coordinator = this.coordinator;
    const timeoutMs = Math.min(DEFAULT_CLOSE_TIMEOUT_MS, this.config.requestTimeoutMs);
    const startMs = this.sim.nowMs;
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      this.shutDown();
      this.trace('consumer.closed', {});
      callback?.();
    };
    const finish = (): void => {
      coordinator?.invokeCompletedOffsetCommitCallbacks();
      if (coordinator === null) return stop();
      coordinator.onLeavePrepare();
      // AbstractCoordinator.close waits for the requests pending to the coordinator, within the close timer.
      coordinator.maybeLeaveGroup('the consumer is being closed', stop);
      this.sim.schedule(Math.max(0, startMs + timeoutMs - this.sim.nowMs), `close timeout ${this.clientId}`, stop);
    };
    if (coordinator !== null && this.config.enableAutoCommit) {
      // ConsumerCoordinator.maybeAutoCommitOffsetsSync: running out of time is logged (debug) apart from a failure (warn).
      const offsets = this.subscriptions.allConsumed();
      coordinator.commitOffsetsSync(offsets, timeoutMs, (outcome) => {
        if (!outcome.ok) {
          const message =
            outcome.error.exception === 'TimeoutException'
              ? `Auto-commit of offsets ${offsetsText(offsets)} timed out before completion`
              : `Synchronous auto-commit of offsets ${offsetsText(offsets)} failed: ${outcome.error.message}`;
          this.trace('consumer.auto-commit-failed', { exception: outcome.error.exception, message });
        }
        finish();
      });
      return;
    }
    finish();
  }

  /** The process dies: no commit, no LeaveGroup, nothing answered. */
  crash(): void {
    if (this.closed) return;
    this.pendingPoll = null;
    this.shutDown();
    this.network.processStopped(this.clientId, { hostUp: true });
    this.trace('consumer.crash', {});
  }

  private shutDown(): void {
    this.closed = true;
    this.coordinator?.kill();
    this.client.close();
    for (const timer of [this.pollTimer, this.wakeTimer, this.metadataTimer]) this.sim.cancel(timer);
  }

  private ensureOpen(): void {
    if (this.closed || this.closing) throw new ConsumerError(illegalState('This consumer has already been closed.'));
  }

  // ---- the network endpoint ----------------------------------------------------------------------

  receive(_from: string, message: KafkaMessage): void {
    if (message.kind === 'response' && !this.closed) this.client.receive(message);
  }

  disconnected(peer: string, sinceMs: number): void {
    if (!this.closed) this.client.disconnected(peer, sinceMs);
  }
}

/** A call Java answers with an exception thrown at once (a misuse, not an operating error). */
export class ConsumerError extends Error {
  override readonly name = 'ConsumerError';
  constructor(readonly exception: ConsumerException) {
    super(`${exception.exception}: ${exception.message}`);
  }
}
