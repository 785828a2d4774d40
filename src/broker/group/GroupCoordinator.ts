/**
 * The classic consumer group protocol on the coordinator's side (Kafka's
 * `GroupCoordinator` and `GroupMetadata`, 3.x; 4.x keeps it as the "classic"
 * protocol): members join, one of them (the leader) computes the assignment,
 * everyone syncs it, and heartbeats keep them in.
 *
 * States and moves (GroupState.validPreviousStates):
 *   Empty ─join─▶ PreparingRebalance ─all joined or rebalance timeout─▶
 *   CompletingRebalance ─leader's SyncGroup─▶ Stable ─join/leave/expiry─▶
 *   PreparingRebalance … ; a rebalance that ends with no members ⇒ Empty.
 *
 * Rules kept from Kafka, each where the code applies it:
 *   - a dynamic member's first JoinGroup gets MEMBER_ID_REQUIRED and a new
 *     member id (`clientId-UUID`); it must join again with it (KIP-394);
 *   - a group rebalancing from Empty waits `group.initial.rebalance.delay.ms`
 *     (3000), again for every member that joins meanwhile, within the
 *     rebalance timeout (InitialDelayedJoin);
 *   - otherwise a rebalance completes when every known member has rejoined,
 *     or after the rebalance timeout (the largest `max.poll.interval.ms` of
 *     the members), removing those that did not (DelayedJoin);
 *   - members that do not send SyncGroup within the rebalance timeout are
 *     removed and the group rebalances again (KIP-814, DelayedSync);
 *   - a member not heard from for `session.timeout.ms` is removed
 *     (DelayedHeartbeat); heartbeats during a rebalance answer
 *     REBALANCE_IN_PROGRESS, which is how members learn to rejoin;
 *   - the leader rejoining a Stable group forces a rebalance (that is how a
 *     consumer leader reacts to new partitions);
 *   - offset commits are checked against member id and generation
 *     (validateOffsetCommit); a commit with generation -1 is accepted only
 *     while the group is Empty (consumers that assign partitions themselves).
 * Member order is insertion order where Kafka iterates a HashMap (the
 * leader after a leader leaves, the order JoinGroup responses go out): the
 * same for every seed, and a documented simplification.
 */
import { assert } from '../../sim/assert';
import type { Rng } from '../../sim/Rng';
import type { Timer } from '../../sim/Simulation';
import type { Trace } from '../../sim/Trace';
import type { StickyUserData } from './assignors';
import type { GroupState } from './describeGroup';
import type { GroupApiErrorCode } from './groupErrors';
import type { GroupMetadataValue, StoredMember } from './offsetsTopicRecords';

export type GroupErrorCode =
  | 'MEMBER_ID_REQUIRED'
  | 'UNKNOWN_MEMBER_ID'
  | 'ILLEGAL_GENERATION'
  | 'REBALANCE_IN_PROGRESS'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'INVALID_SESSION_TIMEOUT'
  | 'COORDINATOR_NOT_AVAILABLE'
  | 'NOT_COORDINATOR';

export const UNKNOWN_MEMBER_ID = '';
export const NO_GENERATION = -1;
/** GroupCoordinator.NewMemberJoinTimeoutMs. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;

export interface GroupCoordinatorConfig {
  readonly 'group.initial.rebalance.delay.ms': number;
  readonly 'group.min.session.timeout.ms': number;
  readonly 'group.max.session.timeout.ms': number;
  readonly 'offsets.retention.minutes': number;
  readonly 'offsets.retention.check.interval.ms': number;
}

export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = {
  'group.initial.rebalance.delay.ms': 3000,
  'group.min.session.timeout.ms': 6000,
  'group.max.session.timeout.ms': 1_800_000,
  'offsets.retention.minutes': 10_080,
  'offsets.retention.check.interval.ms': 600_000,
};

/** What a consumer says in JoinGroup for one assignor (ConsumerProtocolSubscription). */
export interface GroupProtocol {
  readonly name: string;
  readonly topics: readonly string[];
  /** v1+: the partitions the member owns as it joins (empty under EAGER, which revoked them). */
  readonly ownedPartitions?: MemberAssignment;
  /** v2+: the member's generation as it joins (-1 without one). */
  readonly generationId?: number;
  /** The assignor's user data; StickyAssignor's: the last assignment and its generation. */
  readonly userData?: StickyUserData | null;
}

export interface JoinGroupRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocols: readonly GroupProtocol[];
  readonly reason?: string;
  /** 'consumer' for Kafka consumers (the default). */
  readonly protocolType?: string;
}

export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: readonly string[];
  readonly ownedPartitions?: MemberAssignment;
  readonly generationId?: number;
  readonly userData?: StickyUserData | null;
}

export interface JoinGroupResult {
  readonly error: GroupApiErrorCode | null;
  readonly memberId: string;
  readonly generationId: number;
  readonly protocolName: string | null;
  readonly leaderId: string | null;
  /** Every member's subscription, for the leader only. */
  readonly members: readonly JoinGroupMember[];
}

export type MemberAssignment = readonly { readonly topic: string; readonly partition: number }[];

export interface SyncGroupRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly generationId: number;
  /** From the leader: memberId ⇒ partitions. */
  readonly assignments?: ReadonlyMap<string, MemberAssignment>;
}

