/** A replicated cluster on a fresh simulation, for broker tests. */
import type { ReplicationOptions } from '../../src/broker/BrokerConfig';
import type { CheckerName } from '../../src/broker/ReplicationCheckers';
import { KafkaCluster } from '../../src/broker/KafkaCluster';
import type { TopicConfigOverrides } from '../../src/broker/LogConfig';
import { Simulation } from '../../src/sim/Simulation';

export interface ClusterFixture {
  readonly sim: Simulation;
  readonly cluster: KafkaCluster;
  readonly tp: { readonly topic: string; readonly partition: number };
}

export function clusterFixture(
  options: {
    brokers?: number;
    replicationFactor?: number;
    topicConfig?: TopicConfigOverrides;
    brokerSettings?: Record<string, unknown>;
    replication?: ReplicationOptions;
    seed?: string;
    recordTrace?: boolean;
    checkers?: readonly CheckerName[];
  } = {},
): ClusterFixture {
  const sim = new Simulation({ seed: options.seed ?? 'test', recordTrace: options.recordTrace ?? true });
  const brokers = options.brokers ?? 3;
  const cluster = new KafkaCluster({
    sim,
    brokerIds: Array.from({ length: brokers }, (_, i) => i + 1),
    brokerSettings: options.brokerSettings,
    replication: options.replication,
    checkers: options.checkers,
  });
  cluster.createTopic('t', { replicationFactor: options.replicationFactor ?? brokers, config: options.topicConfig });
  return { sim, cluster, tp: { topic: 't', partition: 0 } };
}

/** Trace records of one type, as plain objects. */
export function traceOf(sim: Simulation, type: string): Record<string, unknown>[] {
  return sim.trace.records.filter((r) => r.type === type) as unknown as Record<string, unknown>[];
}
