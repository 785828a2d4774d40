/**
 * Which `__consumer_offsets` partition holds a group's offsets (and so which
 * broker coordinates it): `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`
 * (GroupCoordinator.partitionFor), with Java's String.hashCode over UTF-16
 * code units and Kafka's abs (Integer.MIN_VALUE ⇒ 0).
 */
import { javaStringHashCode } from './javaHashOrder';

export const OFFSETS_TOPIC = '__consumer_offsets';
export const DEFAULT_OFFSETS_TOPIC_PARTITIONS = 50;

/** org.apache.kafka.common.utils.Utils.abs. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

export function offsetsPartitionFor(groupId: string, partitions = DEFAULT_OFFSETS_TOPIC_PARTITIONS): number {
  return kafkaAbs(javaStringHashCode(groupId)) % partitions;
}
