/**
 * A topic partition across its replicas (Kafka's `Partition`): the assigned
 * replicas in order, the current leader and leader epoch, the in-sync replica
 * set, and the leader's high watermark.
 *
 * The high watermark is the smallest log end offset over the ISR, clamped to
 * the leader's [logStartOffset, logEndOffset] (Partition.maybeIncrementLeaderHW);
 * it never moves backwards on a leader.
 */
import { assert } from '../sim/assert';
import type { Broker } from './Broker';
import type { LogConfig } from './LogConfig';
import { topicPartitionName, type TopicPartition, type UnifiedLog } from './UnifiedLog';

export const NO_LEADER = -1;

export class Partition {
  readonly topicPartition: TopicPartition;
  readonly name: string;
  /** Replica broker ids in assignment order; the first is the preferred leader. */
  readonly replicas: readonly number[];
  leaderId: number;
  leaderEpoch = 0;
  isr: number[];
  private readonly brokers: ReadonlyMap<number, Broker>;

  constructor(options: { topicPartition: TopicPartition; replicas: readonly number[]; brokers: ReadonlyMap<number, Broker>; config: LogConfig }) {
    assert(options.replicas.length > 0, 'a partition needs at least one replica');
    this.topicPartition = options.topicPartition;
    this.name = topicPartitionName(options.topicPartition);
    this.replicas = options.replicas;
    this.brokers = options.brokers;
    for (const id of this.replicas) this.brokers.get(id)!.createLog(options.topicPartition, options.config);
    this.leaderId = this.replicas[0]!;
    // Until followers replicate, only the leader is in sync.
    this.isr = [this.leaderId];
  }

  /** The log of a replica. */
  replicaLog(brokerId: number): UnifiedLog {
    const log = this.brokers.get(brokerId)?.log(this.topicPartition);
    assert(log !== undefined, () => `${this.name}: broker ${brokerId} holds no replica`);
    return log;
  }

  get hasLeader(): boolean {
    return this.leaderId !== NO_LEADER;
  }

  leaderLog(): UnifiedLog {
    assert(this.hasLeader, () => `${this.name}: no leader`);
    return this.replicaLog(this.leaderId);
  }

  /** Partition.maybeIncrementLeaderHW. Returns true when the high watermark moved. */
  maybeIncrementLeaderHighWatermark(): boolean {
    const leader = this.leaderLog();
    let newHw = leader.logEndOffset;
    for (const id of this.isr) newHw = Math.min(newHw, this.replicaLog(id).logEndOffset);
    if (newHw <= leader.highWatermark) return false;
    leader.updateHighWatermark(newHw);
    return true;
  }
}
