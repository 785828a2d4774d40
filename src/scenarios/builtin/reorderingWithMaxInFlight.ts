import { scenario, type ScenarioBuilder } from '../Scenario';

/**
 * m1 is in flight to the old leader of events-0 while leadership moves; the
 * producer learns the new leader from another broker and sends m2 there.
 */
function leaderMovesUnderM1(builder: ScenarioBuilder, name: string, config: Record<string, unknown>): ScenarioBuilder {
  return builder
    .kafkaCluster({ brokers: 3 })
    .createTopic('events', { partitions: 2, 'replication-factor': 3 })
    .producer(name, { ...config, 'max.in.flight.requests.per.connection': 5, 'linger.ms': 0, 'metadata.max.age.ms': 1_000 })
    .send(name, 'events', { value: 'm0', partition: 0 })
    .send(name, 'events', { value: 'x0', partition: 1 })
    .note("The link from the producer to broker 1, events-0's leader, gets slow: requests take 1.5 s.")
    .network({ kind: 'delay', from: name, to: 'broker-1', latencyMs: 1_500, jitterMs: 0 })
    .send(name, 'events', { value: 'm1', partition: 0, wait: false })
    .note('While m1 is on its way, broker 1 is shut down: leadership of events-0 moves to broker 2 at once.')
    .brokerShutdown(1)
    .wait('1200ms')
    .send(name, 'events', { value: 'm2', partition: 0, wait: false })
    .step('await-sends', { producer: name })
    .wait('1s');
}

export default leaderMovesUnderM1(
  leaderMovesUnderM1(
    scenario({
      name: 'reordering-with-max-in-flight',
      title: 'Retries with several requests in flight reorder records',
      teaches: `With max.in.flight.requests.per.connection=5 the producer does not wait for one batch's answer before sending the next. m1 is in flight to broker 1, the leader of events-0, over a slow link when leadership moves to broker 2 (a controlled shutdown). The producer refreshes its metadata from broker 2 (metadata.max.age.ms is 1 s here), learns the new leader, and sends m2 there: written at offset 1. Then m1 reaches broker 1, which is no longer the leader: NOT_LEADER_OR_FOLLOWER. The producer retries m1 and it lands at offset 2, after a record sent later; consumers read m0 m2 m1. With the idempotent producer, broker 2 refuses m2 with OUT_OF_ORDER_SEQUENCE_NUMBER because m1's sequence number is missing; the producer retries the lowest unacknowledged batch first, and the log keeps the send order.`,
      fix: 'enable.idempotence=true (the default since Kafka 3.0; it allows up to 5 requests in flight), or max.in.flight.requests.per.connection=1 at a throughput cost.',
    }),
    'loose',
    { acks: 1, 'enable.idempotence': false },
  )
    .expect('committedValues events-0', { equals: 'm0,m2,m1', because: 'm1 was retried after m2, sent later, had been written' })
    .note('The same, with the idempotent producer (acks=all, enable.idempotence=true).'),
  'ordered',
  { acks: 'all' },
)
  .expect('committedValues events-0', { equals: 'm0,m1,m2', because: 'the new leader refused m2 until m1, the missing sequence number, arrived' })
  .expect('duplicates events-0', { equals: 0 })
  .build();
