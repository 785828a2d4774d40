import { scenario, type ScenarioBuilder } from '../Scenario';

/** m1's request is lost; m2..m5 go out behind it on the same connection. */
function lostFirstRequest(builder: ScenarioBuilder, name: string): ScenarioBuilder {
  return builder
    .send(name, 'events', { value: 'm0' })
    .note("The producer's next request to the leader is lost on the way.")
    .network({ kind: 'drop', from: name, to: 'broker-1', probability: 1 })
    .send(name, 'events', { value: 'm1', wait: false })
    .wait('5ms')
    .network({ kind: 'drop', from: name, to: 'broker-1', probability: 0 })
    .send(name, 'events', { value: 'm{n}', from: 2, count: 4, interval: '5ms', wait: false })
    .step('await-sends', { producer: name })
    .wait('1s');
}

export default lostFirstRequest(
  lostFirstRequest(
    scenario({
      name: 'reordering-with-max-in-flight',
      title: 'Retries with several requests in flight reorder records',
      teaches: `With max.in.flight.requests.per.connection=5 the producer sends the next batch without waiting for the previous one's answer. Here the request carrying m1 is lost; the requests carrying the next four records arrive and are written at offsets 1 to 4. Only when m1's request times out (request.timeout.ms) does the producer retry it, and m1 lands at offset 5, after records sent later: every consumer sees m0 m2 m3 m4 m5 m1. Idempotence prevents it while keeping five requests in flight: the leader expects the batches of a producer in sequence, so m2 arrives out of order and is refused with OUT_OF_ORDER_SEQUENCE_NUMBER, the producer retries the lowest unacknowledged batch first, and the records land in the order they were sent.`,
      fix: 'enable.idempotence=true (the default since Kafka 3.0; it allows up to 5 requests in flight), or max.in.flight.requests.per.connection=1 at a throughput cost.',
    })
      .kafkaCluster({ brokers: 3 })
      .createTopic('events', { 'replication-factor': 3 })
      .producer('loose', { acks: 1, 'enable.idempotence': false, 'max.in.flight.requests.per.connection': 5, 'linger.ms': 0, 'request.timeout.ms': 5_000 }),
    'loose',
  )
    .expect('committedValues events-0', { equals: 'm0,m2,m3,m4,m5,m1', because: 'm1 was retried after the later batches were written' })
    .note('The same, with the idempotent producer (acks=all, enable.idempotence=true).')
    .kafkaCluster({ brokers: 3 })
    .createTopic('events', { 'replication-factor': 3 })
    .producer('ordered', { acks: 'all', 'max.in.flight.requests.per.connection': 5, 'linger.ms': 0, 'request.timeout.ms': 5_000 }),
  'ordered',
)
  .expect('committedValues events-0', { equals: 'm0,m1,m2,m3,m4,m5', because: 'the broker refused batches past the missing sequence until m1 arrived' })
  .expect('duplicates events-0', { equals: 0 })
  .build();
