import { scenario } from '../Scenario';

export default scenario({
  name: 'acks-all-min-isr-survives-leader-failover',
  title: 'acks=all with min.insync.replicas=2: the same failover loses nothing',
  teaches: `The same cluster and the same fault as acks1-leader-failover-loses-acked-write, with acks=all and min.insync.replicas=2. The leader, cut off from its followers, still appends m1 to its own log, but acks=all acknowledges only when the high watermark passes the record, that is when every ISR member has it; the followers cannot fetch, so the producer waits. The leader crashes; its connection to the producer resets, and the producer retries m1 (with the same sequence number, idempotence being on by default). Broker 2 is elected and takes m1 at offset 1, replicated to broker 3 before the acknowledgement. When broker 1 returns it finds that its own copy of m1, written in leader epoch 0, diverges from the new leader's epoch-1 history: it truncates it and fetches the committed m1. Every acknowledged record survives, exactly once.`,
  fix: 'This is the fix: acks=all, min.insync.replicas=2, replication factor 3, unclean.leader.election.enable=false.',
})
  .kafkaCluster({ brokers: 3 })
  .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2 } })
  .producer('app', { acks: 'all', 'linger.ms': 0 })
  .send('app', 'events', { value: 'm0', as: 'first' })
  .expect('first.records.0.offset', { equals: 0 })
  .wait('1s')
  .note('The leader loses its links to both followers; the controller and the producer still reach it.')
  .network({ kind: 'partition', between: 'broker-1', and: ['broker-2', 'broker-3'] })
  .send('app', 'events', { value: 'm1', wait: false })
  .wait('1s')
  .expect('replicaLogEndOffset events-0 1', { equals: 2, because: 'm1 is in the leader\'s log' })
  .expect('highWatermark events-0', { equals: 1, because: 'no follower has m1, so it is not committed' })
  .expect('pending app', { equals: 1, because: 'acks=all: no acknowledgement before the ISR has the record' })
  .brokerCrash(1)
  .waitUntil('leader events-0', { equals: 2, within: '15s' })
  .network({ kind: 'heal' })
  .step('await-sends', { producer: 'app', as: 'm1' })
  .expect('m1.records.0.offset', { equals: 1, because: 'the retry landed on the new leader' })
  .brokerRestart(1)
  .waitUntil('isrSize events-0', { equals: 3, within: '30s' })
  .inspectLog('events', 1)
  .expect('committedValues events-0', { equals: 'm0,m1' })
  .expect('replicaValue events-0 1 1', { equals: 'm1', because: 'broker 1 replaced its uncommitted copy with the committed one' })
  .check({ as: 'audit' })
  .expect('audit.lost', { equals: 0 })
  .expect('audit.duplicated', { equals: 0 })
  .build();
