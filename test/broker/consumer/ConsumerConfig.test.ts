import { describe, expect, it } from 'vitest';
import { parseConsumerConfig } from '../../../src/broker/consumer/ConsumerConfig';

describe('consumer config: Kafka names, defaults and messages', () => {
  it("defaults are Kafka 3.x/4.x's: range then cooperative-sticky offered, latest reset, auto-commit every 5 s", () => {
    const c = parseConsumerConfig({ 'group.id': 'orders' }, { clientIdSequence: 3 });
    expect(c.clientId).toBe('consumer-orders-3');
    expect(c.assignors).toEqual(['range', 'cooperative-sticky']);
    expect([c.sessionTimeoutMs, c.heartbeatIntervalMs, c.maxPollIntervalMs]).toEqual([45_000, 3_000, 300_000]);
    expect([c.enableAutoCommit, c.autoCommitIntervalMs, c.autoOffsetReset]).toEqual([true, 5_000, 'latest']);
    expect([c.maxPollRecords, c.fetchMaxWaitMs, c.fetchMinBytes, c.metadataMaxAgeMs]).toEqual([500, 500, 1, 300_000]);
  });

  it('without a group id auto-commit is off, and turning it on is an error (maybeOverrideEnableAutoCommit)', () => {
    expect(parseConsumerConfig({}).enableAutoCommit).toBe(false);
    expect(parseConsumerConfig({}).clientId).toBe('consumer-null-1');
    expect(() => parseConsumerConfig({ 'enable.auto.commit': true })).toThrow('enable.auto.commit cannot be set to true when default group id (null) is used.');
  });

  it('rejects a bad auto.offset.reset with ConfigDef\'s message, and a heartbeat not below the session timeout', () => {
    expect(() => parseConsumerConfig({ 'group.id': 'g', 'auto.offset.reset': 'smallest' })).toThrow('Invalid value smallest for configuration auto.offset.reset: String must be one of: latest, earliest, none');
    expect(() => parseConsumerConfig({ 'group.id': 'g', 'heartbeat.interval.ms': 45_000 })).toThrow('Heartbeat must be set lower than the session timeout');
  });

  it("group.protocol is checked case-insensitively, with CaseInsensitiveValidString's message", () => {
    expect(() => parseConsumerConfig({ 'group.id': 'g', 'group.protocol': 'eager' })).toThrow(
      'Invalid value eager for configuration group.protocol: String must be one of (case insensitive): CONSUMER, CLASSIC',
    );
    expect(parseConsumerConfig({ 'group.id': 'g', 'group.protocol': 'CLASSIC' }).groupId).toBe('g');
  });

  it('accepts assignor class names (the sticky ones too), refuses an empty list, and names the nearest key for a typo', () => {
    expect(parseConsumerConfig({ 'group.id': 'g', 'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RoundRobinAssignor' }).assignors).toEqual(['roundrobin']);
    expect(parseConsumerConfig({ 'group.id': 'g', 'partition.assignment.strategy': ['CooperativeStickyAssignor'] }).assignors).toEqual(['cooperative-sticky']);
    expect(parseConsumerConfig({ 'group.id': 'g', 'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.StickyAssignor,range' }).assignors).toEqual(['sticky', 'range']);
    expect(() => parseConsumerConfig({ 'group.id': 'g', 'partition.assignment.strategy': [] })).toThrow(/must list at least one assignor/);
    expect(() => parseConsumerConfig({ 'group.id': 'g', 'auto.ofset.reset': 'earliest' })).toThrow("Did you mean 'auto.offset.reset'?");
  });
});
