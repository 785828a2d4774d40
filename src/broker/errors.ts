/**
 * Kafka's error codes as values (org.apache.kafka.common.protocol.Errors).
 * Operating errors are returned to clients, never thrown: a produce or fetch
 * result carries one of these names and the broker's message.
 */
export type KafkaErrorCode =
  | 'OFFSET_OUT_OF_RANGE'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'LEADER_NOT_AVAILABLE'
  | 'NOT_LEADER_OR_FOLLOWER'
  | 'REQUEST_TIMED_OUT'
  | 'NOT_ENOUGH_REPLICAS'
  | 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'
  | 'OUT_OF_ORDER_SEQUENCE_NUMBER'
  | 'DUPLICATE_SEQUENCE_NUMBER'
  | 'INVALID_PRODUCER_EPOCH'
  | 'UNKNOWN_PRODUCER_ID'
  | 'TOPIC_ALREADY_EXISTS'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'INVALID_PARTITIONS'
  | 'INVALID_REPLICATION_FACTOR'
  | 'RECORD_LIST_TOO_LARGE'
  | 'MESSAGE_TOO_LARGE'
  | 'KAFKA_STORAGE_ERROR'
  | 'NETWORK_EXCEPTION'
  | 'FENCED_LEADER_EPOCH'
  | 'UNKNOWN_LEADER_EPOCH'
  | 'OFFSET_NOT_AVAILABLE'
  | 'STALE_BROKER_EPOCH'
  | 'INVALID_UPDATE_VERSION'
  | 'INELIGIBLE_REPLICA'
  | 'DUPLICATE_BROKER_REGISTRATION'
  | 'BROKER_NOT_AVAILABLE'
  | 'INVALID_CONFIG';

/** Default messages from Errors.java, used when the broker gives no specific one. */
export const KAFKA_ERROR_DEFAULT_MESSAGES: Record<KafkaErrorCode, string> = {
  OFFSET_OUT_OF_RANGE: 'The requested offset is not within the range of offsets maintained by the server.',
  UNKNOWN_TOPIC_OR_PARTITION: 'This server does not host this topic-partition.',
  LEADER_NOT_AVAILABLE:
    'There is no leader for this topic-partition as we are in the middle of a leadership election.',
  NOT_LEADER_OR_FOLLOWER: 'For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.',
  REQUEST_TIMED_OUT: 'The request timed out.',
  NOT_ENOUGH_REPLICAS: 'Messages are rejected since there are fewer in-sync replicas than required.',
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 'Messages are written to the log, but to fewer in-sync replicas than required.',
  OUT_OF_ORDER_SEQUENCE_NUMBER: 'The broker received an out of order sequence number.',
  DUPLICATE_SEQUENCE_NUMBER: 'The broker received a duplicate sequence number.',
  INVALID_PRODUCER_EPOCH:
    "Producer attempted to produce with an old epoch.",
  UNKNOWN_PRODUCER_ID:
    'This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question. This could happen if, for instance, the producer\'s records were deleted because their retention time had elapsed. Once the last records of the producerId are removed, the producer\'s metadata is removed from the broker, and future appends by the producer will return this exception.',
  TOPIC_ALREADY_EXISTS: 'Topic with this name already exists.',
  INVALID_TOPIC_EXCEPTION: 'The request attempted to perform an operation on an invalid topic.',
  INVALID_PARTITIONS: 'Number of partitions is below 1.',
  INVALID_REPLICATION_FACTOR: 'Replication factor is below 1 or larger than the number of available brokers.',
  RECORD_LIST_TOO_LARGE: 'The request included message batch larger than the configured segment size on the server.',
  MESSAGE_TOO_LARGE: 'The request included a message larger than the max message size the server will accept.',
  KAFKA_STORAGE_ERROR: 'Disk error when trying to access log file on the disk.',
  NETWORK_EXCEPTION: 'The server disconnected before a response was received.',
  FENCED_LEADER_EPOCH: 'The leader epoch in the request is older than the epoch on the broker.',
  UNKNOWN_LEADER_EPOCH: 'The leader epoch in the request is newer than the epoch on the broker.',
  OFFSET_NOT_AVAILABLE:
    'The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.',
  STALE_BROKER_EPOCH: 'Broker epoch has changed.',
  INVALID_UPDATE_VERSION: 'The given update version was invalid.',
  INELIGIBLE_REPLICA: 'The new ISR contains at least one ineligible replica.',
  DUPLICATE_BROKER_REGISTRATION: 'This broker ID is already in use.',
  BROKER_NOT_AVAILABLE: 'The broker is not available.',
  INVALID_CONFIG: 'Configuration is invalid.',
};

