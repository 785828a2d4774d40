/**
 * A consumer's side of the classic group protocol (Kafka's AbstractCoordinator
 * and ConsumerCoordinator), with EAGER or COOPERATIVE (KIP-429) rebalancing;
 * COOPERATIVE when every configured assignor supports it (cooperative-sticky):
 *
 *   - Discovery: FindCoordinator to the least loaded broker; retried with
 *     backoff. NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, a timeout or a
 *     disconnect on any coordinator request marks the coordinator unknown,
 *     abandons what was in flight to it, and discovery starts again.
 *   - Joining happens inside poll(): before JoinGroup, onJoinPrepare commits
 *     the positions with auto-commit (waiting for the answer, at most the
 *     rebalance timeout) and revokes every partition (onPartitionsRevoked; or
 *     onPartitionsLost when the member had already lost its generation).
 *     COOPERATIVE revokes only partitions of topics no longer subscribed and
 *     keeps fetching the rest through the rebalance. JoinGroup carries, per
 *     assignor, the subscription, the owned partitions and the generation
 *     (StickyAssignor: its last assignment as user data). The
 *     first JoinGroup gets MEMBER_ID_REQUIRED and is sent again with the id.
 *     The JoinGroup and SyncGroup answers are handled as they arrive (Java's
 *     heartbeat thread reads the network); the leader computes the
 *     assignment with the group's protocol (range or roundrobin) over its
 *     metadata. The assignment takes effect at the next poll() (onJoinComplete:
 *     onPartitionsAssigned with the added partitions, auto-commit timer
 *     restarted). COOPERATIVE: owned partitions missing from the assignment
 *     are revoked there (onPartitionsRevoked) and the member rejoins at once,
 *     so a second rebalance hands them to their new owners.
 *   - The heartbeat thread: from the JoinGroup answer on, a heartbeat every
 *     `heartbeat.interval.ms`; REBALANCE_IN_PROGRESS makes the member rejoin
 *     at its next poll(); UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION reset its
 *     generation; no poll() for `max.poll.interval.ms` and it leaves the group
 *     ("consumer poll timeout has expired."); no heartbeat answer for
 *     `session.timeout.ms` and it looks for the coordinator again.
 *   - The group leader keeps a snapshot of the partition counts its
 *     assignment was computed from; when a metadata refresh (every
 *     `metadata.max.age.ms`) changes them, its next poll() rejoins, which
 *     rebalances the group (rejoinNeededOrPending).
 *   - Offsets: auto-commit of every position inside poll() every
 *     `auto.commit.interval.ms`, before a rebalance and on close;
 *     commitSync (retried until `default.api.timeout.ms`) and commitAsync
 *     (callbacks at the next poll or commit call), with the errors of
 *     OffsetCommitResponseHandler (CommitFailedException,
 *     RebalanceInProgressException); committed offsets (OffsetFetch, with
 *     require_stable) initialize newly assigned partitions.
 */
import { assert } from '../../sim/assert';
import type { Timer } from '../../sim/Simulation';
import { assign, supportedProtocols, type AssignedPartition, type AssignorName, type RebalanceProtocol, type StickyUserData } from '../group/assignors';
import type { JoinGroupMember, MemberAssignment } from '../group/GroupCoordinator';
import { groupErrorException, groupErrorMessage, isRetriableGroupError, type GroupApiErrorCode } from '../group/groupErrors';
import type { RequestFailure } from '../NetworkClient';
import type {
  FindCoordinatorResponseBody,
  HeartbeatResponseBody,
  JoinGroupResponseBody,
  KafkaRequest,
  OffsetCommitResponseBody,
  OffsetFetchResponseBody,
  ResponseBody,
  SyncGroupResponseBody,
} from '../protocol';
import { retryBackoffMs } from '../ProducerConfig';
import { brokerEndpoint, type ConsumerClientHost } from './ConsumerClientHost';
import { commitFailed, commitTimeout, consumerException, offsetsText, rebalanceInProgress, retriableCommitFailed, type ConsumerException } from './consumerExceptions';
import { Heartbeat } from './Heartbeat';

export type MemberState = 'UNJOINED' | 'PREPARING_REBALANCE' | 'COMPLETING_REBALANCE' | 'STABLE';

export interface Generation {
  readonly generationId: number;
  readonly memberId: string;
  readonly protocolName: string | null;
}

export const NO_GENERATION: Generation = { generationId: -1, memberId: '', protocolName: null };

/** ConsumerRebalanceListener; onPartitionsLost defaults to onPartitionsRevoked, as in Java. */
export interface ConsumerRebalanceListener {
  onPartitionsRevoked?(partitions: readonly string[]): void;
  onPartitionsAssigned?(partitions: readonly string[]): void;
  onPartitionsLost?(partitions: readonly string[]): void;
}

export type CommitOutcome = { readonly ok: true } | { readonly ok: false; readonly error: ConsumerException };

export type CommitCallback = (offsets: ReadonlyMap<string, number>, error: ConsumerException | null) => void;

interface JoinFuture {
  done: boolean;
  assignment: MemberAssignment | null;
  error: ConsumerException | null;
}

interface CoordinatorRequest {
  abandoned: boolean;
  correlationId: number;
  readonly fail: (failure: RequestFailure) => void;
}

/** JOIN_GROUP_TIMEOUT_LAPSE: JoinGroup may wait the rebalance timeout at the coordinator, plus this. */
const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5_000;

/** Partition counts per topic: what an assignment was computed from. */
type MetadataSnapshot = ReadonlyMap<string, number>;

