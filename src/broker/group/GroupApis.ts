/**
 * The group APIs as a broker answers them (KafkaApis.handleFindCoordinatorRequest,
 * handleJoinGroupRequest, ... and GroupCoordinator.handle*): each request is
 * checked against this broker's coordination of the group
 * (validateGroupStatus: NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS) and
 * then handed to the GroupCoordinator; answers that wait (JoinGroup until
 * the rebalance completes, SyncGroup until the assignment is stored,
 * OffsetCommit until it is replicated) go out when they are ready.
 *
 * FindCoordinator (KafkaApis.getCoordinator): the coordinator is the leader
 * of the group's `__consumer_offsets` partition. If the topic does not exist
 * yet it is created (auto-creation of the internal topic, with
 * `offsets.topic.replication.factor` replicas; the controller refuses while
 * fewer brokers are registered) and the answer is COORDINATOR_NOT_AVAILABLE,
 * as it is while the partition has no live leader.
 */
import type { Simulation } from '../../sim/Simulation';
import type { MetadataCache } from '../MetadataCache';
import { NO_LEADER } from '../partitionElection';
import type {
  FindCoordinatorRequest,
  HeartbeatRequestMessage,
  JoinGroupRequestMessage,
  KafkaMessage,
  LeaveGroupRequestMessage,
  OffsetCommitRequestMessage,
  OffsetFetchPartitionResponse,
  OffsetFetchRequestMessage,
  ResponseBody,
  SyncGroupRequestMessage,
} from '../protocol';
import { OFFSETS_TOPIC } from './coordinatorPartition';
import type { MemberAssignment } from './GroupCoordinator';
import type { GroupApiErrorCode } from './groupErrors';
import type { GroupMetadataManager } from './GroupMetadataManager';

export interface GroupApisHost {
  readonly sim: Simulation;
  readonly brokerId: number;
  readonly metadata: MetadataCache;
  readonly groups: GroupMetadataManager;
  isAlive(): boolean;
  send(to: string, message: KafkaMessage): void;
  /** Ask the controller to create an internal topic (AutoTopicCreationManager), later. */
  autoCreateTopic(name: string): void;
}

export class GroupApis {
  constructor(private readonly host: GroupApisHost) {}

  private respond(to: string, correlationId: number, body: ResponseBody): void {
    if (this.host.isAlive()) this.host.send(to, { kind: 'response', correlationId, body });
  }

  handleFindCoordinator(from: string, request: FindCoordinatorRequest): void {
    const answer = (error: GroupApiErrorCode | null, nodeId: number): void =>
      this.respond(from, request.correlationId, { api: 'find-coordinator', error, nodeId });
    const topic = this.host.metadata.topics.get(OFFSETS_TOPIC);
    if (topic === undefined) {
      this.host.autoCreateTopic(OFFSETS_TOPIC);
      return answer('COORDINATOR_NOT_AVAILABLE', -1);
    }
    const partition = topic.partitions[this.host.groups.partitionFor(request.key)];
    const leader = partition?.leader ?? NO_LEADER;
    if (leader === NO_LEADER || !this.host.metadata.isAlive(leader)) return answer('COORDINATOR_NOT_AVAILABLE', -1);
    answer(null, leader);
  }

  handleJoinGroup(from: string, request: JoinGroupRequestMessage): void {
    const fail = (error: GroupApiErrorCode): void =>
      this.respond(from, request.correlationId, { api: 'join-group', error, generationId: -1, protocolName: null, leaderId: null, memberId: request.memberId, members: [] });
    if (request.groupId === '') return fail('INVALID_GROUP_ID');
    const status = this.host.groups.groupStatus(request.groupId);
    if (!status.ok) return fail(status.error);
    this.host.groups.noteGroup(request.groupId);
    this.host.groups.coordinator.joinGroup(
      {
        groupId: request.groupId,
        memberId: request.memberId,
        groupInstanceId: request.groupInstanceId,
        clientId: request.clientId,
        clientHost: request.clientHost,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocols: request.protocols,
        reason: request.reason ?? undefined,
        protocolType: request.protocolType,
      },
      (result) =>
        this.respond(from, request.correlationId, {
          api: 'join-group',
          error: result.error,
          generationId: result.generationId,
          protocolName: result.protocolName,
          leaderId: result.leaderId,
          memberId: result.memberId,
          members: result.members,
        }),
    );
  }