export interface SyncGroupResult {
  readonly error: GroupApiErrorCode | null;
  readonly assignment: MemberAssignment;
}

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
}

export interface OffsetCommitRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly generationId: number;
  readonly offsets: ReadonlyMap<string, number>;
}

interface Member {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: readonly GroupProtocol[];
  assignment: MemberAssignment;
  awaitingJoin: ((result: JoinGroupResult) => void) | null;
  awaitingSync: ((result: SyncGroupResult) => void) | null;
  heartbeatTimer: Timer | undefined;
  isNew: boolean;
}

interface Group {
  readonly groupId: string;
  state: GroupState;
  stateSinceMs: number;
  generationId: number;
  protocolName: string | null;
  leaderId: string | null;
  readonly members: Map<string, Member>;
  readonly pendingMembers: Map<string, Timer>;
  readonly pendingSync: Set<string>;
  newMemberAdded: boolean;
  joinTimer: Timer | undefined;
  syncTimer: Timer | undefined;
  /** "topic-partition" ⇒ committed offset. */
  readonly offsets: Map<string, CommittedOffset>;
  /** Null until a member joins: a group of standalone consumers that only commits offsets. */
  protocolType: string | null;
  /** "topic-partition" ⇒ commits appended to the log and not yet acknowledged (GroupMetadata.pendingOffsetCommits). */
  readonly pendingOffsetCommits: Map<string, number>;
}

/**
 * Where a coordinator persists what it must not forget when it moves to
 * another broker (GroupMetadataManager.storeGroup / storeOffsets): appends
 * to the group's __consumer_offsets partition, acknowledged once replicated.
 * `done` gets null, or the error the waiting members are answered with.
 * Without a store (unit tests of the protocol alone) everything is
 * acknowledged at once.
 */
export interface GroupStore {
  storeGroup(groupId: string, value: GroupMetadataValue, done: (error: GroupApiErrorCode | null) => void): void;
  storeOffsets(groupId: string, offsets: ReadonlyMap<string, CommittedOffset>, done: (error: GroupApiErrorCode | null) => void): void;
  /** Tombstones for expired offsets and, with `group`, for the group itself; nobody waits for them (acks=0). */
  storeTombstones(groupId: string, partitions: readonly string[], group: boolean): void;
}

/** The scheduling and tracing the coordinator needs; a Simulation provides them. */
export interface CoordinatorKernel {
  readonly nowMs: number;
  readonly trace: Trace;
  schedule(delayMs: number, label: string, run: () => void): Timer;
  cancel(timer: Timer | undefined): void;
}