export class ConsumerCoordinator {
  state: MemberState = 'UNJOINED';
  generation: Generation = NO_GENERATION;
  coordinatorId: number | null = null;
  listener: ConsumerRebalanceListener | null = null;
  /** Rebalances this member completed (assignments received). */
  rebalances = 0;
  /** Partitions this member gave up, revoked or lost, over all its rebalances (a partition twice if twice). */
  partitionsGivenUp = 0;
  /** EAGER or COOPERATIVE: the most advanced protocol every configured assignor supports. */
  readonly protocol: RebalanceProtocol;
  /** StickyAssignor's state (onAssignment): the last assignment and its generation, sent back as user data. */
  private stickyUserData: StickyUserData | null = null;
  private readonly host: ConsumerClientHost;
  private readonly groupId: string;
  private readonly heartbeat: Heartbeat;
  private heartbeatEnabled = false;
  private heartbeatTimer: Timer | undefined;
  private findInFlight = false;
  private findAttempts = 0;
  private findBackoffUntilMs = 0;
  private readonly findListeners: ((found: boolean) => void)[] = [];
  private rejoinNeeded = true;
  private rejoinReason = '';
  private needsJoinPrepare = true;
  private joinFuture: JoinFuture | null = null;
  private joinBackoffUntilMs = 0;
  private isLeader = false;
  private joinedSubscription: readonly string[] | null = null;
  private metadataSnapshot: MetadataSnapshot = new Map();
  private metadataSnapshotVersion = -1;
  private assignmentSnapshot: MetadataSnapshot | null = null;
  private nextAutoCommitMs = Infinity;
  private joinPrepareCommit: { done: boolean; outcome: CommitOutcome | null } | null = null;
  private joinPrepareDeadlineMs: number | null = null;
  private joinPrepareRetryAtMs = 0;
  private readonly inFlight = new Set<CoordinatorRequest>();
  private readonly completedCommits: (() => void)[] = [];
  private inFlightAsyncCommits = 0;
  private lastRebalanceStartMs = -1;

  constructor(host: ConsumerClientHost) {
    this.host = host;
    assert(host.config.groupId !== null, 'a ConsumerCoordinator needs a group.id');
    this.groupId = host.config.groupId;
    const c = host.config;
    // ConsumerCoordinator's constructor: the highest protocol common to all assignors.
    this.protocol = c.assignors.every((a) => supportedProtocols(a as AssignorName).includes('COOPERATIVE')) ? 'COOPERATIVE' : 'EAGER';
    this.heartbeat = new Heartbeat(
      { heartbeatIntervalMs: c.heartbeatIntervalMs, sessionTimeoutMs: c.sessionTimeoutMs, maxPollIntervalMs: c.maxPollIntervalMs, retryBackoffMs: c.retryBackoffMs, retryBackoffMaxMs: c.retryBackoffMaxMs },
      host.rng,
    );
  }

  get coordinatorUnknown(): boolean {
    return this.coordinatorId === null;
  }

  get rebalanceInProgress(): boolean {
    return this.state === 'PREPARING_REBALANCE' || this.state === 'COMPLETING_REBALANCE';
  }

  /** The generation while STABLE, else null (AbstractCoordinator.generationIfStable). */
  generationIfStable(): Generation | null {
    return this.state === 'STABLE' ? this.generation : null;
  }

  get leader(): boolean {
    return this.isLeader;
  }

  // ---- poll (the application thread) ------------------------------------------------------------

  /**
   * ConsumerCoordinator.poll without blocking: moves discovery and joining
   * forward and auto-commits when due. True when the member may fetch (it is
   * in the group with its assignment, or it assigns partitions itself).
   * Throws nothing; a fatal join error is returned.
   */
  poll(nowMs: number): { ready: boolean; error: ConsumerException | null } {
    this.invokeCompletedOffsetCommitCallbacks();
    const subscriptions = this.host.subscriptions;
    if (!subscriptions.hasAutoAssignedPartitions) {
      this.maybeAutoCommitOffsetsAsync(nowMs);
      return { ready: true, error: null };
    }
    this.maybeUpdateSubscriptionMetadata();
    // Always update the poll timer so the heartbeat thread does not leave the group because of a slow lookup.
    this.heartbeat.poll(nowMs);
    if (this.coordinatorUnknown) {
      this.lookupCoordinator();
      return { ready: false, error: null };
    }
    if (this.rejoinNeededOrPending()) {
      const joined = this.joinGroupIfNeeded(nowMs);
      if (joined !== true) return { ready: false, error: joined === false ? null : joined };
    }
    this.maybeAutoCommitOffsetsAsync(nowMs);
    return { ready: true, error: null };
  }

  /** When poll() should look again even if nothing arrives (auto-commit, a join backoff, a commit retry); only later moments count. */
  nextPollWakeupMs(): number {
    const now = this.host.sim.nowMs;
    const candidates = [this.joinBackoffUntilMs, this.joinPrepareRetryAtMs];
    if (this.host.config.enableAutoCommit && this.state === 'STABLE') candidates.push(this.nextAutoCommitMs);
    if (this.coordinatorUnknown && !this.findInFlight) candidates.push(this.findBackoffUntilMs);
    let next = Infinity;
    for (const at of candidates) if (at > now && at < next) next = at;
    return next;
  }

  private maybeUpdateSubscriptionMetadata(): void {
    const metadata = this.host.metadata;
    if (metadata.updateVersion > this.metadataSnapshotVersion) {
      const subscriptions = this.host.subscriptions;
      const topics = this.isLeader ? [...new Set([...subscriptions.subscription, ...subscriptions.groupSubscription])] : subscriptions.subscription;
      this.metadataSnapshot = metadata.partitionCounts(topics);
      this.metadataSnapshotVersion = metadata.updateVersion;
    }
  }

  /** ConsumerCoordinator.rejoinNeededOrPending. */
  private rejoinNeededOrPending(): boolean {
    if (!this.host.subscriptions.hasAutoAssignedPartitions) return false;
    if (this.assignmentSnapshot !== null && !sameSnapshot(this.assignmentSnapshot, this.metadataSnapshot)) {
      if (!this.rejoinNeeded) {
        this.requestRejoin('cached metadata has changed');
        this.host.trace('consumer.metadata-changed', { group: this.groupId, from: snapshotText(this.assignmentSnapshot), to: snapshotText(this.metadataSnapshot) });
      }
      return true;
    }
    const subscription = this.host.subscriptions.subscription;
    if (this.joinedSubscription !== null && this.joinedSubscription.join(',') !== subscription.join(',')) {
      if (!this.rejoinNeeded) this.requestRejoin('subscription has changed');
      return true;
    }
    return this.rejoinNeeded || this.joinFuture !== null;
  }

  requestRejoin(reason: string): void {
    this.rejoinReason = reason;
    this.rejoinNeeded = true;
  }

