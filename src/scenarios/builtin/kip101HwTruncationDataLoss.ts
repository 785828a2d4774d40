import { scenario, type ScenarioBuilder } from '../Scenario';

/**
 * The same faults against a cluster whose followers truncate to their own
 * high watermark (before Kafka 0.11) and one that asks the leader where its
 * epoch ended (KIP-101), side by side.
 */
function failover(builder: ScenarioBuilder, rule: 'high-watermark' | 'leader-epoch'): ScenarioBuilder {
  return builder
    .kafkaCluster({ brokers: 3, 'follower-truncation': rule })
    .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2 } })
    .producer('app', { acks: 'all', 'linger.ms': 0 })
    .send('app', 'events', { value: 'm1', as: `${ruleName(rule)}1` })
    .wait('1s')
    .send('app', 'events', { value: 'm2', as: `${ruleName(rule)}2` })
    .expect(`${ruleName(rule)}2.records.0.offset`, { equals: 1, because: 'acks=all: every ISR member has m2' })
    .expect('replicaHighWatermark events-0 3', { equals: 1, because: 'broker 3 learns the new high watermark only from its next fetch response' })
    .note('Before that response arrives, broker 3 loses its link to broker 2, and the leader crashes.')
    .network({ kind: 'partition', between: 'broker-3', and: 'broker-2' })
    .brokerCrash(1)
    .waitUntil('leader events-0', { equals: 2, within: '15s' })
    .wait('100ms')
    .note('Broker 2 now leads. Broker 2 crashes too, before broker 3 could fetch anything from it.')
    .brokerCrash(2)
    .waitUntil('leader events-0', { equals: 3, within: '15s', because: 'broker 3 is still in the ISR: it was never out of sync long enough to be removed' })
    .network({ kind: 'heal' })
    .inspectLog('events', 3);
}

function ruleName(rule: string): string {
  return rule === 'high-watermark' ? 'hw' : 'epoch';
}

export default failover(
  failover(
    scenario({
      name: 'kip101-hw-truncation-data-loss',
      title: 'KIP-101: truncating to a stale high watermark loses a committed write',
      teaches: `A follower learns the high watermark one fetch late. Before Kafka 0.11, a replica that became a follower cut its log to its own high watermark, so it could throw away records the leader had already committed. KIP-101's first scenario shows this with a restart; under KRaft a restarted broker is fenced and leaves the ISR before it returns, so here the same race comes from a leader change instead. m2 is committed (acks=all, min.insync.replicas=2, every ISR member has it), but broker 3 still believes the high watermark is 1. The leader crashes; broker 2 is elected and broker 3, becoming its follower, truncates to its stale high watermark: m2 is gone from broker 3. Broker 2 crashes before broker 3 fetches m2 again, and broker 3, still in the ISR, is elected cleanly without m2. The same faults run again with leader epochs: broker 3 does not trust its high watermark but asks the leader where epoch 0 ends; the question cannot reach broker 2, so broker 3 keeps m2 and leads with it.`,
      fix: 'Leader epochs (KIP-101, Kafka 0.11; refined by KIP-279 in 2.0), the only rule since: follower-truncation leader-epoch.',
    }).note('First, followers truncate to their own high watermark, as before Kafka 0.11.'),
    'high-watermark',
  )
    .expect('replicaValue events-0 3 1', { equals: null, because: 'broker 3 cut m2 when it became a follower, and never fetched it again' })
    .check({ as: 'old' })
    .expect('old.lost', { equals: 1, because: 'm2 was acknowledged to the producer and is gone' })
    .note('Now the same faults with leader epochs (KIP-101).'),
  'leader-epoch',
)
  .expect('replicaValue events-0 3 1', { equals: 'm2', because: 'broker 3 kept m2: it never got an answer that told it to cut' })
  .brokerRestart(1)
  .brokerRestart(2)
  .waitUntil('isrSize events-0', { equals: 3, within: '30s' })
  .expect('committedValues events-0', { equals: 'm1,m2' })
  .check({ as: 'kip101' })
  .expect('kip101.lost', { equals: 0 })
  .build();
