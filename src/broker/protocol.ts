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
  | AlterPartitionRequest;

export type ResponseBody =
  | ProduceResponseBody
  | FetchResponseBody
  | OffsetsForLeaderEpochResponseBody
  | MetadataResponseBody
  | InitProducerIdResponseBody
  | BrokerRegistrationResponseBody
  | BrokerHeartbeatResponseBody
  | AlterPartitionResponseBody;

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
