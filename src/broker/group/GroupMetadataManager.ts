/**
 * The group coordinator of one broker process, on the storage side (Kafka's
 * GroupMetadataManager with the election hooks of BrokerMetadataPublisher):
 *
 *   - A broker coordinates the groups of the `__consumer_offsets` partitions
 *     it leads. When it becomes leader of one (a new leader epoch), it loads
 *     that partition's groups and offsets from its own replica of the log,
 *     up to the log end offset (doLoadGroupsAndOffsets), the last record of
 *     each key winning and tombstones deleting. Loading takes time (a scan at
 *     LOAD_BYTES_PER_MS); meanwhile requests for those groups get
 *     COORDINATOR_LOAD_IN_PROGRESS. When it stops leading the partition it
 *     unloads them (members waiting in JoinGroup or SyncGroup are told
 *     NOT_COORDINATOR), and clients find the new coordinator.
 *   - Offset commits and group metadata are appended as the partition leader
 *     with acks=all and wait for the high watermark, at most
 *     `offsets.commit.timeout.ms` (appendForGroup): a commit is acknowledged
 *     only once the ISR has it, so a coordinator failover never forgets an
 *     acknowledged commit. Append errors become the group APIs' errors
 *     (maybeConvertOffsetCommitError).
 *   - Every `offsets.retention.check.interval.ms` (first at start-up) expired
 *     offsets are removed and tombstoned (cleanupGroupMetadata, acks=0).
 *
 * Simplified: `cleanup.policy=compact` is not modelled. The topic keeps
 * every record (retention.ms=-1) and a load replays them all; compaction
 * would only make loads faster.
 */
import type { Rng } from '../../sim/Rng';
import type { Simulation, Timer } from '../../sim/Simulation';
import type { ResolvedBrokerConfig } from '../BrokerConfig';
import type { KafkaErrorCode } from '../errors';
import type { HighWatermarkWaiters } from '../HighWatermarkWaiters';
import type { MetadataCache, MetadataDelta } from '../MetadataCache';
import type { Partition } from '../Partition';
import type { RecordInput } from '../recordBatch';
import type { ReplicaManager } from '../ReplicaManager';
import { OFFSETS_TOPIC, offsetsPartitionFor } from './coordinatorPartition';
import { GroupCoordinator, type CommittedOffset, type GroupStore } from './GroupCoordinator';
import { convertOffsetCommitAppendError, convertStoreGroupError, type GroupApiErrorCode } from './groupErrors';
import {
  decodeOffsetsTopicRecord,
  encodeOffsetsTopicRecord,
  groupMetadataRecord,
  offsetCommitRecord,
  type GroupMetadataValue,
  type OffsetsTopicRecord,
} from './offsetsTopicRecords';

/** How fast a coordinator reads its partition when loading (a page-cached scan, ~100 MB/s). */
export const LOAD_BYTES_PER_MS = 100_000;

/** What the manager needs from its broker process. */
export interface GroupCoordinatorHost {
  readonly sim: Simulation;
  readonly brokerId: number;
  readonly config: ResolvedBrokerConfig;
  readonly metadata: MetadataCache;
  readonly replicaManager: ReplicaManager;
  readonly waiters: HighWatermarkWaiters;
  /** A stream for member ids, distinct for every run of the process. */
  readonly rng: Rng;
  /** Schedule work that dies with the process. */
  schedule(delayMs: number, label: string, run: () => void): Timer;
  /** A periodic task that dies with the process. */
  every(periodMs: number, name: string, task: () => void, initialDelayMs?: number): void;
}

interface OwnedPartition {
  readonly leaderEpoch: number;
  loading: boolean;
  /** Groups loaded from (or created on) this partition. */
  readonly groups: Set<string>;
}

export type GroupStatus = { readonly ok: true } | { readonly ok: false; readonly error: GroupApiErrorCode };

const OK: GroupStatus = { ok: true };

export class GroupMetadataManager implements GroupStore {
  readonly coordinator: GroupCoordinator;
  private readonly host: GroupCoordinatorHost;
  private readonly owned = new Map<number, OwnedPartition>();

  constructor(host: GroupCoordinatorHost) {
    this.host = host;
    const sim = host.sim;
    this.coordinator = new GroupCoordinator({
      kernel: { get nowMs() { return sim.nowMs; }, trace: sim.trace, schedule: (d, l, r) => host.schedule(d, l, r), cancel: (t) => sim.cancel(t) },
      rng: host.rng,
      config: host.config.groupCoordinator,
      brokerId: host.brokerId,
      store: this,
    });
  }

  /** GroupCoordinator.startup: the expired-offsets task, first at once, then every offsets.retention.check.interval.ms. */
  startup(): void {
    this.host.every(this.host.config.groupCoordinator['offsets.retention.check.interval.ms'], 'delete-expired-group-metadata', () => this.coordinator.expireOffsets(), 0);
  }