export interface GroupCoordinatorOptions {
  readonly kernel: CoordinatorKernel;
  /** Draws member-id UUIDs. */
  readonly rng: Rng;
  readonly config?: Partial<GroupCoordinatorConfig>;
  /** Which broker hosts it, for traces. */
  readonly brokerId?: number;
  readonly store?: GroupStore;
}

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export class GroupCoordinator {
  readonly config: GroupCoordinatorConfig;
  private readonly kernel: CoordinatorKernel;
  private readonly rng: Rng;
  private readonly brokerId: number;
  private readonly groups = new Map<string, Group>();
  private readonly store: GroupStore | null;

  constructor(options: GroupCoordinatorOptions) {
    this.kernel = options.kernel;
    this.rng = options.rng;
    this.brokerId = options.brokerId ?? -1;
    this.store = options.store ?? null;
    this.config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...options.config };
  }

  // ---- JoinGroup --------------------------------------------------------------

  /** GroupCoordinator.handleJoinGroup. `respond` may be called later (when the rebalance completes). */
  joinGroup(request: JoinGroupRequest, respond: (result: JoinGroupResult) => void): void {
    const fail = (error: GroupErrorCode, memberId = request.memberId): void => respond(joinError(error, memberId));
    const { sessionTimeoutMs } = request;
    if (sessionTimeoutMs < this.config['group.min.session.timeout.ms'] || sessionTimeoutMs > this.config['group.max.session.timeout.ms']) {
      return fail('INVALID_SESSION_TIMEOUT');
    }
    const isUnknownMember = request.memberId === UNKNOWN_MEMBER_ID;
    let group = this.groups.get(request.groupId);
    if (group === undefined) {
      if (!isUnknownMember) return fail('UNKNOWN_MEMBER_ID');
      group = this.newGroup(request.groupId);
    }
    if (group.state === 'Dead') return fail('COORDINATOR_NOT_AVAILABLE');
    if (!this.supportsProtocols(group, request.protocols)) return fail('INCONSISTENT_GROUP_PROTOCOL');
    if (isUnknownMember) {
      // doDynamicNewMemberJoinGroup with requireKnownMemberId (JoinGroup v4+).
      const memberId = `${request.groupInstanceId ?? request.clientId}-${this.uuid()}`;
      const timer = this.kernel.schedule(sessionTimeoutMs, `pending member expiry ${memberId}`, () => {
        group!.pendingMembers.delete(memberId);
        if (group!.state === 'PreparingRebalance') this.tryCompleteJoin(group!);
      });
      group.pendingMembers.set(memberId, timer);
      return respond(joinError('MEMBER_ID_REQUIRED', memberId));
    }
    const pending = group.pendingMembers.get(request.memberId);
    if (pending !== undefined) {
      this.kernel.cancel(pending);
      group.pendingMembers.delete(request.memberId);
      this.addMemberAndRebalance(group, request, respond);
    } else {
      const member = group.members.get(request.memberId);
      if (member === undefined) return fail('UNKNOWN_MEMBER_ID');
      this.currentMemberJoin(group, member, request, respond);
    }
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
  }

  private currentMemberJoin(group: Group, member: Member, request: JoinGroupRequest, respond: (result: JoinGroupResult) => void): void {
    const same = sameProtocols(member.protocols, request.protocols);
    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMemberAndRebalance(group, member, request, respond, `Member ${member.memberId} joining group during PreparingRebalance; client reason: ${clientReason(request)}`);
        return;
      case 'CompletingRebalance':
        if (same) respond(this.joinResult(group, member));
        else this.updateMemberAndRebalance(group, member, request, respond, `Updating metadata for member ${member.memberId} during CompletingRebalance; client reason: ${clientReason(request)}`);
        return;
      case 'Stable':
        if (group.leaderId === member.memberId) {
          this.updateMemberAndRebalance(group, member, request, respond, `Leader ${member.memberId} re-joining group during Stable; client reason: ${clientReason(request)}`);
        } else if (!same) {
          this.updateMemberAndRebalance(group, member, request, respond, `Updating metadata for member ${member.memberId} during Stable; client reason: ${clientReason(request)}`);
        } else {
          respond({ ...this.joinResult(group, member), members: [] });
        }
        return;
      case 'Empty':
      case 'Dead':
        respond(joinError('UNKNOWN_MEMBER_ID', member.memberId));
        return;
    }
  }

  private addMemberAndRebalance(group: Group, request: JoinGroupRequest, respond: (result: JoinGroupResult) => void): void {
    const member: Member = {
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      clientId: request.clientId,
      clientHost: request.clientHost,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocols: request.protocols,
      assignment: [],
      awaitingJoin: respond,
      awaitingSync: null,
      heartbeatTimer: undefined,
      isNew: true,
    };
    if (group.state === 'PreparingRebalance' && group.generationId === 0) group.newMemberAdded = true;
    if (group.leaderId === null) group.leaderId = member.memberId;
    group.protocolType ??= request.protocolType ?? 'consumer';
    group.members.set(member.memberId, member);
    this.trace('group.member-added', group, { member: member.memberId, clientId: member.clientId });
    // New members cannot heartbeat yet: their JoinGroup times out instead.
    this.scheduleExpiry(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    // Scala prints the absent group instance id as None.
    this.maybePrepareRebalance(group, `Adding new member ${member.memberId} with group instance id ${member.groupInstanceId ?? 'None'}; client reason: ${clientReason(request)}`);
  }

  private updateMemberAndRebalance(group: Group, member: Member, request: JoinGroupRequest, respond: (result: JoinGroupResult) => void, reason: string): void {
    member.protocols = request.protocols;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    if (member.awaitingJoin !== null && member.awaitingJoin !== respond) {
      // A member that re-sends JoinGroup replaces its earlier request.
      member.awaitingJoin(joinError('UNKNOWN_MEMBER_ID', member.memberId));
    }
    member.awaitingJoin = respond;
    this.maybePrepareRebalance(group, reason);
  }

  // ---- rebalance --------------------------------------------------------------

  private maybePrepareRebalance(group: Group, reason: string): void {
    if (VALID_PREVIOUS.PreparingRebalance.includes(group.state)) this.prepareRebalance(group, reason);
  }

  /** GroupCoordinator.prepareRebalance. */
  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'CompletingRebalance') this.propagateAssignmentError(group, 'REBALANCE_IN_PROGRESS');
    this.kernel.cancel(group.syncTimer);
    group.syncTimer = undefined;
    group.pendingSync.clear();
    const wasEmpty = group.state === 'Empty';
    this.transition(group, 'PreparingRebalance');
    this.trace('group.rebalance', group, { generation: group.generationId, reason });
    this.kernel.cancel(group.joinTimer);
    if (wasEmpty) {
      const delay = this.config['group.initial.rebalance.delay.ms'];
      this.scheduleInitialDelayedJoin(group, delay, Math.max(this.rebalanceTimeoutMs(group) - delay, 0));
    } else {
      group.joinTimer = this.kernel.schedule(this.rebalanceTimeoutMs(group), `rebalance timeout ${group.groupId}`, () => {
        group.joinTimer = undefined;
        this.completeJoin(group);
      });
    }
  }

  /** InitialDelayedJoin: wait, and wait again while members keep arriving. */
  private scheduleInitialDelayedJoin(group: Group, delayMs: number, remainingMs: number): void {
    group.joinTimer = this.kernel.schedule(delayMs, `initial rebalance delay ${group.groupId}`, () => {
      group.joinTimer = undefined;
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false;
        const configured = this.config['group.initial.rebalance.delay.ms'];
        this.scheduleInitialDelayedJoin(group, Math.min(configured, remainingMs), Math.max(remainingMs - delayMs, 0));
      } else {
        this.completeJoin(group);
      }
    });
  }

  /** DelayedJoin.tryComplete: every member has rejoined and no new member is pending. */
  private tryCompleteJoin(group: Group): void {
    // The initial delay cannot complete early (InitialDelayedJoin.tryComplete is false).
    if (this.isInitialDelay(group)) return;
    const allJoined = [...group.members.values()].every((m) => m.awaitingJoin !== null) && group.pendingMembers.size === 0;
    if (allJoined) {
      this.kernel.cancel(group.joinTimer);
      group.joinTimer = undefined;
      this.completeJoin(group);
    }
  }

  private isInitialDelay(group: Group): boolean {
    return group.joinTimer !== undefined && group.joinTimer.label.startsWith('initial rebalance delay');
  }

  /** GroupCoordinator.onCompleteJoin. */
  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    for (const member of [...group.members.values()]) {
      if (member.awaitingJoin === null) {
        this.trace('group.member-removed', group, { member: member.memberId, reason: 'did not rejoin before the rebalance timeout' });
        this.removeMember(group, member);
      }
    }
    if (group.members.size > 0 && !this.electJoinedLeader(group)) {
      group.joinTimer = this.kernel.schedule(this.rebalanceTimeoutMs(group), `rebalance timeout ${group.groupId}`, () => this.completeJoin(group));
      return;
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      this.transition(group, 'Empty');
      this.trace('group.empty', group, { generation: group.generationId });
      // If this write fails, the previous generation comes back after a failover and its members
      // simply time out (GroupCoordinator.onCompleteJoin: "we just warn").
      this.store?.storeGroup(group.groupId, this.snapshot(group), () => {});
      return;
    }
    group.protocolName = this.selectProtocol(group);
    this.transition(group, 'CompletingRebalance');
    this.trace('group.join-complete', group, {
      generation: group.generationId,
      leader: group.leaderId!,
      protocol: group.protocolName,
      members: [...group.members.keys()],
    });
    for (const member of group.members.values()) {
      const respond = member.awaitingJoin!;
      member.awaitingJoin = null;
      member.isNew = false;
      this.scheduleExpiry(group, member, member.sessionTimeoutMs);
      group.pendingSync.add(member.memberId);
      respond(this.joinResult(group, member));
    }
    const generation = group.generationId;
    group.syncTimer = this.kernel.schedule(this.rebalanceTimeoutMs(group), `pending sync ${group.groupId}`, () => {
      group.syncTimer = undefined;
      if (generation !== group.generationId || (group.state !== 'CompletingRebalance' && group.state !== 'Stable')) return;
      if (group.pendingSync.size === 0) return;
      const late = [...group.pendingSync];
      for (const memberId of late) {
        const member = group.members.get(memberId);
        if (member !== undefined) this.removeMember(group, member);
      }
      this.prepareRebalance(group, `Removing Set(${late.join(', ')}) on pending sync request expiration`);
    });
  }

  private electJoinedLeader(group: Group): boolean {
    const leader = group.leaderId === null ? undefined : group.members.get(group.leaderId);
    if (leader !== undefined && leader.awaitingJoin !== null) return true;
    const joined = [...group.members.values()].find((m) => m.awaitingJoin !== null);
    if (joined === undefined) return false;
    group.leaderId = joined.memberId;
    return true;
  }

  private joinResult(group: Group, member: Member): JoinGroupResult {
    const isLeader = group.leaderId === member.memberId;
    return {
      error: null,
      memberId: member.memberId,
      generationId: group.generationId,
      protocolName: group.protocolName,
      leaderId: group.leaderId,
      members: isLeader
        ? [...group.members.values()].map((m) => joinGroupMember(m, group.protocolName!))
        : [],
    };
  }

  // ---- SyncGroup ----------------------------------------------------------------

  /** GroupCoordinator.handleSyncGroup / doSyncGroup. */
  syncGroup(request: SyncGroupRequest, respond: (result: SyncGroupResult) => void): void {
    const fail = (error: GroupErrorCode): void => respond({ error, assignment: [] });
    const group = this.groups.get(request.groupId);
    if (group === undefined) return fail('UNKNOWN_MEMBER_ID');
    if (group.state === 'Dead') return fail('COORDINATOR_NOT_AVAILABLE');
    const member = group.members.get(request.memberId);
    if (member === undefined) return fail('UNKNOWN_MEMBER_ID');
    if (request.generationId !== group.generationId) return fail('ILLEGAL_GENERATION');
    switch (group.state) {
      case 'Empty':
        return fail('UNKNOWN_MEMBER_ID');
      case 'PreparingRebalance':
        return fail('REBALANCE_IN_PROGRESS');
      case 'CompletingRebalance': {
        member.awaitingSync = respond;
        group.pendingSync.delete(member.memberId);
        if (group.leaderId === member.memberId) {
          const given = request.assignments ?? new Map<string, MemberAssignment>();
          const assignments = new Map([...group.members.keys()].map((id) => [id, given.get(id) ?? []]));
          const generation = group.generationId;
          // GroupCoordinator.doSyncGroup: the assignment is persisted first; members learn it once it is replicated.
          const complete = (error: GroupApiErrorCode | null): void => {
            if (group.state !== 'CompletingRebalance' || group.generationId !== generation || this.groups.get(group.groupId) !== group) return;
            if (error !== null) {
              this.trace('group.store-failed', group, { generation, error });
              this.propagateAssignmentError(group, error);
              this.maybePrepareRebalance(group, `Error ${error} when storing group assignment during SyncGroup (member: ${member.memberId})`);
              return;
            }
            for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? [];
            this.transition(group, 'Stable');
            this.trace('group.stable', group, {
              generation: group.generationId,
              assignment: Object.fromEntries([...group.members.values()].map((m) => [m.memberId, m.assignment.map((p) => `${p.topic}-${p.partition}`)])),
            });
            for (const m of group.members.values()) {
              const waiting = m.awaitingSync;
              m.awaitingSync = null;
              waiting?.({ error: null, assignment: m.assignment });
              // propagateAssignment: the session starts again once the assignment is out.
              if (waiting !== null) this.scheduleExpiry(group, m, m.sessionTimeoutMs);
            }
          };
          if (this.store === null) complete(null);
          else this.store.storeGroup(group.groupId, this.snapshot(group, assignments), complete);
        }
        return;
      }
      case 'Stable':
        group.pendingSync.delete(member.memberId);
        respond({ error: null, assignment: member.assignment });
        this.scheduleExpiry(group, member, member.sessionTimeoutMs);
        return;
    }
  }

  // ---- Heartbeat and LeaveGroup ---------------------------------------------------

  /** GroupCoordinator.handleHeartbeat: null when all is well. */
  heartbeat(request: { groupId: string; memberId: string; generationId: number }): GroupErrorCode | null {
    const group = this.groups.get(request.groupId);
    if (group === undefined) return 'UNKNOWN_MEMBER_ID';
    if (group.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
    const member = group.members.get(request.memberId);
    if (member === undefined) return 'UNKNOWN_MEMBER_ID';
    if (request.generationId !== group.generationId) return 'ILLEGAL_GENERATION';
    switch (group.state) {
      case 'Empty':
        return 'UNKNOWN_MEMBER_ID';
      case 'PreparingRebalance':
        this.scheduleExpiry(group, member, member.sessionTimeoutMs);
        return 'REBALANCE_IN_PROGRESS';
      default:
        this.scheduleExpiry(group, member, member.sessionTimeoutMs);
        return null;
    }
  }

  /** GroupCoordinator.handleLeaveGroup for one member. */
  leaveGroup(request: { groupId: string; memberId: string; reason?: string }): GroupErrorCode | null {
    const group = this.groups.get(request.groupId);
    if (group === undefined) return 'UNKNOWN_MEMBER_ID';
    const pending = group.pendingMembers.get(request.memberId);
    if (pending !== undefined) {
      this.kernel.cancel(pending);
      group.pendingMembers.delete(request.memberId);
      if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
      return null;
    }
    const member = group.members.get(request.memberId);
    if (member === undefined) return 'UNKNOWN_MEMBER_ID';
    this.trace('group.member-left', group, { member: member.memberId, reason: request.reason ?? 'the consumer is leaving the group' });
    this.removeMemberAndUpdateGroup(group, member, `Removing member ${member.memberId} on LeaveGroup; client reason: ${request.reason ?? 'not provided'}`);
    return null;
  }

  // ---- offsets --------------------------------------------------------------------

  /**
   * GroupCoordinator.handleCommitOffsets: validateOffsetCommit, then
   * doCommitOffsets, which appends the offsets to the log; they enter the
   * cache (and `respond` gets null) only once that append is replicated.
   * Meanwhile the partitions have pending commits (OffsetFetch with
   * require_stable answers UNSTABLE_OFFSET_COMMIT for them).
   */
  commitOffsets(request: OffsetCommitRequest, respond: (error: GroupApiErrorCode | null) => void): void {
    const validation = this.validateOffsetCommit(request);
    if ('error' in validation) return respond(validation.error);
    const group = validation.group;
    const nowMs = this.kernel.nowMs;
    const offsets = new Map<string, CommittedOffset>();
    for (const [tp, offset] of [...request.offsets].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      offsets.set(tp, { offset, metadata: '', commitTimestampMs: nowMs });
    }
    for (const tp of offsets.keys()) group.pendingOffsetCommits.set(tp, (group.pendingOffsetCommits.get(tp) ?? 0) + 1);
    const complete = (error: GroupApiErrorCode | null): void => {
      for (const tp of offsets.keys()) {
        const n = (group.pendingOffsetCommits.get(tp) ?? 1) - 1;
        if (n <= 0) group.pendingOffsetCommits.delete(tp);
        else group.pendingOffsetCommits.set(tp, n);
      }
      // GroupMetadata.onOffsetCommitAppend: a failed append leaves the cache as it was.
      if (error === null && this.groups.get(group.groupId) === group) {
        for (const [tp, committed] of offsets) group.offsets.set(tp, committed);
        this.trace('group.commit', group, { member: request.memberId, generation: request.generationId, offsets: Object.fromEntries(request.offsets) });
      } else if (error !== null) {
        this.trace('group.commit-failed', group, { member: request.memberId, generation: request.generationId, error, offsets: Object.fromEntries(request.offsets) });
      }
      respond(error);
    };
    if (this.store === null) complete(null);
    else this.store.storeOffsets(group.groupId, offsets, complete);
  }

  /** GroupCoordinator.validateOffsetCommit (with the group created for a standalone consumer's first commit). */
  private validateOffsetCommit(request: OffsetCommitRequest): { group: Group } | { error: GroupErrorCode } {
    let group = this.groups.get(request.groupId);
    if (group === undefined) {
      if (request.generationId >= 0 || request.memberId !== UNKNOWN_MEMBER_ID) return { error: 'ILLEGAL_GENERATION' };
      group = this.newGroup(request.groupId);
    }
    if (group.state === 'Dead') return { error: 'COORDINATOR_NOT_AVAILABLE' };
    if (request.generationId < 0 && group.state === 'Empty') return { group };
    if (request.generationId >= 0 || request.memberId !== UNKNOWN_MEMBER_ID) {
      const member = group.members.get(request.memberId);
      if (member === undefined) return { error: 'UNKNOWN_MEMBER_ID' };
      if (request.generationId !== group.generationId) return { error: 'ILLEGAL_GENERATION' };
      if (group.state === 'CompletingRebalance') return { error: 'REBALANCE_IN_PROGRESS' };
      // A commit counts as a heartbeat.
      this.scheduleExpiry(group, member, member.sessionTimeoutMs);
      return { group };
    }
    return group.state === 'Empty' ? { group } : { error: 'UNKNOWN_MEMBER_ID' };
  }

  /** OffsetFetch: the committed offsets of a group (all of them). */
  fetchOffsets(groupId: string): ReadonlyMap<string, CommittedOffset> {
    return this.groups.get(groupId)?.offsets ?? new Map();
  }

  /** True while a commit for this partition is being appended (OffsetFetch's UNSTABLE_OFFSET_COMMIT). */
  hasPendingOffsetCommit(groupId: string, tp: string): boolean {
    return (this.groups.get(groupId)?.pendingOffsetCommits.get(tp) ?? 0) > 0;
  }

  /**
   * GroupMetadataManager.cleanupGroupMetadata with GroupMetadata.removeExpiredOffsets:
   *   - a consumer group that is Empty expires its offsets
   *     `offsets.retention.minutes` after it became Empty (KIP-211);
   *   - a Stable consumer group expires, from their commit time, the offsets
   *     of topics no member subscribes to any more (KIP-496);
   *   - a group of standalone consumers (never joined) expires each offset
   *     from its commit time.
   * Offsets with a commit in flight stay. An Empty group left without
   * offsets is Dead and removed. Tombstones for what was removed go to the
   * log. Returns the partitions whose offsets were removed.
   */
  expireOffsets(): { groupId: string; partitions: string[] }[] {
    const retentionMs = this.config['offsets.retention.minutes'] * 60_000;
    const now = this.kernel.nowMs;
    const expired: { groupId: string; partitions: string[] }[] = [];
    for (const group of [...this.groups.values()]) {
      let base: ((committed: CommittedOffset) => number) | null = null;
      let subscribed: ReadonlySet<string> = new Set();
      if (group.protocolType !== null && group.state === 'Empty') base = () => group.stateSinceMs;
      else if (group.protocolType === 'consumer' && group.state === 'Stable') {
        base = (committed) => committed.commitTimestampMs;
        subscribed = new Set([...group.members.values()].flatMap((m) => protocolTopics(m, group.protocolName!)));
      } else if (group.protocolType === null) base = (committed) => committed.commitTimestampMs;
      const partitions: string[] = [];
      if (base !== null) {
        for (const [tp, committed] of group.offsets) {
          if (subscribed.has(topicOf(tp)) || group.pendingOffsetCommits.has(tp)) continue;
          if (now - base(committed) >= retentionMs) partitions.push(tp);
        }
      }
      for (const tp of partitions) group.offsets.delete(tp);
      if (partitions.length > 0) {
        expired.push({ groupId: group.groupId, partitions });
        this.trace('group.offsets-expired', group, { partitions, retentionMs });
      }
      const dead = group.state === 'Empty' && group.offsets.size === 0 && group.pendingOffsetCommits.size === 0;
      if (dead) {
        this.transition(group, 'Dead');
        this.groups.delete(group.groupId);
        this.trace('group.dead', group, { reason: 'empty with no offsets left' });
      }
      if (partitions.length > 0 || dead) this.store?.storeTombstones(group.groupId, partitions, dead);
    }
    return expired;
  }

  // ---- loading and unloading (a coordinator moving between brokers) ------------------------

  /**
   * GroupMetadataManager.loadGroupsAndOffsets + GroupCoordinator.onGroupLoaded:
   * a group as the log left it. With members it is Stable in its last
   * generation and every member gets a fresh session; without, it is Empty
   * since the recorded timestamp. `metadata` is null for a group of
   * standalone consumers that only committed offsets.
   */
  loadGroup(groupId: string, metadata: GroupMetadataValue | null, offsets: ReadonlyMap<string, CommittedOffset>): void {
    assert(!this.groups.has(groupId), () => `group ${groupId} is already loaded`);
    const group = this.newGroup(groupId);
    for (const [tp, committed] of offsets) group.offsets.set(tp, committed);
    if (metadata === null) return;
    group.protocolType = metadata.protocolType;
    group.generationId = metadata.generation;
    group.protocolName = metadata.protocol;
    group.leaderId = metadata.leader;
    group.stateSinceMs = metadata.currentStateTimestampMs;
    for (const stored of metadata.members) {
      const member: Member = {
        memberId: stored.memberId,
        groupInstanceId: stored.groupInstanceId,
        clientId: stored.clientId,
        clientHost: stored.clientHost,
        sessionTimeoutMs: stored.sessionTimeoutMs,
        rebalanceTimeoutMs: stored.rebalanceTimeoutMs,
        protocols: [storedProtocol(metadata.protocol ?? '', stored)],
        assignment: stored.assignment,
        awaitingJoin: null,
        awaitingSync: null,
        heartbeatTimer: undefined,
        isNew: false,
      };
      group.members.set(member.memberId, member);
    }
    if (group.members.size > 0) {
      group.state = 'Stable';
      for (const member of group.members.values()) this.scheduleExpiry(group, member, member.sessionTimeoutMs);
    }
    this.trace('group.loaded', group, { state: group.state, generation: group.generationId, members: [...group.members.keys()], offsets: group.offsets.size });
  }

  /**
   * GroupCoordinator.onGroupUnloaded: this broker no longer coordinates the
   * group. Members waiting in JoinGroup or SyncGroup are told NOT_COORDINATOR
   * and every timer stops.
   */
  unloadGroup(groupId: string): void {
    const group = this.groups.get(groupId);
    if (group === undefined) return;
    this.groups.delete(groupId);
    this.kernel.cancel(group.joinTimer);
    this.kernel.cancel(group.syncTimer);
    for (const timer of group.pendingMembers.values()) this.kernel.cancel(timer);
    for (const member of group.members.values()) {
      this.kernel.cancel(member.heartbeatTimer);
      const join = member.awaitingJoin;
      const sync = member.awaitingSync;
      member.awaitingJoin = null;
      member.awaitingSync = null;
      join?.(joinError('NOT_COORDINATOR', member.memberId));
      sync?.({ error: 'NOT_COORDINATOR', assignment: [] });
    }
    group.state = 'Dead';
    this.trace('group.unloaded', group, {});
  }

  hasGroup(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  /** What storeGroup writes: the generation, its leader and protocol, and every member with its assignment. */
  private snapshot(group: Group, assignments?: ReadonlyMap<string, MemberAssignment>): GroupMetadataValue {
    const members: StoredMember[] = [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      topics: group.protocolName === null ? [] : [...protocolTopics(m, group.protocolName)],
      ...subscriptionRest(m, group.protocolName),
      assignment: [...(assignments?.get(m.memberId) ?? m.assignment)],
    }));
    return {
      protocolType: group.protocolType ?? 'consumer',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestampMs: group.stateSinceMs,
      members,
    };
  }

  // ---- describe -----------------------------------------------------------------

  describe(groupId: string): {
    state: GroupState;
    generationId: number;
    protocol: string | null;
    leaderId: string | null;
    members: { memberId: string; clientId: string; clientHost: string; assignment: MemberAssignment }[];
  } {
    const group = this.groups.get(groupId);
    if (group === undefined) return { state: 'Dead', generationId: -1, protocol: null, leaderId: null, members: [] };
    return {
      state: group.state,
      generationId: group.generationId,
      protocol: group.protocolName,
      leaderId: group.leaderId,
      members: [...group.members.values()].map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, assignment: m.assignment })),
    };
  }

  groupIds(): string[] {
    return [...this.groups.keys()].sort();
  }

  // ---- internals --------------------------------------------------------------------

  private newGroup(groupId: string): Group {
    const group: Group = {
      groupId,
      state: 'Empty',
      stateSinceMs: this.kernel.nowMs,
      generationId: 0,
      protocolName: null,
      leaderId: null,
      members: new Map(),
      pendingMembers: new Map(),
      pendingSync: new Set(),
      newMemberAdded: false,
      joinTimer: undefined,
      syncTimer: undefined,
      offsets: new Map(),
      protocolType: null,
      pendingOffsetCommits: new Map(),
    };
    this.groups.set(groupId, group);
    return group;
  }

  private transition(group: Group, to: GroupState): void {
    assert(VALID_PREVIOUS[to].includes(group.state), () => `group ${group.groupId}: ${group.state} → ${to} is not a valid transition`);
    group.state = to;
    group.stateSinceMs = this.kernel.nowMs;
  }

  /** DelayedHeartbeat: remove the member if nothing is heard from it within `timeoutMs`. */
  private scheduleExpiry(group: Group, member: Member, timeoutMs: number): void {
    this.kernel.cancel(member.heartbeatTimer);
    member.heartbeatTimer = this.kernel.schedule(timeoutMs, `session expiry ${member.memberId}`, () => {
      member.heartbeatTimer = undefined;
      if (group.members.get(member.memberId) !== member) return;
      // MemberMetadata.hasSatisfiedHeartbeat: a known member waiting in JoinGroup or SyncGroup
      // needs no heartbeat; the next one is expected once that answer goes out.
      if (!member.isNew && (member.awaitingJoin !== null || member.awaitingSync !== null)) return;
      this.trace('group.member-expired', group, {
        member: member.memberId,
        reason: member.isNew ? 'its JoinGroup timed out' : `no heartbeat within session.timeout.ms ${member.sessionTimeoutMs}`,
      });
      this.removeMemberAndUpdateGroup(group, member, `removing member ${member.memberId} on heartbeat expiration`);
    });
  }

  private removeMember(group: Group, member: Member): void {
    this.kernel.cancel(member.heartbeatTimer);
    member.heartbeatTimer = undefined;
    group.members.delete(member.memberId);
    group.pendingSync.delete(member.memberId);
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
  }

  /** GroupCoordinator.removeMemberAndUpdateGroup; `reason` is the rebalance's, as Kafka words it. */
  private removeMemberAndUpdateGroup(group: Group, member: Member, reason: string): void {
    const waiting = member.awaitingJoin;
    member.awaitingJoin = null;
    waiting?.(joinError('UNKNOWN_MEMBER_ID', UNKNOWN_MEMBER_ID));
    this.removeMember(group, member);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, reason);
        return;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        return;
      default:
        return;
    }
  }

  private propagateAssignmentError(group: Group, error: GroupApiErrorCode): void {
    for (const member of group.members.values()) {
      member.assignment = [];
      const waiting = member.awaitingSync;
      member.awaitingSync = null;
      waiting?.({ error, assignment: [] });
      if (waiting !== null) this.scheduleExpiry(group, member, member.sessionTimeoutMs);
    }
  }

  private rebalanceTimeoutMs(group: Group): number {
    let timeout = 0;
    for (const m of group.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    return timeout;
  }

  private supportsProtocols(group: Group, protocols: readonly GroupProtocol[]): boolean {
    if (protocols.length === 0) return false;
    if (group.members.size === 0) return true;
    return this.candidateProtocols(group).some((name) => protocols.some((p) => p.name === name));
  }

  private candidateProtocols(group: Group): string[] {
    const members = [...group.members.values()];
    return members[0]!.protocols.map((p) => p.name).filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
  }

  /** GroupMetadata.selectProtocol: each member votes for its first common protocol; most votes wins. */
  private selectProtocol(group: Group): string {
    const candidates = this.candidateProtocols(group);
    assert(candidates.length > 0, () => `group ${group.groupId} has no protocol common to all members`);
    const votes = new Map<string, number>();
    for (const m of group.members.values()) {
      const vote = m.protocols.find((p) => candidates.includes(p.name))!.name;
      votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    return [...votes].sort((a, b) => b[1] - a[1])[0]![0];
  }

  private uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.rng.int(0, 15).toString(16)).join('');
    // UUID.randomUUID: version 4, IETF variant (the first digit of the fourth group is 8, 9, a or b).
    const variant = (8 + (parseInt(hex[16]!, 16) & 3)).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  private trace(type: string, group: Group, fields: Record<string, unknown>): void {
    if (this.kernel.trace.active) this.kernel.trace.emit(type, { broker: this.brokerId, group: group.groupId, ...(fields as Record<string, never>) });
  }
}

