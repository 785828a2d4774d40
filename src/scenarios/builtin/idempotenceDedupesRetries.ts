import { scenario } from '../Scenario';

export default scenario({
  name: 'idempotence-dedupes-retries',
  title: 'Idempotence turns a retried write into a no-op, until the broker forgets the producer',
  teaches: `The same lost response as retries-duplicate-without-idempotence, with enable.idempotence=true (the default). The producer got a producer id and numbers each batch per partition; the leader remembers the last five batches of each producer. The retry of m1 carries the same producer id, epoch and sequence number, so the leader recognises it as a duplicate: it appends nothing and answers with the original offset 1. That memory is finite, though. The second cluster's brokers forget idle producers after producer.id.expiration.ms (1 day by default, one minute here). When the retry arrives after the producer was forgotten, the broker accepts any sequence from an unknown producer (since KIP-360, Kafka no longer answers UNKNOWN_PRODUCER_ID) and m1 is written twice again.`,
  fix: 'Keep enable.idempotence=true and keep retries well inside producer.id.expiration.ms (delivery.timeout.ms, 2 minutes by default, is far below the 1-day default); end-to-end deduplication still needs an id in the record.',
})
  .kafkaCluster({ brokers: 3 })
  .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2 } })
  .producer('app', { acks: 'all', 'linger.ms': 0, 'request.timeout.ms': 5_000 })
  .send('app', 'events', { value: 'm0' })
  .note("The leader's responses to the producer start getting lost.")
  .network({ kind: 'drop', from: 'broker-1', to: 'app', probability: 1 })
  .send('app', 'events', { value: 'm1', wait: false })
  .wait('1s')
  .network({ kind: 'drop', from: 'broker-1', to: 'app', probability: 0 })
  .step('await-sends', { producer: 'app', as: 'retried' })
  .expect('retried.records.0.offset', { equals: 1, because: 'the broker answered with the original offset' })
  .expect('committedValues events-0', { equals: 'm0,m1' })
  .expect('duplicates events-0', { equals: 0 })
  .note('Now brokers that forget idle producers after one minute, checked every ten seconds, and a producer whose retry comes later than that.')
  .kafkaCluster({ brokers: 3, config: { 'producer.id.expiration.ms': 60_000, 'producer.id.expiration.check.interval.ms': 10_000 } })
  .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2 } })
  .producer('app', { acks: 'all', 'linger.ms': 0, 'request.timeout.ms': 90_000, 'delivery.timeout.ms': 200_000 })
  .send('app', 'events', { value: 'm0' })
  .network({ kind: 'drop', from: 'broker-1', to: 'app', probability: 1 })
  .send('app', 'events', { value: 'm1', wait: false })
  .wait('1s')
  .network({ kind: 'drop', from: 'broker-1', to: 'app', probability: 0 })
  .step('await-sends', { producer: 'app', as: 'late' })
  .expect('late.records.0.offset', { equals: 2, because: 'the broker no longer knew the producer and accepted its sequence as new' })
  .expect('committedValues events-0', { equals: 'm0,m1,m1' })
  .expect('duplicates events-0', { equals: 1 })
  .build();
