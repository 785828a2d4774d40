import { scenario, type ScenarioBuilder } from '../Scenario';

/** KIP-101's second scenario against one truncation rule. */
function doublePowerLoss(builder: ScenarioBuilder, rule: 'high-watermark' | 'leader-epoch'): ScenarioBuilder {
  return builder
    .kafkaCluster({ brokers: 2, 'follower-truncation': rule })
    .createTopic('events', { 'replication-factor': 2 })
    .producer('app', { acks: 'all', 'linger.ms': 0 })
    .send('app', 'events', { value: 'm1' })
    .wait('1s')
    .step('broker-flush', {})
    .send('app', 'events', { value: 'm2' })
    .wait('6s')
    .note('Both replicas hold m1 and m2 and checkpointed high watermark 2; m1 is on both disks. Broker 1\'s page cache happens to be written back now; broker 2\'s is not yet.')
    .step('broker-flush', { broker: 1 })
    .brokerPowerLoss(1)
    .brokerPowerLoss(2)
    .wait('10s')
    .note('Broker 2 comes back first. It lost m2, and it is the one elected.')
    .brokerRestart(2)
    .waitUntil('leader events-0', { equals: 2, within: '10s' })
    .send('app', 'events', { value: 'm3' })
    .note('Now broker 1 returns and follows broker 2.')
    .brokerRestart(1)
    .waitUntil('isrSize events-0', { equals: 2, within: '30s' })
    .inspectLog('events', 1)
    .inspectLog('events', 2);
}

export default doublePowerLoss(
  doublePowerLoss(
    scenario({
      name: 'kip101-log-divergence',
      title: 'KIP-101: two replicas end up with different records at the same offset',
      teaches: `KIP-101's second scenario. Both replicas of events-0 hold m1 and m2 and have checkpointed high watermark 2; then both lose power, broker 1 having m2 on disk and broker 2 not. Broker 2 returns first, is elected (it is in the ISR), and writes m3 at offset 1, where broker 1 has m2. When broker 1 returns as a follower, the old rule cuts its log to its own high watermark, 2: it keeps m2, fetches from offset 2, and rejoins the ISR. Offset 1 now holds m2 on one replica and m3 on the other, both below the high watermark: consumers see different data depending on the leader, and the committed-prefix checker fails. With leader epochs, broker 1 asks broker 2 where epoch 0 ends; the answer is offset 1 (epoch 3 began there), so broker 1 cuts m2 and fetches m3. (Losing m2 is the price of losing power on every replica at once: see all-replicas-power-loss-unflushed.)`,
      fix: 'Leader epochs (KIP-101): follower-truncation leader-epoch, the only rule since Kafka 0.11.',
    }).note('First, followers truncate to their own high watermark, as before Kafka 0.11.'),
    'high-watermark',
  )
    .expect('replicaValue events-0 1 1', { equals: 'm2', because: 'the old rule trusted broker 1\'s high watermark of 2' })
    .expect('replicaValue events-0 2 1', { equals: 'm3' })
    .check({ as: 'old' })
    .expect('old.committed-prefix-identical', { equals: 'violated', because: 'offset 1 is committed and differs between the replicas' })
    .note('Now the same faults with leader epochs (KIP-101).'),
  'leader-epoch',
)
  .expect('replicaValue events-0 1 1', { equals: 'm3', because: 'broker 1 cut m2 where epoch 0 ended and fetched m3' })
  .expect('replicaValue events-0 2 1', { equals: 'm3' })
  .check({ as: 'kip101' })
  .expect('kip101.committed-prefix-identical', { equals: 'ok' })
  .build();