function joinError(error: GroupErrorCode, memberId: string): JoinGroupResult {
  return { error, memberId, generationId: NO_GENERATION, protocolName: null, leaderId: null, members: [] };
}

/** MemberMetadata.matches: the same protocols with the same metadata bytes (owned partitions and generation included). */
function sameProtocols(a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => protocolMetadata(p) === protocolMetadata(b[i]!));
}

function protocolMetadata(p: GroupProtocol): string {
  const parts = (list: MemberAssignment | undefined): string => (list ?? []).map((tp) => `${tp.topic}-${tp.partition}`).join(',');
  const userData = p.userData == null ? '' : `${p.userData.generation}:${parts(p.userData.partitions)}`;
  return `${p.name}|${p.topics.join(',')}|${parts(p.ownedPartitions)}|${p.generationId ?? ''}|${userData}`;
}

function joinGroupMember(m: Member, protocol: string): JoinGroupMember {
  const p = m.protocols.find((candidate) => candidate.name === protocol);
  const base = { memberId: m.memberId, groupInstanceId: m.groupInstanceId, topics: p?.topics ?? [] };
  if (p === undefined || (p.ownedPartitions === undefined && p.generationId === undefined && p.userData === undefined)) return base;
  return { ...base, ownedPartitions: p.ownedPartitions ?? [], generationId: p.generationId ?? -1, userData: p.userData ?? null };
}

