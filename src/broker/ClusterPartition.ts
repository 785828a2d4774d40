/**
 * A partition as `kafka-topics --describe` and an operator see it: the
 * controller's registration (replicas, leader, leader epoch, ISR) and the
 * replicas' logs on the brokers' disks. A live view: every getter reads the
 * controller's current state.
 */
import { assert, InvariantError } from '../sim/assert';
import type { Broker } from './Broker';
import type { Controller } from './Controller';
import { NO_LEADER, type PartitionRegistration } from './partitionElection';
import { topicPartitionName, type TopicPartition, type UnifiedLog } from './UnifiedLog';

export class ClusterPartition {
  readonly topicPartition: TopicPartition;
  readonly name: string;
  private readonly controller: Controller;
  private readonly brokers: ReadonlyMap<number, Broker>;

  constructor(options: { topicPartition: TopicPartition; controller: Controller; brokers: ReadonlyMap<number, Broker> }) {
    this.topicPartition = options.topicPartition;
    this.name = topicPartitionName(options.topicPartition);
    this.controller = options.controller;
    this.brokers = options.brokers;
  }

  get registration(): PartitionRegistration {
    const reg = this.controller.partition(this.topicPartition.topic, this.topicPartition.partition);
    if (reg === undefined) throw new InvariantError(`${this.name}: no registration`);
    return reg;
  }

  /** Replica broker ids in assignment order; the first is the preferred leader. */
  get replicas(): readonly number[] {
    return this.registration.replicas;
  }

  get leaderId(): number {
    return this.registration.leader;
  }

  get leaderEpoch(): number {
    return this.registration.leaderEpoch;
  }

  get isr(): readonly number[] {
    return this.registration.isr;
  }

  get hasLeader(): boolean {
    return this.leaderId !== NO_LEADER;
  }

  /** The log of a replica, on its broker's disk (whether or not the broker runs). */
  replicaLog(brokerId: number): UnifiedLog {
    const log = this.brokers.get(brokerId)?.log(this.topicPartition);
    assert(log !== undefined, () => `${this.name}: broker ${brokerId} holds no replica`);
    return log;
  }

  leaderLog(): UnifiedLog {
    assert(this.hasLeader, () => `${this.name}: no leader`);
    return this.replicaLog(this.leaderId);
  }
}
