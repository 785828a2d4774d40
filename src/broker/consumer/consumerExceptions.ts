/**
 * What a consumer's API calls fail with, as values: the Java exception class
 * and its message, verbatim where Kafka builds one (CommitFailedException,
 * NoOffsetForPartitionException, FetchCollector's OffsetOutOfRangeException,
 * the TimeoutExceptions of ClassicKafkaConsumer).
 */
export interface ConsumerException {
  /** The Java class a client would throw, e.g. CommitFailedException. */
  readonly exception: string;
  readonly message: string;
  /** Whether the Java class is a RetriableException. */
  readonly retriable: boolean;
  /** getCause(), as "<Exception>: <message>", for an exception that wraps another. */
  readonly cause?: string;
}

export function consumerException(exception: string, message: string, retriable = false): ConsumerException {
  return { exception, message, retriable };
}

/** CommitFailedException's default message. */
export const COMMIT_FAILED_MESSAGE =
  'Commit cannot be completed since the group has already rebalanced and assigned the partitions to another member. ' +
  'This means that the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, ' +
  'which typically implies that the poll loop is spending too much time message processing. ' +
  'You can address this either by increasing max.poll.interval.ms or by reducing the maximum size of batches returned in poll() with max.poll.records.';

export function commitFailed(message = COMMIT_FAILED_MESSAGE): ConsumerException {
  return consumerException('CommitFailedException', message);
}

/**
 * RetriableCommitFailedException(Throwable): a fixed message, the retriable
 * commit error as its cause (what commitAsync's callback and auto-commit get).
 */
export function retriableCommitFailed(cause: Pick<ConsumerException, 'exception' | 'message'>): ConsumerException {
  return {
    exception: 'RetriableCommitFailedException',
    message: 'Offset commit failed with a retriable exception. You should retry committing the latest consumed offsets.',
    retriable: true,
    cause: `${cause.exception}: ${cause.message}`,
  };
}

export function rebalanceInProgress(message: string): ConsumerException {
  return consumerException('RebalanceInProgressException', message);
}

/** Java's Set/List toString of partitions: `[t-0, t-1]`. */
export function partitionList(names: readonly string[]): string {
  return `[${names.join(', ')}]`;
}

export function noOffsetForPartition(names: readonly string[]): ConsumerException {
  return consumerException('NoOffsetForPartitionException', `Undefined offset with no reset policy for partitions: ${partitionList(names)}`);
}

/**
 * FetchCollector: "Fetch position FetchPosition{offset=16, offsetEpoch=Optional[0],
 * currentLeader=LeaderAndEpoch{leader=Optional[broker-1:9092 (id: 1 rack: null)], epoch=0}}
 * is out of range for partition events-0".
 */
export function offsetOutOfRange(name: string, position: { offset: number; offsetEpoch: number | null; leader: number; leaderEpoch: number | null }): ConsumerException {
  const epoch = position.offsetEpoch === null ? 'Optional.empty' : `Optional[${position.offsetEpoch}]`;
  const leader = position.leader < 0 ? 'Optional.empty' : `Optional[broker-${position.leader}:9092 (id: ${position.leader} rack: null)]`;
  const fetchPosition = `FetchPosition{offset=${position.offset}, offsetEpoch=${epoch}, currentLeader=LeaderAndEpoch{leader=${leader}, epoch=${position.leaderEpoch ?? 'absent'}}}`;
  return consumerException('OffsetOutOfRangeException', `Fetch position ${fetchPosition} is out of range for partition ${name}`);
}

/** Java's Map<TopicPartition, OffsetAndMetadata> toString, partitions in name order. */
export function offsetsText(offsets: ReadonlyMap<string, number>): string {
  const parts = [...offsets].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([tp, o]) => `${tp}=OffsetAndMetadata{offset=${o}, leaderEpoch=null, metadata=''}`);
  return `{${parts.join(', ')}}`;
}

export function commitTimeout(timeoutMs: number, offsets: ReadonlyMap<string, number>): ConsumerException {
  return consumerException('TimeoutException', `Timeout of ${timeoutMs}ms expired before successfully committing offsets ${offsetsText(offsets)}`, true);
}

export function positionTimeout(timeoutMs: number, name: string): ConsumerException {
  return consumerException('TimeoutException', `Timeout of ${timeoutMs}ms expired before the position for partition ${name} could be determined`, true);
}

export function committedTimeout(timeoutMs: number, names: readonly string[]): ConsumerException {
  return consumerException(
    'TimeoutException',
    `Timeout of ${timeoutMs}ms expired before the last committed offset for partitions ${partitionList(names)} could be determined. Try tuning default.api.timeout.ms larger to relax the threshold.`,
    true,
  );
}

export function offsetsForTimesTimeout(elapsedMs: number): ConsumerException {
  return consumerException('TimeoutException', `Failed to get offsets by times in ${elapsedMs}ms`, true);
}

export function illegalState(message: string): ConsumerException {
  return consumerException('IllegalStateException', message);
}

export function invalidGroupId(): ConsumerException {
  return consumerException('InvalidGroupIdException', 'To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.');
}