/** "orders-0" ⇒ "orders" (topic names may contain dashes; the partition is the last part). */
function topicOf(tp: string): string {
  return tp.slice(0, tp.lastIndexOf('-'));
}

/** The subscription beyond its topics (owned partitions, generation, user data), when the member sent any. */
function subscriptionRest(member: Member, protocol: string | null): Pick<StoredMember, 'ownedPartitions' | 'generationId' | 'userData'> {
  const p = protocol === null ? undefined : member.protocols.find((candidate) => candidate.name === protocol);
  if (p === undefined) return {};
  return {
    ...(p.ownedPartitions !== undefined ? { ownedPartitions: [...p.ownedPartitions] } : {}),
    ...(p.generationId !== undefined ? { generationId: p.generationId } : {}),
    ...(p.userData !== undefined ? { userData: p.userData } : {}),
  };
}

/** A loaded member's one protocol, its subscription as it was stored. */
function storedProtocol(name: string, stored: StoredMember): GroupProtocol {
  return {
    name,
    topics: stored.topics,
    ...(stored.ownedPartitions !== undefined ? { ownedPartitions: stored.ownedPartitions } : {}),
    ...(stored.generationId !== undefined ? { generationId: stored.generationId } : {}),
    ...(stored.userData !== undefined ? { userData: stored.userData } : {}),
  };
}

function protocolTopics(member: Member, protocol: string): readonly string[] {
  return member.protocols.find((p) => p.name === protocol)?.topics ?? [];
}

/**
 * The JoinGroup reason as the coordinator logs it: what the client sent
 * (JoinGroupRequest.maybeTruncateReason keeps 255 characters), or "not
 * provided" (GroupCoordinator.handleJoinGroup).
 */
function clientReason(request: JoinGroupRequest): string {
  return request.reason === undefined ? 'not provided' : request.reason.slice(0, 255);
}
