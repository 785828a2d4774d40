import { describe, expect, it } from 'vitest';
import { KafkaAdminError } from '../../src/broker/errors';
import { KafkaCluster } from '../../src/broker/KafkaCluster';
import { brokerDefaultLogConfig, topicConfigProblems, topicLogConfig } from '../../src/broker/LogConfig';
import { Simulation } from '../../src/sim/Simulation';

describe('topic configs', () => {
  it('reports unknown names, wrong types and values out of range in Kafka words', () => {
    expect(
      topicConfigProblems({
        'min.insync.replica': 2,
        'retention.ms': '3 minutes',
        'segment.bytes': 3_000_000_000,
        'unclean.leader.election.enable': 'yes',
        'min.insync.replicas': 0,
        'cleanup.policy': 'compact',
      }),
    ).toEqual([
      "Unknown topic config name: min.insync.replica (did you mean 'min.insync.replicas'?)",
      'Invalid value 3 minutes for configuration retention.ms: Not a number of type LONG',
      'Invalid value 3000000000 for configuration segment.bytes: Not a number of type INT',
      'Invalid value yes for configuration unclean.leader.election.enable: Expected value to be either true or false',
      'Invalid value 0 for configuration min.insync.replicas: Value must be at least 1',
      'Invalid value compact for configuration cleanup.policy: faultline models cleanup.policy=delete only (the log cleaner is not modelled)',
    ]);
    expect(topicConfigProblems({ 'retention.ms': -1, 'min.insync.replicas': 2, 'unclean.leader.election.enable': true, 'cleanup.policy': 'delete' })).toEqual([]);
  });

  it('overrides replace the broker defaults', () => {
    const config = topicLogConfig(brokerDefaultLogConfig({ 'log.retention.hours': 1 }), { 'segment.bytes': 1024 });
    expect(config['retention.ms']).toBe(3_600_000);
    expect(config['segment.bytes']).toBe(1024);
  });

  it('CreateTopics refuses a bad config with INVALID_CONFIG, and the topic does not exist', () => {
    const cluster = new KafkaCluster({ sim: new Simulation({ seed: 'config' }), brokerIds: [1] });
    let error: unknown;
    try {
      cluster.createTopic('orders', { config: { 'retention.msec': 60_000 } as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KafkaAdminError);
    expect(error).toMatchObject({ error: 'INVALID_CONFIG', exception: 'InvalidConfigurationException', message: "Unknown topic config name: retention.msec (did you mean 'retention.ms'?)" });
    expect(cluster.topic('orders')).toBeUndefined();
  });
});