/** The Java exception a client raises for each error (Errors.java's exception builders). */
export const KAFKA_ERROR_EXCEPTIONS: Record<KafkaErrorCode, string> = {
  OFFSET_OUT_OF_RANGE: 'OffsetOutOfRangeException',
  UNKNOWN_TOPIC_OR_PARTITION: 'UnknownTopicOrPartitionException',
  LEADER_NOT_AVAILABLE: 'LeaderNotAvailableException',
  NOT_LEADER_OR_FOLLOWER: 'NotLeaderOrFollowerException',
  REQUEST_TIMED_OUT: 'TimeoutException',
  NOT_ENOUGH_REPLICAS: 'NotEnoughReplicasException',
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 'NotEnoughReplicasAfterAppendException',
  OUT_OF_ORDER_SEQUENCE_NUMBER: 'OutOfOrderSequenceException',
  DUPLICATE_SEQUENCE_NUMBER: 'DuplicateSequenceException',
  INVALID_PRODUCER_EPOCH: 'InvalidProducerEpochException',
  UNKNOWN_PRODUCER_ID: 'UnknownProducerIdException',
  TOPIC_ALREADY_EXISTS: 'TopicExistsException',
  INVALID_TOPIC_EXCEPTION: 'InvalidTopicException',
  INVALID_PARTITIONS: 'InvalidPartitionsException',
  INVALID_REPLICATION_FACTOR: 'InvalidReplicationFactorException',
  RECORD_LIST_TOO_LARGE: 'RecordBatchTooLargeException',
  MESSAGE_TOO_LARGE: 'RecordTooLargeException',
  KAFKA_STORAGE_ERROR: 'KafkaStorageException',
  NETWORK_EXCEPTION: 'NetworkException',
  FENCED_LEADER_EPOCH: 'FencedLeaderEpochException',
  UNKNOWN_LEADER_EPOCH: 'UnknownLeaderEpochException',
  OFFSET_NOT_AVAILABLE: 'OffsetNotAvailableException',
  STALE_BROKER_EPOCH: 'StaleBrokerEpochException',
  INVALID_UPDATE_VERSION: 'InvalidUpdateVersionException',
  INELIGIBLE_REPLICA: 'IneligibleReplicaException',
  DUPLICATE_BROKER_REGISTRATION: 'DuplicateBrokerRegistrationException',
  BROKER_NOT_AVAILABLE: 'BrokerNotAvailableException',
  INVALID_CONFIG: 'InvalidConfigurationException',
};

/**
 * Errors whose exception is a `RetriableException` in the Java client, so the
 * producer retries them (Sender.canRetry without idempotence).
 */
const RETRIABLE: ReadonlySet<KafkaErrorCode> = new Set<KafkaErrorCode>([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'KAFKA_STORAGE_ERROR',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
]);

/** Subclasses of InvalidMetadataException: the producer refreshes its metadata on these. */
const INVALID_METADATA: ReadonlySet<KafkaErrorCode> = new Set<KafkaErrorCode>([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'NETWORK_EXCEPTION',
  'KAFKA_STORAGE_ERROR',
  'FENCED_LEADER_EPOCH',
]);

export function isRetriable(error: KafkaErrorCode): boolean {
  return RETRIABLE.has(error);
}

export function isInvalidMetadata(error: KafkaErrorCode): boolean {
  return INVALID_METADATA.has(error);
}

export interface KafkaError {
  readonly error: KafkaErrorCode;
  readonly message: string;
}

export function kafkaError(error: KafkaErrorCode, message: string = KAFKA_ERROR_DEFAULT_MESSAGES[error]): KafkaError {
  return { error, message };
}

/** Admin operations (create topic, add partitions) fail with Kafka's exception and message. */
export class KafkaAdminError extends Error {
  override readonly name = 'KafkaAdminError';
  constructor(
    readonly error: KafkaErrorCode,
    /** The Java exception class a client would see, e.g. InvalidPartitionsException. */
    readonly exception: string,
    message: string,
  ) {
    super(message);
  }
}
