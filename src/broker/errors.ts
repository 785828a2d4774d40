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
  | 'NETWORK_EXCEPTION';

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
};

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