  /**
   * AbstractCoordinator.joinGroupIfNeeded: true when joined, false while
   * waiting (a response, a backoff), or a fatal error.
   */
  private joinGroupIfNeeded(nowMs: number): boolean | ConsumerException {
    for (let rounds = 0; rounds < 8 && this.rejoinNeededOrPending(); rounds++) {
      if (this.coordinatorUnknown) {
        this.lookupCoordinator();
        return false;
      }
      if (this.needsJoinPrepare) {
        this.needsJoinPrepare = false;
        if (!this.onJoinPrepare(nowMs)) {
          this.needsJoinPrepare = true;
          return false;
        }
      }
      if (this.joinFuture === null) {
        if (nowMs < this.joinBackoffUntilMs) return false;
        this.sendJoinGroupRequest();
      }
      const future = this.joinFuture!;
      if (!future.done) return false;
      this.joinFuture = null;
      if (future.error === null) {
        if (this.state === 'STABLE' && this.generation.generationId >= 0) {
          this.onJoinComplete(future.assignment!);
          this.needsJoinPrepare = true;
        } else {
          this.resetStateAndRejoin(`rebalance failed since the generation/state was modified by heartbeat thread to ${this.generation.generationId}/${this.state} before the rebalance callback triggered`, true);
        }
        continue;
      }
      const error = future.error;
      if (error.exception !== 'MemberIdRequiredException') this.requestRejoin(`rebalance failed due to ${error.exception}`);
      if (['UnknownMemberIdException', 'IllegalGenerationException', 'RebalanceInProgressException', 'MemberIdRequiredException'].includes(error.exception)) continue;
      if (!error.retriable) return error;
      this.joinBackoffUntilMs = nowMs + this.host.config.retryBackoffMs;
      return false;
    }
    return !this.rejoinNeededOrPending();
  }

  /**
   * ConsumerCoordinator.onJoinPrepare: commit, then revoke everything (EAGER)
   * or only partitions no longer subscribed (COOPERATIVE). False while the
   * commit is pending.
   */
  private onJoinPrepare(nowMs: number): boolean {
    const config = this.host.config;
    const subscriptions = this.host.subscriptions;
    this.joinPrepareDeadlineMs ??= nowMs + config.maxPollIntervalMs;
    if (nowMs < this.joinPrepareRetryAtMs) return false;
    if (config.enableAutoCommit && this.joinPrepareCommit === null) {
      // maybeMarkPartitionsPendingRevocation: EAGER only; a cooperative member keeps fetching what it owns.
      if (this.protocol === 'EAGER') subscriptions.markPendingRevocation();
      const pending: { done: boolean; outcome: CommitOutcome | null } = { done: false, outcome: null };
      this.joinPrepareCommit = pending;
      this.autoCommitOffsetsAsync((outcome) => {
        pending.done = true;
        pending.outcome = outcome;
        this.host.wakeup();
      });
    }
    const commit = this.joinPrepareCommit;
    if (commit !== null) {
      let completed = true;
      if (nowMs >= this.joinPrepareDeadlineMs) {
        this.host.trace('consumer.auto-commit-failed', { group: this.groupId, message: 'Asynchronous auto-commit of offsets failed: joinPrepare timeout. Will continue to join group' });
      } else if (!commit.done) {
        completed = false;
      } else if (commit.outcome !== null && !commit.outcome.ok && commit.outcome.error.retriable) {
        completed = false;
      }
      if (commit.done) this.joinPrepareCommit = null;
      if (!completed) {
        if (commit.done) this.joinPrepareRetryAtMs = nowMs + config.retryBackoffMs;
        return false;
      }
    }
    const owned = subscriptions.assignedNames().sort();
    const lost = this.generation.generationId === NO_GENERATION.generationId || this.generation.memberId === NO_GENERATION.memberId;
    if (lost) {
      if (owned.length > 0) {
        this.host.trace('consumer.lost', { group: this.groupId, partitions: owned });
        this.invokeListener('lost', owned);
        subscriptions.assignFromSubscribed([]);
      }
    } else if (this.protocol === 'EAGER') {
      this.host.trace('consumer.revoked', { group: this.groupId, partitions: owned, generation: this.generation.generationId });
      this.invokeListener('revoked', owned);
      subscriptions.assignFromSubscribed([]);
    } else {
      const subscribed = new Set(subscriptions.subscription);
      const revoked = subscriptions.assignedPartitions().filter((p) => !subscribed.has(p.topic));
      if (revoked.length > 0) {
        const names = revoked.map((p) => p.name).sort();
        this.host.trace('consumer.revoked', { group: this.groupId, partitions: names, generation: this.generation.generationId });
        this.invokeListener('revoked', names);
        subscriptions.assignFromSubscribed(subscriptions.assignedPartitions().filter((p) => subscribed.has(p.topic)));
      }
    }
    this.isLeader = false;
    subscriptions.groupSubscription = [];
    this.joinPrepareDeadlineMs = null;
    this.joinPrepareCommit = null;
    return true;
  }

  /**
   * ConsumerCoordinator.onJoinComplete: take the assignment and tell the
   * listener of the added partitions (all of them under EAGER, which owns
   * nothing here). COOPERATIVE first revokes owned partitions the assignment
   * leaves out, then asks to rejoin so they can be assigned to their new owner.
   */
  private onJoinComplete(assignment: MemberAssignment): void {
    if (!this.isLeader) this.assignmentSnapshot = null;
    const subscriptions = this.host.subscriptions;
    const assigned = [...assignment].sort(comparePartitions);
    const names = assigned.map((p) => `${p.topic}-${p.partition}`);
    const owned = new Set(subscriptions.assignedNames());
    const assignedSet = new Set(names);
    const added = names.filter((n) => !owned.has(n));
    if (this.protocol === 'COOPERATIVE') {
      const revoked = [...owned].filter((n) => !assignedSet.has(n)).sort(compareNames);
      if (revoked.length > 0) {
        this.host.trace('consumer.revoked', { group: this.groupId, partitions: revoked, generation: this.generation.generationId });
        this.invokeListener('revoked', revoked);
        this.requestRejoin(`need to revoke partitions [${revoked.join(', ')}] as indicated by the current assignment and re-join`);
      }
    }
    // StickyAssignor.onAssignment
    this.stickyUserData = { partitions: assigned, generation: this.generation.generationId };
    this.nextAutoCommitMs = this.host.sim.nowMs + this.host.config.autoCommitIntervalMs;
    subscriptions.assignFromSubscribed(assigned);
    this.rebalances++;
    this.host.trace('consumer.assigned', { group: this.groupId, member: this.generation.memberId, generation: this.generation.generationId, partitions: added, ...(this.protocol === 'COOPERATIVE' ? { assignment: names } : {}) });
    this.invokeListener('assigned', added);
  }

  private invokeListener(kind: 'revoked' | 'assigned' | 'lost', partitions: readonly string[]): void {
    if (kind !== 'assigned') this.partitionsGivenUp += partitions.length;
    const listener = this.listener;
    if (listener === null) return;
    if (kind === 'assigned') listener.onPartitionsAssigned?.(partitions);
    else if (kind === 'revoked') listener.onPartitionsRevoked?.(partitions);
    else if (listener.onPartitionsLost !== undefined) listener.onPartitionsLost(partitions);
    else listener.onPartitionsRevoked?.(partitions);
  }

