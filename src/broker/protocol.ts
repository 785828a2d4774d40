/**
 * The messages brokers, the controller and clients exchange over the
 * simulated network: a subset of Kafka's protocol, with Kafka's request names
 * and the fields the simulation needs. A request carries a `correlationId`
 * chosen by the sender; its response repeats it, as Kafka's RequestHeader /
 * ResponseHeader do, so a client can match answers and time requests out.
 *
 * The grammar (one line per API, request ⇒ response):
 *
 *   Produce               acks timeoutMs [topic partition records producer?]
 *                           ⇒ [topic partition error baseOffset logStartOffset]   (no response when acks=0)
 *   Fetch (follower)      replicaId brokerEpoch maxWaitMs minBytes [topic partition fetchOffset currentLeaderEpoch]
 *                           ⇒ [topic partition error highWatermark logStartOffset logEndOffset batches]
 *   OffsetsForLeaderEpoch replicaId [topic partition currentLeaderEpoch leaderEpoch]
 *                           ⇒ [topic partition error leaderEpoch endOffset]
 *   Metadata              [topic]  ⇒ brokers [topic error [partition leader leaderEpoch replicas isr]]
 *   InitProducerId        producerId producerEpoch  ⇒ error producerId producerEpoch
 *   BrokerRegistration    brokerId incarnationId  ⇒ error brokerEpoch
 *   BrokerHeartbeat       brokerId brokerEpoch currentMetadataOffset wantShutDown
 *                           ⇒ error isCaughtUp isFenced shouldShutDown records
 *   AlterPartition        brokerId brokerEpoch topic partition leaderEpoch partitionEpoch newIsr
 *                           ⇒ error leader leaderEpoch isr partitionEpoch
 *
 * and the client APIs of consumers and their groups (the classic protocol):
 *
 *   Fetch (consumer)      replicaId=-1, as above; read below the high watermark
 *   ListOffsets           replicaId [topic partition timestamp currentLeaderEpoch]
 *                           ⇒ [topic partition error offset timestamp leaderEpoch]
 *   FindCoordinator       keyType=group key  ⇒ error nodeId
 *   JoinGroup             groupId memberId groupInstanceId sessionTimeoutMs rebalanceTimeoutMs
 *                         protocolType [protocol topics] reason
 *                           ⇒ error generationId protocolName leader memberId [memberId groupInstanceId topics]
 *   SyncGroup             groupId memberId generationId [memberId assignment]  ⇒ error assignment
 *   Heartbeat             groupId memberId generationId  ⇒ error
 *   LeaveGroup            groupId [memberId reason]  ⇒ error
 *   OffsetCommit          groupId memberId generationId [topic partition offset]  ⇒ [topic partition error]
 *   OffsetFetch           groupId [topic partition] requireStable  ⇒ error [topic partition offset error]
 *
 * Kafka takes a client's id and host from the request header and the
 * connection; here JoinGroup carries them.
 *
 * and one push without a response: the controller sends every new metadata
 * record to every registered broker (`metadata-records`), which is what a
 * KRaft broker's fetch from the metadata log returns. A broker that misses a
 * record (a lost message) catches up from the records its next heartbeat
 * response carries.
 *
 * Simplifications, on purpose: the follower's OFFSET_OUT_OF_RANGE response
 * carries the leader's log start and end offsets (Kafka's fetcher asks for
 * them with ListOffsets); a Fetch response carries stored batches by
 * reference (the bytes are the same, and sharing them makes "the same batch
 * on every replica" a cheap identity check).
 */
import type { KafkaErrorCode } from './errors';
import type { LogConfig } from './LogConfig';
import type { BatchProducerInfo, RecordInput, StoredBatch } from './recordBatch';
import type { UniformBatch } from './UnifiedLog';
import type { GroupProtocol, JoinGroupMember, MemberAssignment } from './group/GroupCoordinator';
import type { GroupApiErrorCode } from './group/groupErrors';

import type { Acks } from './ProducerConfig';

export type { Acks };

// ---- produce ------------------------------------------------------------------

export interface ProduceBatch {
  readonly topic: string;
  readonly partition: number;
  /** The records, or null for a uniform batch (benchmarks). */
  readonly records: readonly RecordInput[] | null;
  readonly uniform: UniformBatch | null;
  readonly producer: BatchProducerInfo | null;
}

