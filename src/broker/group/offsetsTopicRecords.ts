/**
 * The records a group coordinator writes to `__consumer_offsets`, and reads
 * back when it takes over a partition (GroupMetadataManager's
 * offsetCommitKey/Value, groupMetadataKey/Value, and readMessageKey /
 * readOffsetMessageValue / readGroupMessageValue):
 *
 *   offset commit   key {group, topic, partition}  value {offset, leaderEpoch, metadata, commitTimestamp} | null
 *   group metadata  key {group}                    value {protocolType, generation, protocol, leader,
 *                                                         currentStateTimestamp, members[...]} | null
 *
 * A null value is a tombstone: the offset expired, or the group is gone.
 * Kafka encodes these with versioned binary schemas; faultline writes the
 * same fields as JSON text, so the byte sizes differ from a real broker's but
 * the log holds the same facts in the same order. `decode(encode(x))` equals
 * `x`, and a record that is neither kind is an invariant failure.
 */
import { assert } from '../../sim/assert';
import type { StickyUserData } from './assignors';

export interface OffsetCommitKey {
  readonly type: 'offset';
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
}

export interface OffsetCommitValue {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
}

export interface GroupMetadataKey {
  readonly type: 'group';
  readonly group: string;
}

export interface StoredMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /** The subscription of the group's protocol (topics). */
  readonly topics: readonly string[];
  /**
   * The rest of that protocol's subscription (ConsumerProtocolSubscription v1+):
   * owned partitions, generation, and the assignor's user data. Kafka stores
   * the subscription bytes whole, so a member that rejoins a new coordinator
   * with the same metadata does not look changed.
   */
  readonly ownedPartitions?: readonly { readonly topic: string; readonly partition: number }[];
  readonly generationId?: number;
  readonly userData?: StickyUserData | null;
  readonly assignment: readonly { readonly topic: string; readonly partition: number }[];
}

export interface GroupMetadataValue {
  readonly protocolType: string;
  readonly generation: number;
  readonly protocol: string | null;
  readonly leader: string | null;
  readonly currentStateTimestampMs: number;
  readonly members: readonly StoredMember[];
}

export type OffsetsTopicRecord =
  | { readonly key: OffsetCommitKey; readonly value: OffsetCommitValue | null }
  | { readonly key: GroupMetadataKey; readonly value: GroupMetadataValue | null };

export function encodeOffsetsTopicRecord(record: OffsetsTopicRecord): { key: string; value: string | null } {
  return { key: JSON.stringify(record.key), value: record.value === null ? null : JSON.stringify(record.value) };
}

export function decodeOffsetsTopicRecord(key: string | null, value: string | null): OffsetsTopicRecord {
  assert(key !== null, '__consumer_offsets record without a key');
  const parsed = JSON.parse(key) as OffsetCommitKey | GroupMetadataKey;
  if (parsed.type === 'offset') {
    assert(typeof parsed.group === 'string' && typeof parsed.topic === 'string' && Number.isInteger(parsed.partition), () => `bad offset commit key ${key}`);
    const v = value === null ? null : (JSON.parse(value) as OffsetCommitValue);
    if (v !== null) assert(Number.isInteger(v.offset) && v.offset >= 0, () => `bad offset commit value ${value}`);
    return { key: parsed, value: v };
  }
  assert(parsed.type === 'group' && typeof parsed.group === 'string', () => `unknown __consumer_offsets record key ${key}`);
  const v = value === null ? null : (JSON.parse(value) as GroupMetadataValue);
  if (v !== null) assert(Number.isInteger(v.generation) && Array.isArray(v.members), () => `bad group metadata value ${value}`);
  return { key: parsed, value: v };
}

export function offsetCommitRecord(group: string, topic: string, partition: number, value: OffsetCommitValue | null): OffsetsTopicRecord {
  return { key: { type: 'offset', group, topic, partition }, value };
}

export function groupMetadataRecord(group: string, value: GroupMetadataValue | null): OffsetsTopicRecord {
  return { key: { type: 'group', group }, value };
}