  // ---- JoinGroup and SyncGroup --------------------------------------------------------------------

  private sendJoinGroupRequest(): void {
    const host = this.host;
    const config = host.config;
    this.state = 'PREPARING_REBALANCE';
    this.disableHeartbeat();
    if (this.lastRebalanceStartMs < 0) this.lastRebalanceStartMs = host.sim.nowMs;
    const future: JoinFuture = { done: false, assignment: null, error: null };
    this.joinFuture = future;
    const subscription = [...host.subscriptions.subscription];
    this.joinedSubscription = subscription;
    const sentGeneration = this.generation;
    // ConsumerCoordinator.metadata: subscriptions.assignedPartitionsList() and generation().generationId.
    const ownedPartitions: AssignedPartition[] = host.subscriptions
      .assignedPartitions()
      .map((p) => ({ topic: p.topic, partition: p.partition }))
      .sort(comparePartitions);
    const fail = (error: ConsumerException): void => {
      if (future.done) return;
      future.done = true;
      future.error = error;
      host.wakeup();
    };
    host.trace('consumer.join', { group: this.groupId, member: sentGeneration.memberId, reason: this.rejoinReason });
    this.sendToCoordinator(
      (correlationId) => ({
        kind: 'join-group',
        correlationId,
        groupId: this.groupId,
        memberId: sentGeneration.memberId,
        groupInstanceId: null,
        clientId: host.clientId,
        clientHost: host.clientHost,
        sessionTimeoutMs: config.sessionTimeoutMs,
        rebalanceTimeoutMs: config.maxPollIntervalMs,
        protocolType: 'consumer',
        protocols: config.assignors.map((name) => ({ name, topics: subscription, ownedPartitions, generationId: sentGeneration.generationId, ...(name === 'sticky' ? { userData: this.stickyUserData } : {}) })),
        reason: this.rejoinReason,
      }),
      (body) => this.onJoinGroupResponse(body as JoinGroupResponseBody, sentGeneration, future, fail),
      (failure) => fail(failureException(failure)),
      Math.max(config.requestTimeoutMs, config.maxPollIntervalMs + JOIN_GROUP_TIMEOUT_LAPSE_MS),
    );
  }

  private onJoinGroupResponse(body: JoinGroupResponseBody, sentGeneration: Generation, future: JoinFuture, fail: (e: ConsumerException) => void): void {
    const error = body.error;
    if (error === null) {
      if (this.state !== 'PREPARING_REBALANCE') return fail(consumerException('UnjoinedGroupException', 'The member is not part of the group', true));
      this.state = 'COMPLETING_REBALANCE';
      this.enableHeartbeat();
      this.generation = { generationId: body.generationId, memberId: body.memberId, protocolName: body.protocolName };
      this.host.trace('consumer.joined', { group: this.groupId, member: body.memberId, generation: body.generationId, leader: body.leaderId === body.memberId, protocol: body.protocolName ?? '' });
      if (body.leaderId === body.memberId) this.onLeaderElected(body, future, fail);
      else this.sendSyncGroupRequest([], future, fail);
      return;
    }
    switch (error) {
      case 'UNKNOWN_MEMBER_ID':
        if (sameGeneration(this.generation, sentGeneration)) this.resetStateOnResponseError('JOIN_GROUP', error, true);
        return fail(groupException(error));
      case 'COORDINATOR_NOT_AVAILABLE':
      case 'NOT_COORDINATOR':
        this.markCoordinatorUnknown(false, `error response ${error}`);
        return fail(groupException(error));
      case 'MEMBER_ID_REQUIRED':
        this.generation = { generationId: -1, memberId: body.memberId, protocolName: null };
        this.requestRejoin(`need to re-join with the given member-id: ${body.memberId}`);
        return fail(groupException(error));
      case 'COORDINATOR_LOAD_IN_PROGRESS':
      case 'REBALANCE_IN_PROGRESS':
      case 'INCONSISTENT_GROUP_PROTOCOL':
      case 'INVALID_SESSION_TIMEOUT':
      case 'INVALID_GROUP_ID':
        return fail(groupException(error));
      default:
        return fail(consumerException('KafkaException', `Unexpected error in join group response: ${groupErrorMessage(error)}`));
    }
  }

  /** ConsumerCoordinator.onLeaderElected: the group's subscriptions in, every member's partitions out. */
  private onLeaderElected(body: JoinGroupResponseBody, future: JoinFuture, fail: (e: ConsumerException) => void): void {
    const host = this.host;
    const topics = [...new Set(body.members.flatMap((m) => m.topics))].sort();
    const newTopics = topics.some((t) => !host.metadata.knows(t));
    host.subscriptions.groupSubscription = topics;
    host.metadata.setTopics([...new Set([...host.subscriptions.subscription, ...topics])]);
    const generation = this.generation;
    const compute = (): void => {
      if (future.done || this.generation !== generation) return;
      this.isLeader = true;
      this.metadataSnapshotVersion = -1;
      this.maybeUpdateSubscriptionMetadata();
      const counts = host.metadata.partitionCounts(topics);
      const assignment = assign(body.protocolName as AssignorName, counts, body.members);
      if (this.protocol === 'COOPERATIVE') assertCooperativeAssignment(body.members, assignment);
      this.assignmentSnapshot = this.metadataSnapshot;
      host.trace('consumer.assignment', {
        group: this.groupId,
        generation: generation.generationId,
        protocol: body.protocolName ?? '',
        assignment: Object.fromEntries([...assignment].map(([member, parts]) => [member, parts.map((p) => `${p.topic}-${p.partition}`)])),
      });
      this.sendSyncGroupRequest(
        [...assignment].map(([memberId, parts]) => ({ memberId, assignment: parts })),
        future,
        fail,
      );
    };
    // updateGroupSubscription: a topic another member subscribes to needs fresh metadata first.
    if (newTopics) this.afterMetadataUpdate(compute);
    else compute();
  }

  private afterMetadataUpdate(run: () => void): void {
    const version = this.host.metadata.updateVersion;
    this.host.metadata.requestUpdate();
    const check = (): void => {
      if (this.host.isClosed()) return;
      if (this.host.metadata.updateVersion > version) run();
      else this.host.sim.schedule(this.host.config.retryBackoffMs, `await metadata ${this.host.clientId}`, check);
    };
    this.host.wakeup();
    this.host.sim.schedule(0, `await metadata ${this.host.clientId}`, check);
  }