  /** The number of __consumer_offsets partitions (the topic's, once it exists). */
  get offsetsTopicPartitions(): number {
    return this.host.metadata.topics.get(OFFSETS_TOPIC)?.partitions.length ?? this.host.config.offsetsTopicNumPartitions;
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.offsetsTopicPartitions);
  }

  /** GroupCoordinator.validateGroupStatus. */
  groupStatus(groupId: string): GroupStatus {
    const owned = this.owned.get(this.partitionFor(groupId));
    if (owned === undefined) return { ok: false, error: 'NOT_COORDINATOR' };
    if (owned.loading) return { ok: false, error: 'COORDINATOR_LOAD_IN_PROGRESS' };
    return OK;
  }

  /** Remember that a group lives on its partition (created by a first JoinGroup or commit). */
  noteGroup(groupId: string): void {
    this.owned.get(this.partitionFor(groupId))?.groups.add(groupId);
  }

  /** Offsets partitions this broker coordinates, with their state. */
  ownedPartitions(): { partition: number; leaderEpoch: number; loading: boolean; groups: number }[] {
    return [...this.owned]
      .sort((a, b) => a[0] - b[0])
      .map(([partition, o]) => ({ partition, leaderEpoch: o.leaderEpoch, loading: o.loading, groups: o.groups.size }));
  }

  // ---- elections ------------------------------------------------------------------------

  /** After the replica manager applied new metadata: elections and resignations of offsets partitions. */
  onMetadata(delta: MetadataDelta): void {
    if (delta.removedTopics.includes(OFFSETS_TOPIC)) for (const p of [...this.owned.keys()]) this.resign(p);
    for (const record of delta.partitions) {
      if (record.topic !== OFFSETS_TOPIC) continue;
      const owned = this.owned.get(record.partition);
      if (record.leader === this.host.brokerId) {
        if (owned !== undefined && owned.leaderEpoch === record.leaderEpoch) continue;
        if (owned !== undefined) this.resign(record.partition);
        this.elect(record.partition, record.leaderEpoch);
      } else if (owned !== undefined) {
        this.resign(record.partition);
      }
    }
  }

  /** GroupCoordinator.onElection ⇒ scheduleLoadGroupAndOffsets. */
  private elect(partitionIndex: number, leaderEpoch: number): void {
    const owned: OwnedPartition = { leaderEpoch, loading: true, groups: new Set() };
    this.owned.set(partitionIndex, owned);
    const partition = this.localPartition(partitionIndex);
    const bytes = partition?.log.sizeBytes ?? 0;
    const loadMs = 1 + Math.floor(bytes / LOAD_BYTES_PER_MS);
    this.trace('group.coordinator-load', { partition: partitionIndex, leaderEpoch, bytes, loadMs });
    this.host.schedule(loadMs, `load ${OFFSETS_TOPIC}-${partitionIndex}`, () => {
      if (this.owned.get(partitionIndex) !== owned) return;
      this.load(partitionIndex, owned);
      owned.loading = false;
    });
  }

  /** doLoadGroupsAndOffsets: replay the local log to its end. */
  private load(partitionIndex: number, owned: OwnedPartition): void {
    const partition = this.localPartition(partitionIndex);
    const metadata = new Map<string, GroupMetadataValue | null>();
    const offsets = new Map<string, Map<string, CommittedOffset>>();
    if (partition !== undefined) {
      const log = partition.log;
      const records = log.readRecords(log.logStartOffset, log.logEndOffset);
      if (!('error' in records)) {
        for (const r of records) {
          const record = decodeOffsetsTopicRecord(r.key, r.value);
          if (record.key.type === 'group') {
            metadata.set(record.key.group, record.value as GroupMetadataValue | null);
            continue;
          }
          const { group, topic, partition: p } = record.key;
          let groupOffsets = offsets.get(group);
          if (groupOffsets === undefined) offsets.set(group, (groupOffsets = new Map()));
          const value = record.value;
          if (value === null) groupOffsets.delete(`${topic}-${p}`);
          else if ('offset' in value) groupOffsets.set(`${topic}-${p}`, { offset: value.offset, metadata: value.metadata, commitTimestampMs: value.commitTimestampMs });
        }
      }
    }
    const groupIds = [...new Set([...metadata.keys(), ...offsets.keys()])].sort();
    let loaded = 0;
    for (const groupId of groupIds) {
      const value = metadata.get(groupId) ?? null;
      const groupOffsets = offsets.get(groupId) ?? new Map<string, CommittedOffset>();
      // A tombstoned group with no offsets left is gone (removedGroups).
      if (value === null && groupOffsets.size === 0) continue;
      if (this.coordinator.hasGroup(groupId)) this.coordinator.unloadGroup(groupId);
      this.coordinator.loadGroup(groupId, value, groupOffsets);
      owned.groups.add(groupId);
      loaded++;
    }
    this.trace('group.coordinator-ready', { partition: partitionIndex, leaderEpoch: owned.leaderEpoch, groups: loaded });
  }

  /** GroupCoordinator.onResignation ⇒ removeGroupsForPartition. */
  private resign(partitionIndex: number): void {
    const owned = this.owned.get(partitionIndex);
    if (owned === undefined) return;
    this.owned.delete(partitionIndex);
    for (const groupId of [...owned.groups].sort()) this.coordinator.unloadGroup(groupId);
    this.trace('group.coordinator-resign', { partition: partitionIndex, leaderEpoch: owned.leaderEpoch, groups: owned.groups.size });
  }

  // ---- GroupStore: appends to __consumer_offsets ---------------------------------------------

  storeGroup(groupId: string, value: GroupMetadataValue, done: (error: GroupApiErrorCode | null) => void): void {
    this.append(groupId, [groupMetadataRecord(groupId, value)], true, (error) => done(error === null ? null : convertStoreGroupError(error)));
  }

  storeOffsets(groupId: string, offsets: ReadonlyMap<string, CommittedOffset>, done: (error: GroupApiErrorCode | null) => void): void {
    const records: OffsetsTopicRecord[] = [];
    for (const [tp, committed] of offsets) {
      const cut = tp.lastIndexOf('-');
      records.push(
        offsetCommitRecord(groupId, tp.slice(0, cut), Number(tp.slice(cut + 1)), {
          offset: committed.offset,
          leaderEpoch: -1,
          metadata: committed.metadata,
          commitTimestampMs: committed.commitTimestampMs,
        }),
      );
    }
    this.append(groupId, records, true, (error) => done(error === null ? null : convertOffsetCommitAppendError(error)));
  }

  storeTombstones(groupId: string, partitions: readonly string[], group: boolean): void {
    const records: OffsetsTopicRecord[] = partitions.map((tp) => {
      const cut = tp.lastIndexOf('-');
      return offsetCommitRecord(groupId, tp.slice(0, cut), Number(tp.slice(cut + 1)), null);
    });
    if (group) records.push(groupMetadataRecord(groupId, null));
    this.append(groupId, records, false, () => {});
  }

  /**
   * ReplicaManager.appendRecords as the coordinator calls it: to the local
   * leader of the group's partition; with `waitForIsr`, acknowledged once the
   * high watermark passes the records (or failed after offsets.commit.timeout.ms).
   */
  private append(groupId: string, records: readonly OffsetsTopicRecord[], waitForIsr: boolean, done: (error: KafkaErrorCode | null) => void): void {
    const index = this.partitionFor(groupId);
    const owned = this.owned.get(index);
    const partition = this.localPartition(index);
    if (owned === undefined || partition === undefined || !partition.isLeader || partition.leaderEpoch !== owned.leaderEpoch) return done('NOT_LEADER_OR_FOLLOWER');
    owned.groups.add(groupId);
    const nowMs = this.host.sim.nowMs;
    const inputs: RecordInput[] = records.map((r) => ({ ...encodeOffsetsTopicRecord(r), timestampMs: nowMs }));
    const result = partition.appendRecordsToLeader({ topic: OFFSETS_TOPIC, partition: index, records: inputs, uniform: null, producer: null }, waitForIsr ? -1 : 0);
    if ('error' in result) return done(result.error);
    this.host.replicaManager.afterDirectAppend(partition);
    if (!waitForIsr) return done(null);
    const required = result.kind === 'appended' ? result.info.lastOffset + 1 : result.lastOffset + 1;
    let outcome: { done: boolean; error: KafkaErrorCode | null } = { done: false, error: null };
    const ready = (): boolean => {
      const check = partition.checkEnoughReplicasReachOffset(required);
      if (check.done) outcome = { done: true, error: check.error?.error ?? null };
      return check.done;
    };
    this.host.waiters.wait(`coordinator append ${partition.name}`, this.host.config.offsetCommitTimeoutMs, ready, (timedOut) => {
      done(timedOut ? 'REQUEST_TIMED_OUT' : outcome.error);
    });
  }

  private localPartition(index: number): Partition | undefined {
    return this.host.replicaManager.partition({ topic: OFFSETS_TOPIC, partition: index });
  }

  private trace(type: string, fields: Record<string, string | number | boolean>): void {
    if (this.host.sim.trace.active) this.host.sim.trace.emit(type, { broker: this.host.brokerId, ...fields });
  }
}