  handleSyncGroup(from: string, request: SyncGroupRequestMessage): void {
    const status = this.host.groups.groupStatus(request.groupId);
    if (!status.ok) return this.respond(from, request.correlationId, { api: 'sync-group', error: status.error, assignment: [] });
    const assignments = request.assignments.length === 0 ? undefined : new Map<string, MemberAssignment>(request.assignments.map((a) => [a.memberId, a.assignment]));
    this.host.groups.coordinator.syncGroup({ groupId: request.groupId, memberId: request.memberId, generationId: request.generationId, assignments }, (result) =>
      this.respond(from, request.correlationId, { api: 'sync-group', error: result.error, assignment: result.assignment }),
    );
  }

  handleHeartbeat(from: string, request: HeartbeatRequestMessage): void {
    const status = this.host.groups.groupStatus(request.groupId);
    // GroupCoordinator.handleHeartbeat: "the group is still loading, so respond just blindly".
    if (!status.ok) return this.respond(from, request.correlationId, { api: 'heartbeat', error: status.error === 'COORDINATOR_LOAD_IN_PROGRESS' ? null : status.error });
    const error = this.host.groups.coordinator.heartbeat({ groupId: request.groupId, memberId: request.memberId, generationId: request.generationId });
    this.respond(from, request.correlationId, { api: 'heartbeat', error });
  }

  handleLeaveGroup(from: string, request: LeaveGroupRequestMessage): void {
    const status = this.host.groups.groupStatus(request.groupId);
    if (!status.ok) return this.respond(from, request.correlationId, { api: 'leave-group', error: status.error });
    let error: GroupApiErrorCode | null = null;
    for (const member of request.members) {
      error ??= this.host.groups.coordinator.leaveGroup({ groupId: request.groupId, memberId: member.memberId, reason: member.reason ?? undefined });
    }
    this.respond(from, request.correlationId, { api: 'leave-group', error });
  }

  handleOffsetCommit(from: string, request: OffsetCommitRequestMessage): void {
    const answer = (error: GroupApiErrorCode | null): void =>
      this.respond(from, request.correlationId, {
        api: 'offset-commit',
        partitions: request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, error })),
      });
    const status = this.host.groups.groupStatus(request.groupId);
    if (!status.ok) return answer(status.error);
    const known = request.partitions.every((p) => (this.host.metadata.topics.get(p.topic)?.partitions.length ?? 0) > p.partition);
    if (!known) return answer('UNKNOWN_TOPIC_OR_PARTITION');
    this.host.groups.noteGroup(request.groupId);
    const offsets = new Map(request.partitions.map((p) => [`${p.topic}-${p.partition}`, p.offset]));
    this.host.groups.coordinator.commitOffsets({ groupId: request.groupId, memberId: request.memberId, generationId: request.generationId, offsets }, answer);
  }

  /** GroupMetadataManager.getOffsets: never a stale offset; UNSTABLE_OFFSET_COMMIT while a commit is in flight. */
  handleOffsetFetch(from: string, request: OffsetFetchRequestMessage): void {
    const status = this.host.groups.groupStatus(request.groupId);
    if (!status.ok) return this.respond(from, request.correlationId, { api: 'offset-fetch', error: status.error, partitions: [] });
    const coordinator = this.host.groups.coordinator;
    const committed = coordinator.fetchOffsets(request.groupId);
    const wanted =
      request.partitions ??
      [...committed.keys()].sort().map((tp) => {
        const cut = tp.lastIndexOf('-');
        return { topic: tp.slice(0, cut), partition: Number(tp.slice(cut + 1)) };
      });
    const partitions: OffsetFetchPartitionResponse[] = wanted.map(({ topic, partition }) => {
      const tp = `${topic}-${partition}`;
      if (request.requireStable && coordinator.hasPendingOffsetCommit(request.groupId, tp)) return { topic, partition, offset: -1, error: 'UNSTABLE_OFFSET_COMMIT' };
      return { topic, partition, offset: committed.get(tp)?.offset ?? -1, error: null };
    });
    this.respond(from, request.correlationId, { api: 'offset-fetch', error: null, partitions });
  }
}