  private sendSyncGroupRequest(assignments: { memberId: string; assignment: MemberAssignment }[], future: JoinFuture, fail: (e: ConsumerException) => void): void {
    const sentGeneration = this.generation;
    this.sendToCoordinator(
      (correlationId) => ({ kind: 'sync-group', correlationId, groupId: this.groupId, memberId: sentGeneration.memberId, generationId: sentGeneration.generationId, assignments }),
      (b) => {
        const body = b as SyncGroupResponseBody;
        const error = body.error;
        if (error === null) {
          if (this.state !== 'COMPLETING_REBALANCE' || this.generation.generationId < 0) return fail(consumerException('UnjoinedGroupException', 'The member is not part of the group', true));
          this.state = 'STABLE';
          this.rejoinReason = '';
          this.rejoinNeeded = false;
          this.lastRebalanceStartMs = -1;
          future.done = true;
          future.assignment = body.assignment;
          this.host.trace('consumer.synced', { group: this.groupId, member: sentGeneration.memberId, generation: sentGeneration.generationId, partitions: body.assignment.map((p) => `${p.topic}-${p.partition}`) });
          this.host.wakeup();
          return;
        }
        if (error === 'UNKNOWN_MEMBER_ID' || error === 'ILLEGAL_GENERATION') {
          if (sameGeneration(this.generation, sentGeneration)) this.resetStateOnResponseError('SYNC_GROUP', error, error !== 'ILLEGAL_GENERATION');
        } else if (error === 'COORDINATOR_NOT_AVAILABLE' || error === 'NOT_COORDINATOR') {
          this.markCoordinatorUnknown(false, `error response ${error}`);
        } else if (error !== 'REBALANCE_IN_PROGRESS') {
          return fail(consumerException('KafkaException', `Unexpected error from SyncGroup: ${groupErrorMessage(error)}`));
        }
        fail(groupException(error));
      },
      (failure) => fail(failureException(failure)),
    );
  }

  // ---- the heartbeat thread -------------------------------------------------------------------------

  private enableHeartbeat(): void {
    this.heartbeatEnabled = true;
    this.heartbeat.resetTimeouts(this.host.sim.nowMs);
    this.armHeartbeat(this.host.sim.nowMs + this.host.config.heartbeatIntervalMs);
  }