export interface ProduceRequest {
  readonly kind: 'produce';
  readonly correlationId: number;
  readonly acks: Acks;
  /** How long the leader may wait for the ISR (the producer's request.timeout.ms). */
  readonly timeoutMs: number;
  readonly batches: readonly ProduceBatch[];
}

export interface ProducePartitionResponse {
  readonly topic: string;
  readonly partition: number;
  readonly error: KafkaErrorCode | null;
  readonly message: string | null;
  /** First offset of the batch, -1 on error. */
  readonly baseOffset: number;
  readonly logStartOffset: number;
}

export interface ProduceResponseBody {
  readonly api: 'produce';
  readonly partitions: readonly ProducePartitionResponse[];
}

// ---- fetch ------------------------------------------------------------------

export interface FetchPartition {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: number;
  readonly currentLeaderEpoch: number;
  /** A consumer's max.partition.fetch.bytes (followers use the request's maxBytes). */
  readonly partitionMaxBytes?: number;
}

export interface FetchRequest {
  readonly kind: 'fetch';
  readonly correlationId: number;
  readonly replicaId: number;
  /** The follower's broker epoch (KIP-903): a stale incarnation cannot join the ISR. */
  readonly brokerEpoch: number;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly partitions: readonly FetchPartition[];
}

export interface FetchPartitionResponse {
  readonly topic: string;
  readonly partition: number;
  readonly error: KafkaErrorCode | null;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly batches: readonly StoredBatch[];
}

export interface FetchResponseBody {
  readonly api: 'fetch';
  readonly partitions: readonly FetchPartitionResponse[];
}

// ---- offsets for leader epoch --------------------------------------------------

export interface OffsetsForLeaderEpochPartition {
  readonly topic: string;
  readonly partition: number;
  readonly currentLeaderEpoch: number;
  readonly leaderEpoch: number;
}

export interface OffsetsForLeaderEpochRequest {
  readonly kind: 'offsets-for-leader-epoch';
  readonly correlationId: number;
  readonly replicaId: number;
  readonly partitions: readonly OffsetsForLeaderEpochPartition[];
}

export interface EpochEndOffset {
  readonly topic: string;
  readonly partition: number;
  readonly error: KafkaErrorCode | null;
  readonly leaderEpoch: number;
  readonly endOffset: number;
}

export interface OffsetsForLeaderEpochResponseBody {
  readonly api: 'offsets-for-leader-epoch';
  readonly partitions: readonly EpochEndOffset[];
}

// ---- metadata and producer ids -------------------------------------------------

export interface MetadataRequest {
  readonly kind: 'metadata';
  readonly correlationId: number;
  readonly topics: readonly string[];
}

