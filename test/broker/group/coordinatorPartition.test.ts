import { describe, expect, it } from 'vitest';
import { kafkaAbs, offsetsPartitionFor } from '../../../src/broker/group/coordinatorPartition';
import { javaStringHashCode } from '../../../src/broker/group/javaHashOrder';

describe('group coordinator partition', () => {
  it('hashes like java.lang.String.hashCode', () => {
    // Values from the JDK: "".hashCode() == 0, "a" == 97, "hello" == 99162322, "polygenelubricants" == Integer.MIN_VALUE.
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('maps a group to abs(hashCode) % 50, with Kafka\'s abs of Integer.MIN_VALUE being 0', () => {
    expect(kafkaAbs(-2147483648)).toBe(0);
    expect(offsetsPartitionFor('polygenelubricants')).toBe(0);
    expect(offsetsPartitionFor('hello')).toBe(99162322 % 50);
    expect(offsetsPartitionFor('test-group')).toBe(Math.abs(javaStringHashCode('test-group')) % 50);
  });
});
