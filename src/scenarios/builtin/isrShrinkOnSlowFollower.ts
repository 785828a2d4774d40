import { scenario } from '../Scenario';

export default scenario({
  name: 'isr-shrink-on-slow-follower',
  title: 'A slow follower stalls acks=all until it drops out of the ISR, then rejoins',
  teaches: `acks=all waits for every member of the ISR, so one slow follower slows every write. The leader checks every replica.lag.time.max.ms / 2 which followers are out of sync: a follower is in sync if its log end equals the leader's, or if it was caught up within replica.lag.time.max.ms (lastCaughtUpTimeMs moves when a fetch reaches the leader's log end, or the log end of the previous fetch). Here the leader's responses to broker 3 suddenly take 15 s. A write arrives; broker 3 cannot confirm it in time, and the producer waits until the next check finds broker 3 more than 10 s behind and the controller shrinks the ISR to [1,2]. From then on writes are fast again, and still on two replicas (min.insync.replicas=2). When the link recovers, broker 3 catches up to the high watermark and the leader adds it back.`,
  fix: 'Expect up to 1.5 × replica.lag.time.max.ms of extra latency when a follower stalls; keep request.timeout.ms above it, monitor IsrShrinksPerSec and under-replicated partitions, and keep min.insync.replicas=2 so a shrunken ISR still means two copies.',
})
  .kafkaCluster({ brokers: 3, config: { 'replica.lag.time.max.ms': 10_000 } })
  .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2 } })
  .producer('app', { acks: 'all', 'linger.ms': 0 })
  .send('app', 'events', { value: 'm0' })
  .wait('1s')
  .note("Broker 3 slows down: the leader's fetch responses to it now take 15 seconds.")
  .network({ kind: 'delay', from: 'broker-1', to: 'broker-3', latencyMs: 15_000, jitterMs: 0 })
  .send('app', 'events', { value: 'm1', as: 'slow' })
  .expect('isr events-0', { equals: '1,2', because: 'broker 3 was out of sync for more than replica.lag.time.max.ms' })
  .expect('slow.records.0.offset', { equals: 1 })
  .expect('replicaLogEndOffset events-0 3', { equals: 1, because: 'm1 is still on its way to broker 3' })
  .send('app', 'events', { value: 'm2', as: 'fast' })
  .note('The link recovers.')
  .network({ kind: 'heal' })
  .waitUntil('isrSize events-0', { equals: 3, within: '30s', because: 'broker 3 caught up with the high watermark and the leader added it back' })
  .expect('replicaLogEndOffset events-0 3', { equals: 3 })
  .check({ as: 'audit' })
  .expect('audit.ok', { equals: true })
  .build();
