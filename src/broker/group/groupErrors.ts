/**
 * The errors of the group APIs (FindCoordinator, JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch) with Kafka's default
 * messages and the exception a Java client raises for each
 * (org.apache.kafka.common.protocol.Errors). They are values, like the
 * replication errors of ../errors.ts, which they extend: an offset commit can
 * also fail with REQUEST_TIMED_OUT or UNKNOWN_TOPIC_OR_PARTITION.
 */
import { KAFKA_ERROR_DEFAULT_MESSAGES, KAFKA_ERROR_EXCEPTIONS, type KafkaErrorCode } from '../errors';
import type { GroupErrorCode } from './GroupCoordinator';

export type GroupApiErrorCode =
  | GroupErrorCode
  | 'COORDINATOR_LOAD_IN_PROGRESS'
  | 'UNSTABLE_OFFSET_COMMIT'
  | 'INVALID_COMMIT_OFFSET_SIZE'
  | 'INVALID_GROUP_ID'
  | 'UNKNOWN_SERVER_ERROR'
  | KafkaErrorCode;

const GROUP_MESSAGES: Record<Exclude<GroupApiErrorCode, KafkaErrorCode>, string> = {
  MEMBER_ID_REQUIRED: 'The group member needs to have a valid member id before actually entering a consumer group.',
  UNKNOWN_MEMBER_ID: 'The coordinator is not aware of this member.',
  ILLEGAL_GENERATION: 'Specified group generation id is not valid.',
  REBALANCE_IN_PROGRESS: 'The group is rebalancing, so a rejoin is needed.',
  INCONSISTENT_GROUP_PROTOCOL:
    "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.",
  INVALID_SESSION_TIMEOUT:
    'The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).',
  COORDINATOR_NOT_AVAILABLE: 'The coordinator is not available.',
  NOT_COORDINATOR: 'This is not the correct coordinator.',
  COORDINATOR_LOAD_IN_PROGRESS: "The coordinator is loading and hence can't process requests.",
  UNSTABLE_OFFSET_COMMIT: 'There are unstable offsets that need to be cleared.',
  INVALID_COMMIT_OFFSET_SIZE: 'The committing offset data size is not valid.',
  INVALID_GROUP_ID: 'The configured groupId is invalid.',
  UNKNOWN_SERVER_ERROR: 'The server experienced an unexpected error when processing the request.',
};

const GROUP_EXCEPTIONS: Record<Exclude<GroupApiErrorCode, KafkaErrorCode>, string> = {
  MEMBER_ID_REQUIRED: 'MemberIdRequiredException',
  UNKNOWN_MEMBER_ID: 'UnknownMemberIdException',
  ILLEGAL_GENERATION: 'IllegalGenerationException',
  REBALANCE_IN_PROGRESS: 'RebalanceInProgressException',
  INCONSISTENT_GROUP_PROTOCOL: 'InconsistentGroupProtocolException',
  INVALID_SESSION_TIMEOUT: 'InvalidSessionTimeoutException',
  COORDINATOR_NOT_AVAILABLE: 'CoordinatorNotAvailableException',
  NOT_COORDINATOR: 'NotCoordinatorException',
  COORDINATOR_LOAD_IN_PROGRESS: 'CoordinatorLoadInProgressException',
  UNSTABLE_OFFSET_COMMIT: 'UnstableOffsetCommitException',
  INVALID_COMMIT_OFFSET_SIZE: 'InvalidCommitOffsetSizeException',
  INVALID_GROUP_ID: 'InvalidGroupIdException',
  UNKNOWN_SERVER_ERROR: 'UnknownServerException',
};

/** RetriableException subclasses among the group errors (the client retries them with backoff). */
const RETRIABLE: ReadonlySet<GroupApiErrorCode> = new Set<GroupApiErrorCode>([
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'UNSTABLE_OFFSET_COMMIT',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'KAFKA_STORAGE_ERROR',
]);

function isGroupOnly(code: GroupApiErrorCode): code is Exclude<GroupApiErrorCode, KafkaErrorCode> {
  return code in GROUP_MESSAGES;
}

export function groupErrorMessage(code: GroupApiErrorCode): string {
  return isGroupOnly(code) ? GROUP_MESSAGES[code] : KAFKA_ERROR_DEFAULT_MESSAGES[code];
}

export function groupErrorException(code: GroupApiErrorCode): string {
  return isGroupOnly(code) ? GROUP_EXCEPTIONS[code] : KAFKA_ERROR_EXCEPTIONS[code];
}

export function isRetriableGroupError(code: GroupApiErrorCode): boolean {
  return RETRIABLE.has(code);
}

/**
 * GroupMetadataManager.maybeConvertOffsetCommitError: what an offset commit
 * answers when appending its record to __consumer_offsets failed.
 */
export function convertOffsetCommitAppendError(error: KafkaErrorCode): GroupApiErrorCode {
  switch (error) {
    case 'NETWORK_EXCEPTION':
      return 'COORDINATOR_LOAD_IN_PROGRESS';
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
      return 'COORDINATOR_NOT_AVAILABLE';
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return 'NOT_COORDINATOR';
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
      return 'INVALID_COMMIT_OFFSET_SIZE';
    default:
      return error;
  }
}

/**
 * GroupMetadataManager.storeGroup's callback: what JoinGroup/SyncGroup
 * members get when appending the group's metadata failed.
 */
export function convertStoreGroupError(error: KafkaErrorCode): GroupApiErrorCode {
  switch (error) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
      return 'COORDINATOR_NOT_AVAILABLE';
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return 'NOT_COORDINATOR';
    case 'REQUEST_TIMED_OUT':
      return 'REBALANCE_IN_PROGRESS';
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
      return 'UNKNOWN_SERVER_ERROR';
    default:
      return error;
  }
}
