import { describe, expect, it } from 'vitest';
import { parseBrokerSettings, resolveBrokerConfig } from '../../src/broker/BrokerConfig';
import { KafkaConfigError } from '../../src/broker/kafkaConfigError';

function configError(run: () => unknown): KafkaConfigError {
  try {
    run();
  } catch (e) {
    if (e instanceof KafkaConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigException');
}

describe('broker config: server.properties values parsed as ConfigDef.parseType', () => {
  it('numbers may be written as strings; a string that is not one is "Not a number of type INT/LONG/SHORT"', () => {
    expect(parseBrokerSettings({ 'replica.lag.time.max.ms': '10000', 'min.insync.replicas': ' 2 ' })).toEqual({ 'replica.lag.time.max.ms': 10_000, 'min.insync.replicas': 2 });
    expect(configError(() => parseBrokerSettings({ 'min.insync.replicas': 'two' })).message).toBe('Invalid value two for configuration min.insync.replicas: Not a number of type INT');
    expect(configError(() => parseBrokerSettings({ 'log.retention.ms': '7d' })).message).toBe('Invalid value 7d for configuration log.retention.ms: Not a number of type LONG');
    expect(configError(() => parseBrokerSettings({ 'min.insync.replicas': '3000000000' })).message).toBe(
      'Invalid value 3000000000 for configuration min.insync.replicas: Not a number of type INT',
    );
    expect(configError(() => parseBrokerSettings({ 'offsets.topic.replication.factor': '40000' })).message).toBe(
      'Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number of type SHORT',
    );
  });

  it('a value of another type is "Expected value to be a 32-bit integer, but it was a ..."', () => {
    expect(configError(() => parseBrokerSettings({ 'min.insync.replicas': true })).message).toBe(
      'Invalid value true for configuration min.insync.replicas: Expected value to be a 32-bit integer, but it was a boolean',
    );
    expect(configError(() => parseBrokerSettings({ 'log.retention.ms': false })).message).toBe(
      'Invalid value false for configuration log.retention.ms: Expected value to be a 64-bit integer (long), but it was a boolean',
    );
  });

  it('booleans are true or false in any case, as ConfigDef compares them (equalsIgnoreCase)', () => {
    expect(parseBrokerSettings({ 'unclean.leader.election.enable': 'TRUE', 'auto.leader.rebalance.enable': ' False ' })).toEqual({
      'unclean.leader.election.enable': true,
      'auto.leader.rebalance.enable': false,
    });
    expect(configError(() => parseBrokerSettings({ 'unclean.leader.election.enable': 'yes' })).message).toBe(
      'Invalid value yes for configuration unclean.leader.election.enable: Expected value to be either true or false',
    );
  });

  it('validators keep their messages, and the defaults are ReplicationConfigs / KRaftConfigs / GroupCoordinatorConfig', () => {
    expect(configError(() => parseBrokerSettings({ 'min.insync.replicas': 0 })).message).toBe('Invalid value 0 for configuration min.insync.replicas: Value must be at least 1');
    const c = resolveBrokerConfig({});
    expect([c.replicaLagTimeMaxMs, c.replicaFetchWaitMaxMs, c.replicaFetchBackoffMs, c.replicaSocketTimeoutMs]).toEqual([30_000, 500, 1_000, 30_000]);
    expect([c.brokerSessionTimeoutMs, c.brokerHeartbeatIntervalMs, c.highWatermarkCheckpointIntervalMs]).toEqual([9_000, 2_000, 5_000]);
    expect([c.offsetsTopicNumPartitions, c.offsetsTopicSegmentBytes, c.offsetCommitTimeoutMs]).toEqual([50, 104_857_600, 5_000]);
  });

  it('an unknown key names the nearest known one', () => {
    expect(configError(() => parseBrokerSettings({ 'replica.lag.time.max': 10_000 })).message).toMatch(/^Unknown broker config 'replica.lag.time.max'. Did you mean 'replica.lag.time.max.ms'\? faultline models: /);
    expect(configError(() => parseBrokerSettings({ 'frobnicate.everything': 1 })).message).toMatch(/^Unknown broker config 'frobnicate.everything'. faultline models: /);
  });
});
