import { scenario, type ScenarioBuilder } from '../Scenario';

/** A follower falls out of the ISR, the leader takes more writes, then the leader dies. */
function leaderDiesAlone(builder: ScenarioBuilder, unclean: boolean): ScenarioBuilder {
  return builder
    .kafkaCluster({ brokers: 2, config: { 'replica.lag.time.max.ms': 10_000 } })
    .createTopic('events', { 'replication-factor': 2, config: { 'unclean.leader.election.enable': unclean } })
    .producer('app', { acks: 'all', 'linger.ms': 0, 'delivery.timeout.ms': 30_000 })
    .send('app', 'events', { value: 'm0' })
    .note('Broker 2 loses its link to the leader. New writes wait for it until, replica.lag.time.max.ms later, it is out of sync and the ISR shrinks to the leader alone.')
    .network({ kind: 'partition', between: 'broker-2', and: 'broker-1' })
    .send('app', 'events', { value: 'm{n}', count: 2, wait: false })
    .waitUntil('isr events-0', { equals: '1', within: '30s' })
    .step('await-sends', { producer: 'app', as: unclean ? 'alone' : 'aloneClean' })
    .expect(`${unclean ? 'alone' : 'aloneClean'}.acked`, { equals: 2, because: 'acks=all waits for the ISR, and the ISR is broker 1 alone (min.insync.replicas is 1)' })
    .network({ kind: 'heal' })
    .note('Broker 1, the only in-sync replica, crashes.')
    .brokerCrash(1)
    .wait('12s');
}

export default leaderDiesAlone(
  leaderDiesAlone(
    scenario({
      name: 'unclean-election-loses-committed-data',
      title: 'Unclean leader election trades committed writes for availability',
      teaches: `A follower that falls out of the ISR stops counting: the leader keeps acknowledging acks=all writes with the ISR reduced to itself (min.insync.replicas=1, the default). When that last in-sync leader dies, a clean election has no candidate and the partition goes offline until the leader returns. With unclean.leader.election.enable=true the controller elects the out-of-sync follower right away and makes it the whole ISR: the partition is available again at once, without the writes it never received. When the old leader returns it follows the new one and truncates those committed writes away. Here the unclean run loses the acknowledged records m1 and m2; the clean run keeps them and is unavailable until broker 1 is back.`,
      fix: 'Keep unclean.leader.election.enable=false (the default) and min.insync.replicas=2 with replication factor 3, so an acknowledged write is on two replicas and the ISR cannot shrink to one while accepting writes.',
    }).note('First with unclean.leader.election.enable=true.'),
    true,
  )
    .expect('leader events-0', { equals: 2, because: 'the controller elected the out-of-sync replica' })
    .expect('isr events-0', { equals: '2' })
    .brokerRestart(1)
    .waitUntil('isrSize events-0', { equals: 2, within: '30s' })
    .inspectLog('events', 1)
    .check({ as: 'unclean' })
    .expect('unclean.lost', { equals: 2, because: 'm1 and m2 were acknowledged, and the new leader never had them' })
    .note('Now the same faults with unclean.leader.election.enable=false.'),
  false,
)
  .expect('leader events-0', { equals: -1, because: 'no in-sync replica is alive: the partition is offline' })
  .send('app', 'events', { value: 'while-offline', as: 'offline' })
  .expect('offline.error', { equals: 'REQUEST_TIMED_OUT', because: 'no leader for delivery.timeout.ms' })
  .brokerRestart(1)
  .waitUntil('leader events-0', { equals: 1, within: '30s', because: 'broker 1 is still the ISR, so it leads again, cleanly' })
  .waitUntil('isrSize events-0', { equals: 2, within: '60s' })
  .check({ as: 'clean' })
  .expect('clean.lost', { equals: 0 })
  .expect('committedValues events-0', { equals: 'm0,m1,m2' })
  .build();
