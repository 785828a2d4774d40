/**
 * The admin answers of KafkaCluster.createTopic, as the KRaft controller
 * gives them (ReplicationControlManager.createTopics, Topic.validate).
 */
import { describe, expect, it } from 'vitest';
import { KafkaAdminError } from '../../src/broker/errors';
import { clusterFixture } from '../support/clusterFixture';

function refusal(run: () => unknown): { error: string; exception: string; message: string } {
  try {
    run();
  } catch (e) {
    if (e instanceof KafkaAdminError) return { error: e.error, exception: e.exception, message: e.message };
    throw e;
  }
  throw new Error('expected a KafkaAdminError');
}

describe('admin: create topic answers as ReplicationControlManager', () => {
  it('an invalid name is refused with Topic.validate\'s 3.4+ text, "Topic name is invalid: ..."', () => {
    const { cluster } = clusterFixture();
    expect(refusal(() => cluster.createTopic('orders/eu'))).toEqual({
      error: 'INVALID_TOPIC_EXCEPTION',
      exception: 'InvalidTopicException',
      message: "Topic name is invalid: 'orders/eu' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
    });
    expect(refusal(() => cluster.createTopic('')).message).toBe('Topic name is invalid: the empty string is not allowed');
    expect(refusal(() => cluster.createTopic('..')).message).toBe("Topic name is invalid: '..' is not allowed");
    const long = 'x'.repeat(250);
    expect(refusal(() => cluster.createTopic(long)).message).toBe(`Topic name is invalid: the length of '${long}' is longer than the max allowed length 249`);
    expect(() => cluster.createTopic('x'.repeat(249))).not.toThrow();
  });

  it("a name equal to an existing one up to '.' and '_' collides; the same name already exists", () => {
    const { cluster } = clusterFixture();
    cluster.createTopic('page_views');
    expect(refusal(() => cluster.createTopic('page.views'))).toEqual({
      error: 'INVALID_TOPIC_EXCEPTION',
      exception: 'InvalidTopicException',
      message: "Topic 'page.views' collides with existing topic: page_views",
    });
    expect(refusal(() => cluster.createTopic('page_views'))).toEqual({ error: 'TOPIC_ALREADY_EXISTS', exception: 'TopicExistsException', message: "Topic 'page_views' already exists." });
  });

  it('the replication factor is checked before the partition count, and -1 takes the default (1)', () => {
    const { cluster } = clusterFixture();
    expect(refusal(() => cluster.createTopic('a', { partitions: 0, replicationFactor: 0 }))).toEqual({
      error: 'INVALID_REPLICATION_FACTOR',
      exception: 'InvalidReplicationFactorException',
      message: 'Replication factor must be larger than 0, or -1 to use the default value.',
    });
    expect(refusal(() => cluster.createTopic('a', { partitions: 0 }))).toEqual({
      error: 'INVALID_PARTITIONS',
      exception: 'InvalidPartitionsException',
      message: 'Number of partitions was set to an invalid non-positive value.',
    });
    const topic = cluster.createTopic('a', { partitions: -1, replicationFactor: -1 });
    expect(topic.partitions.length).toBe(1);
    expect(topic.replicationFactor).toBe(1);
  });
});

describe('admin: kafka-topics --describe', () => {
  it('prints TopicCommand\'s lines; from 3.8 each partition also shows Elr and LastKnownElr (empty while ELR is off)', () => {
    const { cluster } = clusterFixture({ brokers: 3, topicConfig: { 'retention.ms': 60_000 } });
    const lines = cluster.describeTopic('t').split('\n');
    expect(lines[0]).toMatch(/^Topic: t\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 1\tReplicationFactor: 3\tConfigs: retention\.ms=60000$/);
    expect(lines[1]).toMatch(/^\tTopic: t\tPartition: 0\tLeader: \d\tReplicas: \d,\d,\d\tIsr: \d,\d,\d\tElr: \tLastKnownElr: $/);
    const old = clusterFixture({ brokers: 1, replication: { version: '3.7' } }).cluster.describeTopic('t').split('\n');
    expect(old[1]).toMatch(/^\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1$/);
  });

  it("Configs also lists a topic config whose main broker synonym server.properties sets (the quickstart's segment.bytes), not one set through another synonym", () => {
    const { cluster } = clusterFixture({ brokers: 1, brokerSettings: { 'log.segment.bytes': 1_073_741_824, 'log.retention.hours': 168, 'min.insync.replicas': 1 } });
    // log.retention.hours is a synonym of retention.ms but not its main one (log.retention.ms): ConfigHelper reports it as DEFAULT_CONFIG.
    const configs = cluster.describeTopic('t').split('\n')[0]!.split('\tConfigs: ')[1]!;
    expect(configs.split(',').sort()).toEqual(['min.insync.replicas=1', 'segment.bytes=1073741824']);
    const overridden = clusterFixture({ brokers: 1, brokerSettings: { 'log.segment.bytes': 1_073_741_824 }, topicConfig: { 'segment.bytes': 1_048_576 } });
    expect(overridden.cluster.describeTopic('t').split('\n')[0]).toMatch(/\tConfigs: segment\.bytes=1048576$/);
  });
});
