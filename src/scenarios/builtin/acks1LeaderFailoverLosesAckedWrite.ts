import { scenario } from '../Scenario';

export default scenario({
  name: 'acks1-leader-failover-loses-acked-write',
  title: 'acks=1: the leader acknowledges, dies, and the write is gone',
  teaches: `With acks=1 the leader answers the producer as soon as the record is in its own log, before any follower has it. Here the leader of events-0 (broker 1) is cut off from its followers; it still takes m1 and acknowledges it at offset 1. Then it crashes. After broker.session.timeout.ms (9 s without a heartbeat) the controller fences it and elects broker 2, which is in the ISR (followers leave the ISR only after replica.lag.time.max.ms) but never received m1. The next write, m2, takes offset 1. When broker 1 comes back it asks the new leader where its epoch ended (OffsetsForLeaderEpoch) and truncates m1 away. The producer was told m1 was written; no broker has it.`,
  fix: 'acks=all with min.insync.replicas=2 (and replication factor 3): a write is acknowledged only once the whole ISR has it, and the ISR must hold at least two replicas.',
})
  .kafkaCluster({ brokers: 3 })
  .createTopic('events', { 'replication-factor': 3 })
  .producer('app', { acks: 1, 'linger.ms': 0 })
  .send('app', 'events', { value: 'm0', as: 'first' })
  .expect('first.records.0.offset', { equals: 0 })
  .wait('1s')
  .expect('replicaValue events-0 2 0', { equals: 'm0', because: 'the followers fetched m0' })
  .note('The leader loses its links to both followers; the controller and the producer still reach it.')
  .network({ kind: 'partition', between: 'broker-1', and: ['broker-2', 'broker-3'] })
  .send('app', 'events', { value: 'm1', as: 'acked' })
  .expect('acked.records.0.offset', { equals: 1, because: 'acks=1: the leader alone answers' })
  .expect('replicaLogEndOffset events-0 2', { equals: 1, because: 'no follower has m1' })
  .brokerCrash(1)
  .waitUntil('leader events-0', { equals: 2, within: '15s', because: 'the controller fences broker 1 after 9 s without heartbeats and elects the first in-sync replica' })
  .network({ kind: 'heal' })
  .expect('isr events-0', { equals: '2,3' })
  .send('app', 'events', { value: 'm2', as: 'next' })
  .expect('next.records.0.offset', { equals: 1, because: 'offset 1 is free again on the new leader' })
  .brokerRestart(1)
  .waitUntil('isrSize events-0', { equals: 3, within: '30s' })
  .inspectLog('events', 1)
  .expect('replicaValue events-0 1 1', { equals: 'm2', because: 'broker 1 truncated m1 and fetched m2 from the new leader' })
  .check({ as: 'audit' })
  .expect('audit.lost', { equals: 1, because: 'm1 was acknowledged and no replica holds it' })
  .expect('checker no-acked-write-lost', { equals: 'violated' })
  .build();