export interface PartitionMetadata {
  readonly partition: number;
  /** -1 when the partition has no live leader (LEADER_NOT_AVAILABLE). */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicMetadata {
  readonly name: string;
  readonly error: KafkaErrorCode | null;
  readonly partitions: readonly PartitionMetadata[];
}

export interface MetadataResponseBody {
  readonly api: 'metadata';
  readonly brokers: readonly number[];
  readonly topics: readonly TopicMetadata[];
}

export interface InitProducerIdRequest {
  readonly kind: 'init-producer-id';
  readonly correlationId: number;
  /** -1 for a new producer; the current id and epoch to bump the epoch (KIP-360). */
  readonly producerId: number;
  readonly producerEpoch: number;
}

export interface InitProducerIdResponseBody {
  readonly api: 'init-producer-id';
  readonly error: KafkaErrorCode | null;
  readonly producerId: number;
  readonly producerEpoch: number;
}

// ---- consumers: list offsets --------------------------------------------------------

/** A Fetch or ListOffsets from a client rather than a follower (FetchRequest.CONSUMER_REPLICA_ID). */
export const CONSUMER_REPLICA_ID = -1;

export interface ListOffsetsPartition {
  readonly topic: string;
  readonly partition: number;
  /** -2 earliest, -1 latest, or a timestamp in ms. */
  readonly timestampMs: number;
  readonly currentLeaderEpoch: number;
}

export interface ListOffsetsRequest {
  readonly kind: 'list-offsets';
  readonly correlationId: number;
  readonly replicaId: number;
  readonly partitions: readonly ListOffsetsPartition[];
}

export interface ListOffsetsPartitionResponse {
  readonly topic: string;
  readonly partition: number;
  readonly error: KafkaErrorCode | null;
  readonly message: string | null;
  /** -1 when no record qualifies. */
  readonly offset: number;
  readonly timestampMs: number;
  readonly leaderEpoch: number;
}

export interface ListOffsetsResponseBody {
  readonly api: 'list-offsets';
  readonly partitions: readonly ListOffsetsPartitionResponse[];
}

// ---- group coordination (the classic protocol) ---------------------------------------

export interface FindCoordinatorRequest {
  readonly kind: 'find-coordinator';
  readonly correlationId: number;
  readonly keyType: 'group';
  readonly key: string;
}

export interface FindCoordinatorResponseBody {
  readonly api: 'find-coordinator';
  readonly error: GroupApiErrorCode | null;
  /** -1 with an error. */
  readonly nodeId: number;
}

export interface JoinGroupRequestMessage {
  readonly kind: 'join-group';
  readonly correlationId: number;
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
  readonly reason: string | null;
}

export interface JoinGroupResponseBody {
  readonly api: 'join-group';
  readonly error: GroupApiErrorCode | null;
  readonly generationId: number;
  readonly protocolName: string | null;
  readonly leaderId: string | null;
  readonly memberId: string;
  readonly members: readonly JoinGroupMember[];
}

export interface SyncGroupRequestMessage {
  readonly kind: 'sync-group';
  readonly correlationId: number;
  readonly groupId: string;
  readonly memberId: string;
  readonly generationId: number;
  /** From the leader only: memberId ⇒ partitions. */
  readonly assignments: readonly { readonly memberId: string; readonly assignment: MemberAssignment }[];
}

export interface SyncGroupResponseBody {
  readonly api: 'sync-group';
  readonly error: GroupApiErrorCode | null;
  readonly assignment: MemberAssignment;
}

export interface HeartbeatRequestMessage {
  readonly kind: 'heartbeat';
  readonly correlationId: number;
  readonly groupId: string;
  readonly memberId: string;
  readonly generationId: number;
}

export interface HeartbeatResponseBody {
  readonly api: 'heartbeat';
  readonly error: GroupApiErrorCode | null;
}

export interface LeaveGroupRequestMessage {
  readonly kind: 'leave-group';
  readonly correlationId: number;
  readonly groupId: string;
  readonly members: readonly { readonly memberId: string; readonly reason: string | null }[];
}

export interface LeaveGroupResponseBody {
  readonly api: 'leave-group';
  readonly error: GroupApiErrorCode | null;
}

export interface OffsetCommitPartition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface OffsetCommitRequestMessage {
  readonly kind: 'offset-commit';
  readonly correlationId: number;
  readonly groupId: string;
  /** '' and -1 for a consumer outside group management. */
  readonly memberId: string;
  readonly generationId: number;
  readonly partitions: readonly OffsetCommitPartition[];
}

export interface OffsetCommitResponseBody {
  readonly api: 'offset-commit';
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly error: GroupApiErrorCode | null }[];
}

export interface OffsetFetchRequestMessage {
  readonly kind: 'offset-fetch';
  readonly correlationId: number;
  readonly groupId: string;
  /** null: every partition the group has committed. */
  readonly partitions: readonly { readonly topic: string; readonly partition: number }[] | null;
  readonly requireStable: boolean;
}

export interface OffsetFetchPartitionResponse {
  readonly topic: string;
  readonly partition: number;
  /** -1 when the group has no committed offset for it. */
  readonly offset: number;
  readonly error: GroupApiErrorCode | null;
}

export interface OffsetFetchResponseBody {
  readonly api: 'offset-fetch';
  /** A group-level error (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, ...). */
  readonly error: GroupApiErrorCode | null;
  readonly partitions: readonly OffsetFetchPartitionResponse[];
}

// ---- broker ⇄ controller ---------------------------------------------------------

export interface BrokerRegistrationRequest {
  readonly kind: 'broker-registration';
  readonly correlationId: number;
  readonly brokerId: number;
  /** A new id per process start (Kafka's incarnation id). */
  readonly incarnationId: number;
}