  private disableHeartbeat(): void {
    this.heartbeatEnabled = false;
    this.host.sim.cancel(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private armHeartbeat(atMs: number): void {
    const sim = this.host.sim;
    const at = Math.max(atMs, sim.nowMs);
    if (this.heartbeatTimer !== undefined && !this.heartbeatTimer.cancelled && this.heartbeatTimer.atMs <= at) return;
    sim.cancel(this.heartbeatTimer);
    this.heartbeatTimer = sim.at(at, `heartbeat thread ${this.host.clientId}`, () => {
      this.heartbeatTimer = undefined;
      this.heartbeatTick();
    });
  }

  /** One turn of AbstractCoordinator.HeartbeatThread.run. */
  private heartbeatTick(): void {
    const host = this.host;
    if (host.isClosed() || !this.heartbeatEnabled) return;
    if (this.state === 'UNJOINED' || this.state === 'PREPARING_REBALANCE') {
      this.disableHeartbeat();
      return;
    }
    const now = host.sim.nowMs;
    const heartbeat = this.heartbeat;
    if (this.coordinatorUnknown) {
      this.lookupCoordinator();
      this.armHeartbeat(now + host.config.retryBackoffMs);
      return;
    }
    if (heartbeat.sessionTimeoutExpired(now)) {
      this.markCoordinatorUnknown(false, 'session timed out without receiving a heartbeat response');
      this.armHeartbeat(now + host.config.retryBackoffMs);
      return;
    }
    if (heartbeat.pollTimeoutExpired(now)) {
      host.trace('consumer.poll-timeout', {
        group: this.groupId,
        member: this.generation.memberId,
        maxPollIntervalMs: host.config.maxPollIntervalMs,
        message:
          'consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too much time processing messages. You can address this either by increasing max.poll.interval.ms or by reducing the maximum size of batches returned in poll() with max.poll.records.',
      });
      this.maybeLeaveGroup('consumer poll timeout has expired.');
      return;
    }
    if (!heartbeat.shouldHeartbeat(now)) {
      this.armHeartbeat(heartbeat.nextDeadlineMs());
      return;
    }
    heartbeat.sentHeartbeat(now);
    this.sendHeartbeatRequest();
    this.armHeartbeat(heartbeat.nextDeadlineMs());
  }

  private sendHeartbeatRequest(): void {
    const host = this.host;
    const sentGeneration = this.generation;
    const received = (): void => {
      this.heartbeat.receiveHeartbeat(host.sim.nowMs);
      if (this.heartbeatEnabled) this.armHeartbeat(this.heartbeat.nextDeadlineMs());
    };
    const failed = (): void => {
      this.heartbeat.failHeartbeat(host.sim.nowMs);
      if (this.heartbeatEnabled) this.armHeartbeat(this.heartbeat.nextDeadlineMs());
    };
    this.sendToCoordinator(
      (correlationId) => ({ kind: 'heartbeat', correlationId, groupId: this.groupId, memberId: sentGeneration.memberId, generationId: sentGeneration.generationId }),
      (b) => {
        const error = (b as HeartbeatResponseBody).error;
        switch (error) {
          case null:
            return received();
          case 'COORDINATOR_NOT_AVAILABLE':
          case 'NOT_COORDINATOR':
            this.markCoordinatorUnknown(false, `error response ${error}`);
            return failed();
          case 'REBALANCE_IN_PROGRESS':
            // Heartbeating during a rebalance keeps the member in; a STABLE member learns to rejoin.
            if (this.state === 'STABLE') {
              this.requestRejoin('group is already rebalancing');
              host.trace('consumer.rebalance-needed', { group: this.groupId, member: sentGeneration.memberId, reason: 'heartbeat: REBALANCE_IN_PROGRESS' });
            }
            return received();
          case 'ILLEGAL_GENERATION':
          case 'UNKNOWN_MEMBER_ID':
            if (sameGeneration(this.generation, sentGeneration)) this.resetStateOnResponseError('HEARTBEAT', error, error !== 'ILLEGAL_GENERATION');
            return failed();
          default:
            return failed();
        }
      },
      () => failed(),
    );
  }

  /**
   * AbstractCoordinator.maybeLeaveGroup: a dynamic member in a group says
   * goodbye, once (no retry), and forgets its generation. `answered` runs
   * when the LeaveGroup is answered or failed, at once if none was sent.
   */
  maybeLeaveGroup(reason: string, answered?: () => void): void {
    const host = this.host;
    if (!this.coordinatorUnknown && this.state !== 'UNJOINED' && this.generation.memberId !== '') {
      const memberId = this.generation.memberId;
      host.trace('consumer.leave', { group: this.groupId, member: memberId, reason });
      this.sendToCoordinator(
        (correlationId) => ({ kind: 'leave-group', correlationId, groupId: this.groupId, members: [{ memberId, reason }] }),
        () => answered?.(),
        () => answered?.(),
      );
    } else {
      answered?.();
    }
    this.resetStateAndRejoin('consumer pro-actively leaving the group', true);
  }

  private resetStateOnResponseError(api: string, error: GroupApiErrorCode, resetMemberId: boolean): void {
    this.resetStateAndRejoin(`encountered ${error} from ${api} response`, resetMemberId);
  }

  private resetStateAndRejoin(reason: string, resetMemberId: boolean): void {
    this.host.trace('consumer.reset-generation', { group: this.groupId, member: this.generation.memberId, generation: this.generation.generationId, reason });
    this.state = 'UNJOINED';
    this.generation = resetMemberId ? NO_GENERATION : { generationId: -1, memberId: this.generation.memberId, protocolName: null };
    this.requestRejoin(reason);
    this.needsJoinPrepare = true;
    this.disableHeartbeat();
  }

  // ---- the coordinator's connection ------------------------------------------------------------------

  /** AbstractCoordinator.lookupCoordinator: one FindCoordinator at a time, with backoff after failures. */
  lookupCoordinator(listener?: (found: boolean) => void): void {
    const host = this.host;
    if (listener !== undefined) {
      if (!this.coordinatorUnknown) return listener(true);
      this.findListeners.push(listener);
    }
    if (this.findInFlight || !this.coordinatorUnknown) return;
    const now = host.sim.nowMs;
    if (now < this.findBackoffUntilMs) {
      host.sim.at(this.findBackoffUntilMs, `find coordinator backoff ${host.clientId}`, () => {
        if (!host.isClosed() && this.coordinatorUnknown) this.lookupCoordinator();
      });
      return;
    }
    this.findInFlight = true;
    const node = host.leastLoadedNode();
    const done = (found: boolean): void => {
      this.findInFlight = false;
      if (!found) {
        this.findBackoffUntilMs = host.sim.nowMs + retryBackoffMs(host.config, this.findAttempts++, host.rng);
        host.metadata.requestUpdate();
      } else {
        this.findAttempts = 0;
      }
      const listeners = this.findListeners.splice(0);
      for (const l of listeners) l(found);
      host.wakeup();
    };
    host.client.send(
      node,
      (correlationId) => ({ kind: 'find-coordinator', correlationId, keyType: 'group', key: this.groupId }),
      (b, failure) => {
        if (host.isClosed()) return;
        if (failure !== null) return done(false);
        const body = b as FindCoordinatorResponseBody;
        if (body.error !== null) {
          host.trace('consumer.find-coordinator-failed', { group: this.groupId, error: body.error, message: groupErrorMessage(body.error) });
          return done(false);
        }
        this.coordinatorId = body.nodeId;
        host.trace('consumer.coordinator', { group: this.groupId, coordinator: body.nodeId });
        if (this.heartbeatEnabled) this.heartbeat.resetSessionTimeout(host.sim.nowMs);
        done(true);
      },
    );
  }

  /**
   * AbstractCoordinator.markCoordinatorUnknown: forget the coordinator; what
   * was in flight to it fails at once (Kafka disconnects from it), unless the
   * connection is already gone.
   */
  private markCoordinatorUnknown(isDisconnected: boolean, cause: string): void {
    const old = this.coordinatorId;
    if (old === null) return;
    this.coordinatorId = null;
    this.host.trace('consumer.coordinator-unknown', { group: this.groupId, coordinator: old, cause });
    if (isDisconnected) return;
    const abandoned = [...this.inFlight];
    this.inFlight.clear();
    for (const request of abandoned) {
      request.abandoned = true;
      this.host.client.abandon(request.correlationId);
    }
    if (abandoned.length === 0) return;
    this.host.sim.schedule(0, `disconnect coordinator ${this.host.clientId}`, () => {
      if (this.host.isClosed()) return;
      for (const request of abandoned) request.fail({ error: 'NETWORK_EXCEPTION', message: `Disconnected from node ${old}` });
      this.host.wakeup();
    });
  }

  private sendToCoordinator(
    build: (correlationId: number) => KafkaRequest,
    onResponse: (body: ResponseBody) => void,
    onFailure: (failure: RequestFailure) => void,
    timeoutMs?: number,
  ): void {
    const node = this.coordinatorId;
    if (node === null) {
      // RequestFuture.coordinatorNotAvailable()
      this.host.sim.schedule(0, `coordinator unknown ${this.host.clientId}`, () => {
        if (!this.host.isClosed()) onFailure({ error: 'NETWORK_EXCEPTION', message: 'The coordinator is not available.' });
      });
      return;
    }
    const request: CoordinatorRequest = { abandoned: false, correlationId: -1, fail: onFailure };
    this.inFlight.add(request);
    request.correlationId = this.host.client.send(
      brokerEndpoint(node),
      build,
      (body, failure) => {
        this.inFlight.delete(request);
        if (request.abandoned || this.host.isClosed()) return;
        if (failure !== null) {
          // CoordinatorResponseHandler.onFailure: a disconnect or timeout means the coordinator may be gone.
          this.markCoordinatorUnknown(true, failure.message);
          onFailure(failure);
        } else {
          onResponse(body!);
        }
        this.host.wakeup();
      },
      timeoutMs,
    );
  }

  // ---- offsets -------------------------------------------------------------------------------------

  /** ConsumerCoordinator.maybeAutoCommitOffsetsAsync, inside poll(). */
  private maybeAutoCommitOffsetsAsync(nowMs: number): void {
    if (!this.host.config.enableAutoCommit || nowMs < this.nextAutoCommitMs) return;
    this.nextAutoCommitMs = nowMs + this.host.config.autoCommitIntervalMs;
    this.autoCommitOffsetsAsync();
  }

  private autoCommitOffsetsAsync(done?: (outcome: CommitOutcome) => void): void {
    const offsets = this.host.subscriptions.allConsumed();
    this.commitOffsetsAsync(offsets, (committed, error) => {
      if (error !== null) {
        if (error.retriable) this.nextAutoCommitMs = this.host.sim.nowMs + this.host.config.retryBackoffMs;
        // ConsumerCoordinator.autoCommitOffsetsAsync's log lines (3.7+: a retriable failure's exception follows as a stack trace).
        const message =
          error.exception === 'RetriableCommitFailedException'
            ? `Asynchronous auto-commit of offsets ${offsetsText(committed)} failed due to retriable error.`
            : `Asynchronous auto-commit of offsets ${offsetsText(committed)} failed: ${error.message}`;
        this.host.trace('consumer.auto-commit-failed', { group: this.groupId, exception: error.exception, message, ...(error.cause !== undefined ? { cause: error.cause } : {}) });
      } else if (committed.size > 0) {
        this.host.trace('consumer.auto-commit', { group: this.groupId, offsets: Object.fromEntries(committed) });
      }
      done?.(error === null ? { ok: true } : { ok: false, error });
    }, true);
  }

  /**
   * ConsumerCoordinator.commitOffsetsAsync. The callback runs at the next
   * poll or commit call (invokeCompletedOffsetCommitCallbacks), or at once
   * for the auto-commit before a rebalance, which poll() waits for.
   */
  commitOffsetsAsync(offsets: ReadonlyMap<string, number>, callback: CommitCallback, immediate = false): void {
    const complete = (error: ConsumerException | null): void => {
      const run = (): void => callback(offsets, error);
      if (immediate) run();
      else this.completedCommits.push(run);
    };
    if (offsets.size === 0) return complete(null);
    const send = (): void => {
      this.inFlightAsyncCommits++;
      this.sendOffsetCommitRequest(offsets, (outcome) => {
        this.inFlightAsyncCommits--;
        complete(outcome.ok ? null : outcome.error.retriable ? retriableCommitFailed(outcome.error) : outcome.error);
        this.host.wakeup();
      });
    };
    if (!this.coordinatorUnknown) return send();
    this.lookupCoordinator((found) => {
      if (found) send();
      else complete(retriableCommitFailed(groupException('COORDINATOR_NOT_AVAILABLE')));
    });
  }

  /** ConsumerCoordinator.commitOffsetsSync: retried on retriable errors until `timeoutMs`. */
  commitOffsetsSync(offsets: ReadonlyMap<string, number>, timeoutMs: number, done: (outcome: CommitOutcome) => void): void {
    this.invokeCompletedOffsetCommitCallbacks();
    const host = this.host;
    const deadline = host.sim.nowMs + timeoutMs;
    let attempts = 0;
    if (offsets.size === 0) {
      // Wait for the async commits in flight, so their callbacks run before commitSync returns.
      const waitAsync = (): void => {
        this.invokeCompletedOffsetCommitCallbacks();
        if (this.inFlightAsyncCommits === 0) return done({ ok: true });
        if (host.sim.nowMs >= deadline) return done({ ok: false, error: commitTimeout(timeoutMs, offsets) });
        host.sim.schedule(host.config.retryBackoffMs, `commitSync wait ${host.clientId}`, waitAsync);
      };
      return waitAsync();
    }
    const attempt = (): void => {
      if (host.isClosed()) return;
      if (host.sim.nowMs >= deadline) return done({ ok: false, error: commitTimeout(timeoutMs, offsets) });
      const retry = (): void => {
        const backoff = retryBackoffMs(host.config, attempts++, host.rng);
        host.sim.schedule(Math.min(backoff, Math.max(0, deadline - host.sim.nowMs)), `commitSync retry ${host.clientId}`, attempt);
      };
      if (this.coordinatorUnknown) {
        this.lookupCoordinator((found) => (found ? attempt() : retry()));
        return;
      }
      this.sendOffsetCommitRequest(offsets, (outcome) => {
        this.invokeCompletedOffsetCommitCallbacks();
        if (outcome.ok) return done(outcome);
        if (!outcome.error.retriable) return done(outcome);
        retry();
      });
    };
    attempt();
  }

  invokeCompletedOffsetCommitCallbacks(): void {
    while (this.completedCommits.length > 0) this.completedCommits.shift()!();
  }

  get pendingAsyncCommits(): number {
    return this.inFlightAsyncCommits;
  }

  /** ConsumerCoordinator.sendOffsetCommitRequest with OffsetCommitResponseHandler. */
  private sendOffsetCommitRequest(offsets: ReadonlyMap<string, number>, done: (outcome: CommitOutcome) => void): void {
    const host = this.host;
    const fail = (error: ConsumerException): void => done({ ok: false, error });
    let generation: Generation;
    if (host.subscriptions.hasAutoAssignedPartitions) {
      const stable = this.generationIfStable();
      if (stable === null) {
        // Not part of an active group: fail at once, without a request.
        host.sim.schedule(0, `commit refused ${host.clientId}`, () =>
          fail(
            this.rebalanceInProgress
              ? rebalanceInProgress('Offset commit cannot be completed since the consumer is undergoing a rebalance for auto partition assignment. You can try completing the rebalance by calling poll() and then retry the operation.')
              : commitFailed('Offset commit cannot be completed since the consumer is not part of an active group for auto partition assignment; it is likely that the consumer was kicked out of the group.'),
          ),
        );
        return;
      }
      generation = stable;
    } else {
      generation = NO_GENERATION;
    }
    const partitions = [...offsets]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([name, offset]) => {
        assert(offset >= 0, () => `Invalid offset: ${offset}`);
        const cut = name.lastIndexOf('-');
        return { topic: name.slice(0, cut), partition: Number(name.slice(cut + 1)), offset };
      });
    this.sendToCoordinator(
      (correlationId) => ({ kind: 'offset-commit', correlationId, groupId: this.groupId, memberId: generation.memberId, generationId: generation.generationId, partitions }),
      (b) => {
        const body = b as OffsetCommitResponseBody;
        const error = body.partitions.find((p) => p.error !== null)?.error ?? null;
        if (error === null) {
          host.trace('consumer.commit', { group: this.groupId, generation: generation.generationId, offsets: Object.fromEntries(offsets) });
          return done({ ok: true });
        }
        host.trace('consumer.commit-failed', { group: this.groupId, generation: generation.generationId, error, offsets: Object.fromEntries(offsets) });
        switch (error) {
          case 'COORDINATOR_LOAD_IN_PROGRESS':
          case 'UNKNOWN_TOPIC_OR_PARTITION':
            return fail(groupException(error));
          case 'COORDINATOR_NOT_AVAILABLE':
          case 'NOT_COORDINATOR':
          case 'REQUEST_TIMED_OUT':
            this.markCoordinatorUnknown(false, `error response ${error}`);
            return fail(groupException(error));
          case 'REBALANCE_IN_PROGRESS':
            this.requestRejoin('offset commit failed since group is already rebalancing');
            return fail(
              rebalanceInProgress('Offset commit cannot be completed since the consumer group is executing a rebalance at the moment. You can try completing the rebalance by calling poll() and then retry commit again'),
            );
          case 'UNKNOWN_MEMBER_ID':
          case 'ILLEGAL_GENERATION':
            if (!sameGeneration(this.generation, generation) && this.state === 'PREPARING_REBALANCE') {
              return fail(
                rebalanceInProgress(
                  "Offset commit cannot be completed since the consumer member's generation is already stale, meaning it has already participated another rebalance and got a new generation. You can try completing the rebalance by calling poll() and then retry commit again",
                ),
              );
            }
            this.resetStateOnResponseError('OFFSET_COMMIT', error, error !== 'ILLEGAL_GENERATION');
            return fail(commitFailed());
          default:
            return fail(consumerException('KafkaException', `Unexpected error in commit: ${groupErrorMessage(error)}`));
        }
      },
      (failure) => fail(failureException(failure)),
    );
  }

  /**
   * ConsumerCoordinator.fetchCommittedOffsets: one OffsetFetch (require_stable),
   * `done` gets partition ⇒ offset (null: none committed), or a retriable or fatal error.
   */
  fetchCommittedOffsets(names: readonly string[], done: (result: Map<string, number | null> | ConsumerException) => void): void {
    const partitions = names.map((name) => {
      const cut = name.lastIndexOf('-');
      return { topic: name.slice(0, cut), partition: Number(name.slice(cut + 1)) };
    });
    this.sendToCoordinator(
      (correlationId) => ({ kind: 'offset-fetch', correlationId, groupId: this.groupId, partitions, requireStable: true }),
      (b) => {
        const body = b as OffsetFetchResponseBody;
        if (body.error !== null) {
          if (body.error === 'COORDINATOR_NOT_AVAILABLE' || body.error === 'NOT_COORDINATOR') this.markCoordinatorUnknown(false, `error response ${body.error}`);
          return done(groupException(body.error));
        }
        const result = new Map<string, number | null>();
        for (const p of body.partitions) {
          if (p.error !== null) return done(groupException(p.error));
          result.set(`${p.topic}-${p.partition}`, p.offset < 0 ? null : p.offset);
        }
        done(result);
      },
      (failure) => done(failureException(failure)),
    );
  }

  // ---- closing -------------------------------------------------------------------------------------

  /** ConsumerCoordinator.onLeavePrepare: revoke what the member owns (lose it, if its generation is gone) before it leaves. */
  onLeavePrepare(): void {
    const subscriptions = this.host.subscriptions;
    const owned = subscriptions.assignedNames().sort();
    if (!subscriptions.hasAutoAssignedPartitions || owned.length === 0) return;
    const lost = this.generation.generationId === NO_GENERATION.generationId || this.generation.memberId === '' || this.rebalanceInProgress;
    this.host.trace(lost ? 'consumer.lost' : 'consumer.revoked', { group: this.groupId, partitions: owned, generation: this.generation.generationId });
    this.invokeListener(lost ? 'lost' : 'revoked', owned);
    subscriptions.assignFromSubscribed([]);
  }

  /** The process is gone: no heartbeat, no callback. */
  kill(): void {
    this.disableHeartbeat();
    this.inFlight.clear();
  }
}

function comparePartitions(a: AssignedPartition, b: AssignedPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

function compareNames(a: string, b: string): number {
  const ca = a.lastIndexOf('-');
  const cb = b.lastIndexOf('-');
  return comparePartitions({ topic: a.slice(0, ca), partition: Number(a.slice(ca + 1)) }, { topic: b.slice(0, cb), partition: Number(b.slice(cb + 1)) });
}

/**
 * The rule ConsumerCoordinator.validateCooperativeAssignment checks (Kafka
 * skips it for its own cooperative-sticky, whose generation handling makes
 * stale claims legitimate): a partition that exactly one member of the
 * newest generation still owns is never given to another member in the same
 * rebalance; it must be revoked first.
 */
function assertCooperativeAssignment(members: readonly JoinGroupMember[], assignment: ReadonlyMap<string, readonly AssignedPartition[]>): void {
  const newest = Math.max(-1, ...members.map((m) => m.generationId ?? -1));
  const claims = new Map<string, string[]>();
  for (const m of members) {
    if ((m.generationId ?? -1) !== newest) continue;
    for (const p of m.ownedPartitions ?? []) {
      const key = `${p.topic}-${p.partition}`;
      claims.set(key, [...(claims.get(key) ?? []), m.memberId]);
    }
  }
  for (const [memberId, parts] of assignment) {
    for (const p of parts) {
      const owners = claims.get(`${p.topic}-${p.partition}`);
      assert(owners === undefined || owners.length !== 1 || owners[0] === memberId, () => `Assignor supporting the COOPERATIVE protocol violates its requirements: ${p.topic}-${p.partition} given to ${memberId} while ${owners![0]} still owns it`);
    }
  }
}

function sameGeneration(a: Generation, b: Generation): boolean {
  return a.generationId === b.generationId && a.memberId === b.memberId;
}

function sameSnapshot(a: MetadataSnapshot, b: MetadataSnapshot): boolean {
  if (a.size !== b.size) return false;
  for (const [topic, count] of a) if (b.get(topic) !== count) return false;
  return true;
}

function snapshotText(snapshot: MetadataSnapshot): string {
  return [...snapshot].map(([t, n]) => `${t}=${n}`).join(',');
}

function groupException(error: GroupApiErrorCode): ConsumerException {
  return consumerException(groupErrorException(error), groupErrorMessage(error), isRetriableGroupError(error));
}

/** A request that failed on the network: Java's DisconnectException or TimeoutException, both retriable. */
function failureException(failure: RequestFailure): ConsumerException {
  return consumerException(failure.error === 'REQUEST_TIMED_OUT' ? 'TimeoutException' : 'DisconnectException', failure.message, true);
}