export interface BrokerRegistrationResponseBody {
  readonly api: 'broker-registration';
  readonly error: KafkaErrorCode | null;
  readonly brokerEpoch: number;
}

export interface BrokerHeartbeatRequest {
  readonly kind: 'broker-heartbeat';
  readonly correlationId: number;
  readonly brokerId: number;
  readonly brokerEpoch: number;
  /** How far this broker has applied the metadata log. */
  readonly currentMetadataOffset: number;
  readonly wantShutDown: boolean;
}

export interface BrokerHeartbeatResponseBody {
  readonly api: 'broker-heartbeat';
  readonly error: KafkaErrorCode | null;
  readonly isCaughtUp: boolean;
  readonly isFenced: boolean;
  readonly shouldShutDown: boolean;
  /** Metadata records the broker has not applied yet (catch-up). */
  readonly records: readonly MetadataRecord[];
}

export interface AlterPartitionRequest {
  readonly kind: 'alter-partition';
  readonly correlationId: number;
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly topic: string;
  readonly partition: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly newIsr: readonly number[];
}

export interface AlterPartitionResponseBody {
  readonly api: 'alter-partition';
  readonly error: KafkaErrorCode | null;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly partitionEpoch: number;
}

// ---- the metadata log -------------------------------------------------------------

export interface TopicRecord {
  readonly type: 'topic';
  readonly offset: number;
  readonly topic: string;
  readonly topicId: string;
  readonly config: LogConfig;
}

export interface PartitionRecord {
  readonly type: 'partition';
  readonly offset: number;
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** -1: no leader (the partition is offline). */
  readonly leader: number;
  readonly leaderEpoch: number;
  /** Bumped by every change, ISR changes included (Kafka's partition epoch). */
  readonly partitionEpoch: number;
}

export interface BrokerRecord {
  readonly type: 'broker';
  readonly offset: number;
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly fenced: boolean;
  readonly inControlledShutdown: boolean;
}

export interface RemoveTopicRecord {
  readonly type: 'remove-topic';
  readonly offset: number;
  readonly topic: string;
}

export type MetadataRecord = TopicRecord | PartitionRecord | BrokerRecord | RemoveTopicRecord;

export interface MetadataPush {
  readonly kind: 'metadata-records';
  readonly records: readonly MetadataRecord[];
}

// ---- envelopes -------------------------------------------------------------------

export type KafkaRequest =
  | ProduceRequest
  | FetchRequest
  | OffsetsForLeaderEpochRequest
  | MetadataRequest
  | InitProducerIdRequest
  | BrokerRegistrationRequest
  | BrokerHeartbeatRequest
  | AlterPartitionRequest
  | ListOffsetsRequest
  | FindCoordinatorRequest
  | JoinGroupRequestMessage
  | SyncGroupRequestMessage
  | HeartbeatRequestMessage
  | LeaveGroupRequestMessage
  | OffsetCommitRequestMessage
  | OffsetFetchRequestMessage;

export type ResponseBody =
  | ProduceResponseBody
  | FetchResponseBody
  | OffsetsForLeaderEpochResponseBody
  | MetadataResponseBody
  | InitProducerIdResponseBody
  | BrokerRegistrationResponseBody
  | BrokerHeartbeatResponseBody
  | AlterPartitionResponseBody
  | ListOffsetsResponseBody
  | FindCoordinatorResponseBody
  | JoinGroupResponseBody
  | SyncGroupResponseBody
  | HeartbeatResponseBody
  | LeaveGroupResponseBody
  | OffsetCommitResponseBody
  | OffsetFetchResponseBody;

export interface KafkaResponse {
  readonly kind: 'response';
  readonly correlationId: number;
  readonly body: ResponseBody;
}

/** Everything that travels on the cluster's network. */
export type KafkaMessage = KafkaRequest | KafkaResponse | MetadataPush;

/** How a message appears in `net.drop` records: its API and correlation id. */
export function describeMessage(message: KafkaMessage): string {
  switch (message.kind) {
    case 'response':
      return `${message.body.api} response #${message.correlationId}`;
    case 'metadata-records':
      return `metadata records ${message.records[0]?.offset ?? '-'}..${message.records[message.records.length - 1]?.offset ?? '-'}`;
    default:
      return `${message.kind} request #${message.correlationId}`;
  }
}
